// The energy functional: dense ReLU layers on every field point's orbital vector, a sum/mean readout, then E.
import * as tf from "@tensorflow/tfjs-core";
import type { Readout } from "./config.js";
import { denseOp, denseReluReadout } from "./denseOp.js";

export interface DenseLayer {
  /** W, [out, in], as torch.nn.Linear stores it. */
  weight: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/** relu(x W^T + b), one fused tfjs-wasm kernel (with or without a gradient tape). */
export function denseRelu(x: tf.Tensor2D, layer: DenseLayer): tf.Tensor2D {
  return denseOp(x, layer.weight, layer.bias, "relu");
}

/** x W^T + b. */
export function dense(x: tf.Tensor2D, layer: DenseLayer): tf.Tensor2D {
  return denseOp(x, layer.weight, layer.bias, "linear");
}

/**
 * One molecule's functional: relu layers on its rows [N, D], then the readout (sum or mean over the rows): [1, D].
 * The last layer and the readout are one op (denseReluReadout): its gradient starts from one broadcast row.
 */
export function functionalReadout(h: tf.Tensor2D, layers: DenseLayer[], operation: Readout): tf.Tensor2D {
  const last = layers[layers.length - 1];
  if (!last) return tf.reshape(operation === "sum" ? tf.sum(h, 0) : tf.mean(h, 0), [1, -1]);
  const x = layers.slice(0, -1).reduce(denseRelu, h);
  return denseReluReadout(x, last.weight, last.bias, operation === "sum" ? 1 : 1 / h.shape[0]);
}

/**
 * Functional layers on each molecule's rows, each reduced: [nMol, D]. Molecule by molecule rather than stacked:
 * tfjs-wasm's matmuls run as fast on ~750 rows, and splitting a stacked [N, D] back up (or the gradient of a concat)
 * costs ~2 ms per MB in slices.
 */
export function functional(psis: tf.Tensor2D[], layers: DenseLayer[], operation: Readout): tf.Tensor2D {
  const rows = psis.map((psi) => functionalReadout(psi, layers, operation));
  return rows.length === 1 ? rows[0]! : tf.concat(rows, 0);
}
