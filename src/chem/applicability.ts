// Applicability checks: whether a molecule looks like what a model was trained on (warnings, or errors with --strict).
import type { Molecule } from "./molecule.js";

/** Atoms closer than this (angstrom) are taken for a mistake (duplicated atoms, wrong units); bonds are >= 0.74 A. */
export const MIN_DISTANCE_A = 0.5;
/**
 * Atoms within this distance (angstrom) of each other belong to one fragment. Covalent bonds are under 2.1 A even
 * for S-S and C-Cl, so one molecule is one fragment; a group of atoms farther than this from all others is another.
 */
export const FRAGMENT_DISTANCE_A = 3;

const fmt = (d: number) => d.toFixed(2);

/**
 * The applicability warnings of a molecule for a model trained on molecules of `atomCountRange` atoms (when known):
 * - a single atom (an atomization energy is 0 by definition; the model was trained on molecules);
 * - more atoms than the training set's largest molecule;
 * - two atoms closer than MIN_DISTANCE_A;
 * - more than one fragment: groups of atoms with no atom within FRAGMENT_DISTANCE_A of the other groups'
 *   (a lone atom far from the rest is such a group).
 * Empty when none applies. O(n^2) in the atoms, which is nothing beside the prediction itself.
 */
export function applicabilityWarnings(m: Molecule, atomCountRange?: readonly [number, number]): string[] {
  const n = m.atomicNumbers.length;
  const out: string[] = [];
  if (n === 1) out.push("a single atom, not a molecule (the model was trained on molecules)");
  if (atomCountRange && n > atomCountRange[1]) {
    out.push(`${n} atoms, more than the ${atomCountRange[1]} of the largest molecule the model was trained on`);
  }
  if (n < 2) return out;

  // One pass over the pairs: the closest pair, and fragments by union-find over pairs within FRAGMENT_DISTANCE_A.
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const c = m.coords;
  let closest = Infinity, ci = 0, cj = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = c[3 * i]! - c[3 * j]!, dy = c[3 * i + 1]! - c[3 * j + 1]!, dz = c[3 * i + 2]! - c[3 * j + 2]!;
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 < closest) { closest = d2; ci = i; cj = j; }
      if (d2 <= FRAGMENT_DISTANCE_A ** 2) parent[root(i)] = root(j);
    }
  }
  const d = Math.sqrt(closest);
  if (d < MIN_DISTANCE_A) {
    out.push(`atoms ${ci + 1} (${m.symbols[ci]}) and ${cj + 1} (${m.symbols[cj]}) are ${fmt(d)} A apart, ` +
      `closer than ${MIN_DISTANCE_A} A`);
  }
  const sizes = new Map<number, number>();
  for (let i = 0; i < n; i++) sizes.set(root(i), (sizes.get(root(i)) ?? 0) + 1);
  if (sizes.size > 1) {
    const list = [...sizes.values()].sort((a, b) => b - a).join(" + ");
    out.push(`${sizes.size} fragments (${list} atoms) more than ${FRAGMENT_DISTANCE_A} A apart`);
  }
  return out;
}
