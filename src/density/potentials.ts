// Potentials on a grid: the true Gaussian external potential, and the HK map's prediction from the density there.
import * as tf from "#tfjs-core";
import type { Molecule } from "../chem/molecule.js";
import { externalPotential } from "../kernels/potential.js";
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
  for (let start = 0; start < rho.length; start += chunk) {
    const part = rho.subarray(start, Math.min(start + chunk, rho.length));
    const v = tf.tidy(() => model.potentialFromDensity(tf.tensor2d(part, [part.length, 1])));
    out.set(v.dataSync() as Float32Array, start);
    v.dispose();
  }
  return out;
}
