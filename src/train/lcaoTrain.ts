// Differentiable LCAO for training: model/lcao.ts's math with cheaper kernels (square + ones-row matmul column norms).
import * as tf from "@tensorflow/tfjs-core";
import type { MoleculeFeatures } from "../model/features.js";
import type { QdfModel } from "../model/qdf.js";
import { basisMatrix } from "../model/lcao.js";

const EPS = 1e-12;

/**
 * x / max(||x||_2, 1e-12) per column. tf.norm squares through Pow(|x|, 2), ~15x slower than Square in tfjs-wasm,
 * and reduces over axis 0, slower than a ones-row matmul; with gradients the difference doubles.
 */
function normalizeColumns(x: tf.Tensor2D, ones: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.maximum(tf.sqrt(tf.matMul(ones, tf.square(x))), EPS));
}

/**
 * Psi per molecule, as QdfModel.lcao(batch, true, "molecule"): coefficient block normalised per molecule (what the
 * reference's LCAO does before concatenating), basis from the kernel (custom zeta gradient), Psi's columns
 * normalised and scaled by sqrt(N_elec / D).
 */
export function trainingOrbitals(model: QdfModel, batch: MoleculeFeatures[]): tf.Tensor2D[] {
  const coefficient = model.p("coefficient.weight") as tf.Tensor2D;
  const zeta = tf.reshape(model.p("zeta.weight"), [-1]);
  const D = model.config.dim;
  return batch.map((f) => {
    const idx = tf.tensor1d(f.orbitalIndex, "int32");
    const c = normalizeColumns(tf.gather(coefficient, idx) as tf.Tensor2D, tf.ones([1, f.orbitalIndex.length]));
    const basis = basisMatrix(f, tf.gather(zeta, idx) as tf.Tensor1D);
    const psi = normalizeColumns(tf.matMul(basis, c), tf.ones([1, f.nField]));
    return tf.mul(psi, Math.sqrt(f.nElectrons / D));
  });
}
