// Test helper: the 3D GCN's forward pass in plain float64 loops, written from the paper's equations (independent of src/gcn).
import type { Weights } from "../../src/model/config.js";

export interface PlainMolecule { types: number[]; coords: number[][] }

/** y = W x + b for W [out, in] stored row-major. */
function affine(w: Float32Array, b: Float32Array, x: number[]): number[] {
  const out = b.length, inn = x.length;
  return Array.from({ length: out }, (_, o) => {
    let s = b[o]!;
    for (let i = 0; i < inn; i++) s += w[o * inn + i]! * x[i]!;
    return s;
  });
}

/** E for each molecule: embedding; per layer h' = relu(W h + b), h_i <- h'_i + sum_j exp(-g_i d_ij^2) h'_j, normalised; output layers; sum; head. */
export function plainGcn(weights: Weights, layers: number, outputLayers: number, mols: PlainMolecule[], mean = false): number[][] {
  const w = (n: string) => weights.get(n)!.data;
  const D = weights.get("embed_atom.weight")!.shape[1]!;
  return mols.map(({ types, coords }) => {
    const n = types.length;
    let h = types.map((t) => Array.from(w("embed_atom.weight").subarray(t * D, (t + 1) * D)));
    for (let l = 0; l < layers; l++) {
      const hp = h.map((x) => affine(w(`W_atom.${l}.weight`), w(`W_atom.${l}.bias`), x).map((v) => Math.max(0, v)));
      h = hp.map((row, i) => {
        const g = w(`gamma.${l}.weight`)[types[i]!]!;
        const out = [...row];
        for (let j = 0; j < n; j++) {
          if (j === i) continue; // the self-distance is 1e6: exp(-g 1e12) = 0
          const d2 = coords[i]!.reduce((s, c, k) => s + (c - coords[j]![k]!) ** 2, 0);
          const a = Math.exp(-g * d2);
          for (let k = 0; k < D; k++) out[k]! += a * hp[j]![k]!;
        }
        const norm = Math.max(Math.sqrt(out.reduce((s, v) => s + v * v, 0)), 1e-12);
        return out.map((v) => v / norm);
      });
    }
    for (let l = 0; l < outputLayers; l++) h = h.map((x) => affine(w(`W_output.${l}.weight`), w(`W_output.${l}.bias`), x).map((v) => Math.max(0, v)));
    const pooled = Array.from({ length: D }, (_, k) => h.reduce((s, x) => s + x[k]!, 0) / (mean ? n : 1));
    return affine(w("W_property.weight"), w("W_property.bias"), pooled);
  });
}
