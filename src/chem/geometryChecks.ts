// Geometry a model can be trusted with: finite coordinates within a bound, no two atoms at (nearly) one point, and the
// molecule centred on its centroid, so that where it sits in space cannot change what is computed from it.
import type { Molecule } from "./molecule.js";

/** Atoms closer than this (angstrom) are one atom written twice or a unit mistake: an error, not a warning. */
export const MIN_ATOM_DISTANCE_A = 0.1;
/**
 * Coordinates beyond this (angstrom) are an error: no molecule is that big, and float64 still resolves 1e-10 A there,
 * so centring (below) loses nothing a float32 distance could see.
 */
export const MAX_COORDINATE_A = 1e6;

/** Why a molecule's geometry is unusable, naming the molecule and the atoms (1-based, as in the input). */
export class GeometryError extends Error {
  constructor(moleculeId: string, reason: string) {
    super(`molecule ${moleculeId}: ${reason}`);
    this.name = "GeometryError";
  }
}

const atomName = (m: Molecule, i: number) => `atom ${i + 1} (${m.symbols[i] ?? `Z=${m.atomicNumbers[i]}`})`;

/**
 * The molecule's geometry problem, or null: a non-finite coordinate or one beyond MAX_COORDINATE_A, or two atoms
 * closer than MIN_ATOM_DISTANCE_A (the first pair found, in input order of the later atom). Linear in the atoms: atoms go into cells of
 * MIN_ATOM_DISTANCE_A, so only atoms in neighbouring cells are compared.
 */
export function geometryProblem(m: Molecule): string | null {
  const c = m.coords, n = c.length / 3;
  for (let i = 0; i < 3 * n; i++) {
    const v = c[i]!;
    if (!Number.isFinite(v) || Math.abs(v) > MAX_COORDINATE_A) {
      const a = Math.floor(i / 3);
      return `${atomName(m, a)} has ${"xyz"[i % 3]} = ${v} A, beyond the ${MAX_COORDINATE_A.toExponential(0)} A bound on coordinates`;
    }
  }
  const cell = (v: number) => Math.floor(v / MIN_ATOM_DISTANCE_A);
  // Cells keyed by a string: 2e7 cells per axis within the coordinate bound do not fit one float's integers cubed.
  const cells = new Map<string, number[]>();
  const key = (x: number, y: number, z: number) => `${x},${y},${z}`;
  for (let j = 0; j < n; j++) {
    const x = cell(c[3 * j]!), y = cell(c[3 * j + 1]!), z = cell(c[3 * j + 2]!);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) for (let dz = -1; dz <= 1; dz++) {
      for (const i of cells.get(key(x + dx, y + dy, z + dz)) ?? []) {
        const d = Math.hypot(c[3 * i]! - c[3 * j]!, c[3 * i + 1]! - c[3 * j + 1]!, c[3 * i + 2]! - c[3 * j + 2]!);
        if (d < MIN_ATOM_DISTANCE_A) {
          return `${atomName(m, i)} and ${atomName(m, j)} are ${d.toPrecision(3)} A apart, closer than ` +
            `${MIN_ATOM_DISTANCE_A} A (a duplicated atom line?)`;
        }
      }
    }
    const k = key(x, y, z), list = cells.get(k);
    if (list) list.push(j);
    else cells.set(k, [j]);
  }
  return null;
}

/** Throws GeometryError for a molecule geometryProblem refuses. */
export function checkGeometry(m: Molecule): void {
  const problem = geometryProblem(m);
  if (problem) throw new GeometryError(m.id, problem);
}

/** The molecule's centroid (the mean of its atoms' positions), float64 [3]. */
export function centroid(coords: Float64Array): [number, number, number] {
  const n = coords.length / 3, out: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) out[a] += coords[3 * i + a]!;
  if (n > 0) for (let a = 0; a < 3; a++) out[a] /= n;
  return out;
}

/** Coordinates f64 [nAtoms * 3] minus `origin` (in float64, before anything is rounded to float32). */
export function shifted(coords: Float64Array, origin: readonly number[]): Float64Array {
  return Float64Array.from(coords, (v, i) => v - origin[i % 3]!);
}
