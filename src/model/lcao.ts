// The LCAO stage: Psi = B C, coefficients normalised per molecule, Psi's columns normalised and scaled to N_elec;
// taped (tfjs ops with hand-written gradients) and frozen (plain arrays) side by side.
import * as tf from "#tfjs-core";
import { customOp } from "./customOp.js";
import { columnSumsT } from "../kernels/tensorKernels.js";
import { scaleColumnsByNorm } from "../kernels/columns.js";
import type { MoleculeFeatures } from "./features.js";

/** torch's F.normalize floor on a norm. */
export const EPS = 1e-12;

/** The scale of Psi's normalised columns: sqrt(N_elec / D) (method.md, step 3). */
export function orbitalScale(nElectrons: number, dim: number): number {
  return Math.sqrt(nElectrons / dim);
}

/** The factor on Psi's column k: sqrt(N_elec / D) / max(||(B C)[:, k]||, 1e-12) (method.md, step 3). */
export function orbitalFactor(norm: number, nElectrons: number, dim: number): number {
  return orbitalScale(nElectrons, dim) / Math.max(norm, EPS);
}

// ---- taped --------------------------------------------------------------------------------------------------------

/** 1 where a norm >= 1e-12 (it is used), 0 where the floor takes over (a constant: no gradient through it). */
export function unfloored(norm: tf.Tensor): tf.Tensor {
  return tf.cast(tf.greaterEqual(norm, EPS), "float32");
}

/**
 * x / max(||x||_2, 1e-12) per column (torch.nn.functional.normalize(x, 2, 0)), one op with a hand-written gradient:
 * with y = x / m, dx = (dy - y * colsum(dy y)) / m where ||x|| >= 1e-12 (else dy / m, the floor being constant).
 * As taped primitives this was ~20 small ops with their saved copies; tf.norm (Pow of |x|) was ~15x slower still.
 * The column sums run in the SIMD heap kernel (tfjs-wasm's axis-0 Sum transposes first; a ones-row matmul repacks).
 */
export function normalizeColumns(x: tf.Tensor2D): tf.Tensor2D {
  const op = customOp((xi: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const norm = tf.sqrt(columnSumsT(tf.square(xi)));
    const m = tf.maximum(norm, EPS);
    const y = tf.div(xi, m);
    save([y, m, unfloored(norm)]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [ys, ms, free] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const along = tf.mul(columnSumsT(tf.mul(dy, ys) as tf.Tensor2D), free);
        return tf.div(tf.sub(dy, tf.mul(ys, along)), ms);
      },
    };
  });
  return op(x) as tf.Tensor2D;
}

/**
 * table[rows] [rows.length, D] for a small table (the coefficients), gathered in JS: tfjs-wasm's GatherV2 costs
 * ~0.5 ms a call here. Gradient: the rows of dy added back into a zero table.
 */
export function gatherRows(table: tf.Tensor2D, rows: ArrayLike<number>): tf.Tensor2D {
  const op = customOp((t: tf.Tensor2D) => {
    const width = t.shape[1], all = t.dataSync() as Float32Array;
    const out = new Float32Array(rows.length * width);
    for (let r = 0; r < rows.length; r++) out.set(all.subarray(rows[r]! * width, (rows[r]! + 1) * width), r * width);
    return {
      value: tf.tensor2d(out, [rows.length, width]),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array, sum = new Float32Array(t.size);
        for (let r = 0; r < rows.length; r++) {
          const dst = rows[r]! * width, src = r * width;
          for (let j = 0; j < width; j++) sum[dst + j]! += g[src + j]!;
        }
        return tf.tensor2d(sum, t.shape);
      },
    };
  });
  return op(table) as tf.Tensor2D;
}

/**
 * Normalised coefficient blocks, one [nOrb_i, D] per molecule: each block's columns normalised over its own rows
 * (method.md, as the reference's LCAO does before concatenating). Normalising over a whole batch's rows would give the
 * same Psi and gradients, since Psi's own column normalisation cancels any positive per-column scale of C (step-0
 * loss_E agreed to 1e-7 either way), so the reference trajectories cannot tell the two apart.
 */
export function coefficientBlocks(coefficient: tf.Tensor2D, batch: MoleculeFeatures[]): tf.Tensor2D[] {
  return batch.map((f) => normalizeColumns(gatherRows(coefficient, f.orbitalIndex)));
}

