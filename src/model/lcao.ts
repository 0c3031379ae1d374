// LCAO: normalised Gaussian-type basis on the field, normalised coefficients, molecular orbitals scaled to N_elec.
import * as tf from "@tensorflow/tfjs-core";
import { basisValues, basisZetaGrad } from "../kernels/basis.js";
import type { MoleculeFeatures } from "./features.js";

const EPS = 1e-12;

/**
 * x / max(||x||_2, 1e-12) per column (torch.nn.functional.normalize(x, 2, 0)), one op with a hand-written gradient:
 * with y = x / m, dx = (dy - y * colsum(dy y)) / m where ||x|| >= 1e-12 (else dy / m, the floor being constant).
 * As taped primitives this was ~20 small ops with their saved copies; tf.norm (Pow of |x|) was ~15x slower still.
 * Sum over axis 0 beats a ones-row matmul (~2x), which repacks the fresh right-hand matrix on every call.
 */
export function normalizeColumns(x: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad(((xi: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const norm = tf.sqrt(tf.sum(tf.square(xi), 0, true));
    const m = tf.maximum(norm, EPS);
    const y = tf.div(xi, m);
    save([y, m, tf.cast(tf.greaterEqual(norm, EPS), "float32")]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [ys, ms, free] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const along = tf.mul(tf.sum(tf.mul(dy, ys), 0, true), free);
        return tf.div(tf.sub(dy, tf.mul(ys, along)), ms);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor2D;
}

/**
 * Basis matrix B [nField, nOrb] for one molecule from its orbitals' exponents zeta [nOrb], computed by the SIMD
 * kernel; its gradient with respect to zeta comes from the kernel too (a custom gradient).
 */
export function basisMatrix(f: MoleculeFeatures, zeta: tf.Tensor1D): tf.Tensor2D {
  const nOrb = f.q.length;
  const op = tf.customGrad(((z: tf.Tensor) => {
    const values = basisValues(f.dist, f.q, z.dataSync() as Float32Array, f.nField);
    return {
      value: tf.tensor2d(values.values, [f.nField, nOrb]),
      gradFunc: (dy: tf.Tensor) => tf.tensor1d(basisZetaGrad(f.dist, values, dy.dataSync() as Float32Array, f.nField)),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(zeta) as tf.Tensor2D;
}

/** Basis matrix with exponents given as plain numbers (no gradient: prediction and analysis). */
export function basisMatrixConst(f: MoleculeFeatures, zetaTable: Float32Array): tf.Tensor2D {
  const zeta = new Float32Array(f.orbitalIndex.length);
  f.orbitalIndex.forEach((row, i) => (zeta[i] = zetaTable[row]!));
  return tf.tensor2d(basisValues(f.dist, f.q, zeta, f.nField).values, [f.nField, f.q.length]);
}

/**
 * Normalised coefficient blocks, one [nOrb_i, D] per molecule. "molecule": each block's columns normalised over
 * its own rows (method.md); "batch": over all the batch's rows stacked (how a concatenated batch normalises).
 */
export function coefficientBlocks(coefficient: tf.Tensor2D, batch: MoleculeFeatures[],
                                  norm: "molecule" | "batch" = "molecule"): tf.Tensor2D[] {
  if (norm === "molecule") {
    return batch.map((f) => normalizeColumns(tf.gather(coefficient, tf.tensor1d(f.orbitalIndex, "int32"))));
  }
  const all = Int32Array.from(batch.flatMap((f) => [...f.orbitalIndex]));
  const stacked = normalizeColumns(tf.gather(coefficient, tf.tensor1d(all, "int32")));
  return tf.split(stacked, batch.map((f) => f.orbitalIndex.length), 0) as tf.Tensor2D[];
}

/** Psi = B C with each column normalised over the field points and scaled by sqrt(N_elec / D). */
export function molecularOrbitals(basis: tf.Tensor2D, coefficients: tf.Tensor2D, nElectrons: number): tf.Tensor2D {
  const psi = tf.matMul(basis, coefficients);
  const dim = coefficients.shape[1];
  return tf.mul(normalizeColumns(psi as tf.Tensor2D), Math.sqrt(nElectrons / dim));
}
