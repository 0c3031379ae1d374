// The functional's first layer read straight from the basis and coefficients (training's E step): Psi is never formed.
import * as tf from "@tensorflow/tfjs-core";
import { denseOpT } from "./denseOp.js";
import type { DenseLayer } from "./functional.js";

const EPS = 1e-12;

/**
 * relu(Psi W^T + b) for Psi = B C S, S the diagonal of Psi's column scales sqrt(N_elec / D) / max(||B c_j||, 1e-12),
 * computed as relu(B (C S W^T) + b) with ||B c_j||^2 = c_j^T (B^T B) c_j. Exact in real arithmetic; it trades the
 * [N, D] x [D, D] layer (and its two gradient products) for [nOrb, D] x [D, D] ones and a Gram matrix, nOrb ~ D/2:
 * about a third of the E step's work at the published sizes.
 * basis [N, nOrb], coefficients [nOrb, D] (normalised over rows), layer W [D', D].
 */
export function firstLayerFromBasis(basis: tf.Tensor2D, coefficients: tf.Tensor2D, nElectrons: number,
                                    layer: DenseLayer): tf.Tensor2D {
  const dim = coefficients.shape[1];
  const gram = tf.matMul(tf.transpose(basis), basis);
  const norm2 = tf.sum(tf.mul(coefficients, tf.matMul(gram, coefficients)), 0, true);
  const scale = tf.div(Math.sqrt(nElectrons / dim), tf.maximum(tf.sqrt(norm2), EPS));
  const folded = tf.matMul(tf.mul(coefficients, scale) as tf.Tensor2D, tf.transpose(layer.weight));
  return denseOpT(basis, folded as tf.Tensor2D, layer.bias, "relu");
}
