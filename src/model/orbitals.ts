// The atomic orbitals of a molecule under a model's basis set and orbital table (method.md section 2).
import { atomicOrbitals, type BasisSetShape } from "../chem/basisSet.js";
import type { Molecule } from "../chem/molecule.js";

export interface MoleculeOrbitals {
  /** Row of each orbital in coefficient.weight / zeta.weight, i32 [nOrb]. */
  index: Int32Array;
  /** Principal quantum number per orbital, f32 [nOrb]. */
  q: Float32Array;
  /** Centre (its atom's coordinates) per orbital, f64 [nOrb * 3]. */
  centres: Float64Array;
}

/** Thrown when a molecule has an orbital type the model never saw (an element outside its training data). */
export class UnknownOrbitalError extends Error {
  override name = "UnknownOrbitalError";
}

/**
 * Orbitals in atom order, each atom's in basis order. With `grow`, unseen names are appended to `table` (building
 * the table from training data); otherwise an unseen name is an error for this molecule.
 */
export function moleculeOrbitals(m: Molecule, basis: BasisSetShape, table: Record<string, number>,
                                 grow = false): MoleculeOrbitals {
  const names: string[] = [], qs: number[] = [], centres: number[] = [];
  for (let a = 0; a < m.atomicNumbers.length; a++) {
    for (const o of atomicOrbitals(m.atomicNumbers[a]!, basis)) {
      names.push(o.name);
      qs.push(o.q);
      centres.push(m.coords[3 * a]!, m.coords[3 * a + 1]!, m.coords[3 * a + 2]!);
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
    const elements = [...new Set([...unknown].map((n) => n.replace(/\d[sp]\d+$/, "")))];
    throw new UnknownOrbitalError(
      `molecule ${m.id}: element(s) ${elements.join(", ")} not in the model's orbital table ` +
      `(orbital types ${[...unknown].slice(0, 4).join(", ")}${unknown.size > 4 ? ", ..." : ""}); the model never saw them`);
  }
  return { index, q: Float32Array.from(qs), centres: Float64Array.from(centres) };
}
