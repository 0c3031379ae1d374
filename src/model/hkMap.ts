// The Hohenberg-Kohn map: electron density at each field point -> external potential there.
import * as tf from "@tensorflow/tfjs-core";
import { dense, denseRelu, type DenseLayer } from "./functional.js";

/** rho [N, 1] -> V_pred [N, 1]: u = rho W_density^T + b; layers of relu(u W^T + b); V = u W_potential^T + b. */
export function hkMap(rho: tf.Tensor2D, input: DenseLayer, layers: DenseLayer[], output: DenseLayer): tf.Tensor2D {
  let u = dense(rho, input);
  for (const layer of layers) u = denseRelu(u, layer);
  return dense(u, output);
}

/** rho(p) = sum_k psi(p, k)^2 as an [N, 1] column (differentiable). */
export function densityColumn(psi: tf.Tensor2D): tf.Tensor2D {
  return tf.sum(tf.square(psi), 1, true);
}
