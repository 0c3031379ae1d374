// The GCN's per-molecule inputs: atom rows in the model's element table and squared interatomic distances.
import type { Molecule } from "../chem/molecule.js";

export interface GcnFeatures {
  id: string;
  nAtoms: number;
  /** Row of each atom's element in the embedding and gamma tables. */
  atomIndex: Int32Array;
  /** Squared distances f32 [nAtoms * nAtoms]; the self-distance is 1e6 (as the authors': exp(-gamma d^2) vanishes). */
  dist2: Float32Array;
  properties?: number[];
}

/** The distance the authors' code gives to an atom and itself, and to atoms of different molecules in a batch. */
export const FAR = 1e6;

/**
 * Features for one molecule. With `grow`, unseen elements are added to `atomDict` (training); otherwise an unseen
 * element is an error naming the molecule.
 */
export function gcnFeatures(m: Molecule, atomDict: Record<string, number>, grow = false): GcnFeatures {
  const n = m.symbols.length;
  const atomIndex = new Int32Array(n);
  m.symbols.forEach((s, i) => {
    let row = atomDict[s];
    if (row === undefined) {
      if (!grow) throw new Error(`molecule ${m.id}: element ${s} is not in the model (it knows ${Object.keys(atomDict).join(" ")})`);
      row = atomDict[s] = Object.keys(atomDict).length;
    }
    atomIndex[i] = row;
  });
  const dist2 = new Float32Array(n * n);
  const c = m.coords;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const dx = c[3 * i]! - c[3 * j]!, dy = c[3 * i + 1]! - c[3 * j + 1]!, dz = c[3 * i + 2]! - c[3 * j + 2]!;
      const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
      // A zero distance (the atom itself, or coincident atoms) becomes FAR, as the authors' preprocessing does.
      const r = d === 0 ? FAR : d;
      dist2[i * n + j] = r * r;
    }
  }
  const f: GcnFeatures = { id: m.id, nAtoms: n, atomIndex, dist2 };
  if (m.properties) f.properties = m.properties;
  return f;
}
