// Potentials on a grid: the true Gaussian external potential, and the HK map's prediction from the density there.
import * as tf from "@tensorflow/tfjs-core";
import type { Molecule } from "../chem/molecule.js";
import { externalPotential } from "../kernels/potential.js";
import { hkMap } from "../model/hkMap.js";
import type { DenseLayer } from "../model/functional.js";
import type { QdfModel } from "../model/qdf.js";
import { gridPoints, type BoxGrid } from "./grid.js";

/** V(r) = -sum_A Z_A exp(-|r - R_A|^2) at every grid point (the existing kernel), f32 [n] in grid order. */
export function trueV(m: Molecule, grid: BoxGrid): Float32Array {
  return externalPotential(gridPoints(grid), m.coords, Float64Array.from(m.atomicNumbers));
}

/**
 * The HK map's V_pred at each point from rho there (model.potential without Psi: the map only reads rho), f32 [n].
 * Points go through tfjs in chunks, so memory stays at chunk x H floats whatever the grid size.
 */
export function predictedV(model: QdfModel, rho: Float32Array, chunk = 16384): Float32Array {
  const out = new Float32Array(rho.length);
  const layer = (prefix: string): DenseLayer => ({
    weightT: tf.transpose(model.p(`${prefix}.weight`)) as tf.Tensor2D,
    bias: model.p(`${prefix}.bias`) as tf.Tensor1D,
  });
  // Transposed once (outside any tidy), disposed at the end; the biases are the model's own variables.
  const weights = { input: layer("W_density"), layers: model.hkLayers(), output: layer("W_potential") };
  try {
    for (let start = 0; start < rho.length; start += chunk) {
      const part = rho.subarray(start, Math.min(start + chunk, rho.length));
      const v = tf.tidy(() => hkMap(tf.tensor2d(part, [part.length, 1]), weights.input, weights.layers, weights.output));
      out.set(v.dataSync() as Float32Array, start);
      v.dispose();
    }
  } finally {
    for (const l of [weights.input, weights.output, ...weights.layers]) l.weightT.dispose();
  }
  return out;
}