/** Taped: Psi = B C with each column normalised over the field points and scaled by sqrt(N_elec / D). */
export function molecularOrbitals(basis: tf.Tensor2D, coefficients: tf.Tensor2D, nElectrons: number): tf.Tensor2D {
  const psi = tf.matMul(basis, coefficients);
  const dim = coefficients.shape[1];
  return tf.mul(normalizeColumns(psi as tf.Tensor2D), orbitalScale(nElectrons, dim));
}

// ---- frozen -------------------------------------------------------------------------------------------------------

/** Frozen: the molecule's coefficient block as the table holds it, rows [nOrb, D] (out's type holds each exactly). */
export function coefficientRows<A extends Float32Array | Float64Array>(table: Float32Array, rows: ArrayLike<number>,
                                                                       D: number, out: A): A {
  for (let i = 0; i < rows.length; i++) out.set(table.subarray(rows[i]! * D, rows[i]! * D + D), i * D);
  return out;
}

/** A molecule's distinct orbital types and, for each of its orbitals, its type's position among them. */
export interface OrbitalTypes {
  /** The table rows of the distinct types, in order of first appearance. */
  types: Int32Array;
  /** i32 [nOrb]: orbital o's position in `types`. */
  typeOf: Int32Array;
}

/**
 * The molecule's orbital types. C's rows depend only on an orbital's type, so B C = (B S) T with T the types' rows
 * and B S the basis columns summed per type ([nField, types] instead of [nField, nOrb]: a QM9 molecule has ~120
 * orbitals of ~30 types), exact in real arithmetic.
 */
export function orbitalTypes(orbitalIndex: ArrayLike<number>): OrbitalTypes {
  const position = new Map<number, number>(), typeOf = new Int32Array(orbitalIndex.length);
  for (let o = 0; o < orbitalIndex.length; o++) {
    const row = orbitalIndex[o]!;
    let at = position.get(row);
    if (at === undefined) position.set(row, (at = position.size));
    typeOf[o] = at;
  }
  return { types: Int32Array.from(position.keys()), typeOf };
}

/**
 * Frozen: the molecule's coefficient block, table rows [nOrb, D] with each column divided by max(its norm over these
 * rows, 1e-12): norms in float64, each value stored as out's type rounds it.
 */
export function normalizedCoefficients<A extends Float32Array | Float64Array>(table: Float32Array, rows: ArrayLike<number>,
                                                                              D: number, out: A): A {
  coefficientRows(table, rows, D, out);
  const inv = new Float64Array(D), n = rows.length * D;
  for (let o = 0; o < n; o += D) {
    for (let k = 0; k < D; k++) { const v = out[o + k]!; inv[k] += v * v; }
  }
  for (let k = 0; k < D; k++) inv[k] = 1 / Math.max(Math.sqrt(inv[k]!), EPS);
  for (let o = 0; o < n; o += D) {
    for (let k = 0; k < D; k++) out[o + k] = out[o + k]! * inv[k]!;
  }
  return out;
}

/** Frozen: B C, f32 [nField * D], from B f32 [nField * nOrb] and C f32 [nOrb * D] (a tfjs-wasm matmul). */
export function orbitalProducts(basis: Float32Array, coefficients: Float32Array, nField: number, D: number): Float32Array {
  const nOrb = coefficients.length / D;
  // The product leaves tidy as a tensor and is read outside it: dataSync inside tf.tidy is ~30x slower.
  const t = tf.tidy(() => tf.matMul(tf.tensor2d(basis, [nField, nOrb]), tf.tensor2d(coefficients, [nOrb, D])));
  const out = t.dataSync() as Float32Array;
  t.dispose();
  return out;
}

/**
 * Frozen, for Psi taken in chunks of field points: the factor on each column, f32 [D], from the columns' sums of
 * squares of B C over all the field points (float64), rounded as molecularOrbitalsFrozen rounds them.
 */
export function orbitalFactors(sumSquares: Float64Array, nElectrons: number, D: number): Float32Array {
  return Float32Array.from(sumSquares, (s) => orbitalFactor(Math.sqrt(s), nElectrons, D));
}

/**
 * Frozen: Psi f32 [nField * D] (B C with each column times orbitalFactor of its norm, in float32); `product` computes
 * B C (default tfjs-wasm's matmul; a dense engine's, model/denseEngine.ts).
 */
export function molecularOrbitalsFrozen(basis: Float32Array, coefficients: Float32Array, nField: number, D: number,
                                        nElectrons: number, product = orbitalProducts): Float32Array {
  const psi = product(basis, coefficients, nField, D);
  scaleColumnsByNorm(psi, nField, (norm) => orbitalFactor(norm, nElectrons, D));
  return psi;
}
