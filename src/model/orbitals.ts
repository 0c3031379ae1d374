// The atomic orbitals of a molecule under a model's basis set and orbital table (method.md section 2).
import { atomicOrbitals, type BasisSetShape } from "../chem/basisSet.js";
import type { Molecule } from "../chem/molecule.js";
import { atomicNumber } from "../chem/elements.js";

export interface MoleculeOrbitals {
  /** Row of each orbital in coefficient.weight / zeta.weight, i32 [nOrb]. */
  index: Int32Array;
  /** Principal quantum number per orbital, f32 [nOrb]. */
  q: Float32Array;
  /** Centre (its atom's coordinates) per orbital, f64 [nOrb * 3]. */
  centres: Float64Array;
  /** Each orbital's atom (the index of its centre's nucleus), i32 [nOrb]. */
  atom: Int32Array;
}

/** Thrown when a molecule has an element outside the model's orbital table (one its training data never had). */
export class UnknownOrbitalError extends Error {
  /** The molecule's elements the model does not know, in order of atomic number ("Si"). */
  readonly elements: string[];
  /** The elements the model knows, in order of atomic number ("H", "C", "N", "O"). */
  readonly modelElements: string[];

  constructor(moleculeId: string, elements: string[], modelElements: string[]) {
    super(`molecule ${moleculeId}: element${elements.length > 1 ? "s" : ""} ${elements.join(", ")} not in the model's ` +
      `orbital table; the model knows ${modelElements.join(", ")}`);
    this.name = "UnknownOrbitalError";
    this.elements = elements;
    this.modelElements = modelElements;
  }
}

/** The element of an orbital type name ("Cl2p3" -> "Cl"). */
function orbitalElement(name: string): string {
  return name.replace(/\d[sp]\d+$/, "");
}

/** The elements of orbital type names (an orbital table's keys), each once, in order of atomic number. */
export function orbitalElements(names: Iterable<string>): string[] {
  const byZ = (a: string, b: string) => (atomicNumber(a) ?? 999) - (atomicNumber(b) ?? 999);
  return [...new Set([...names].map(orbitalElement))].sort(byZ);
}

/**
 * Orbitals in atom order, each atom's in basis order. With `grow`, unseen names are appended to `table` (building
 * the table from training data); otherwise an unseen name is an error for this molecule.
 */
export function moleculeOrbitals(m: Molecule, basis: BasisSetShape, table: Record<string, number>,
                                 grow = false): MoleculeOrbitals {
  const names: string[] = [], qs: number[] = [], centres: number[] = [], atoms: number[] = [];
  for (let a = 0; a < m.atomicNumbers.length; a++) {
    for (const o of atomicOrbitals(m.atomicNumbers[a]!, basis)) {
      names.push(o.name);
      qs.push(o.q);
      centres.push(m.coords[3 * a]!, m.coords[3 * a + 1]!, m.coords[3 * a + 2]!);
      atoms.push(a);
    }
  }
  const index = new Int32Array(names.length);
  const unknown = new Set<string>();
  names.forEach((name, i) => {
    let row = table[name];
    if (row === undefined && grow) row = table[name] = Object.keys(table).length;
    if (row === undefined) unknown.add(name);
    else index[i] = row;
  });
  if (unknown.size > 0) {
    throw new UnknownOrbitalError(m.id, orbitalElements(unknown), orbitalElements(Object.keys(table)));
  }
  return { index, q: Float32Array.from(qs), centres: Float64Array.from(centres), atom: Int32Array.from(atoms) };
}
