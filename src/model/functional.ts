// The energy functional: dense ReLU layers on every field point's orbital vector, a sum/mean readout, then E.
import * as tf from "@tensorflow/tfjs-core";
import type { Readout } from "./config.js";
import { denseOp } from "./denseOp.js";

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

/** One molecule's reduction over its field points: [D]. */
export function readout(h: tf.Tensor2D, operation: Readout): tf.Tensor1D {
  return operation === "sum" ? tf.sum(h, 0) : tf.mean(h, 0);
}

/**
 * Functional layers on each molecule's rows, each reduced: [nMol, D]. Molecule by molecule rather than stacked:
 * tfjs-wasm's matmuls run as fast on ~750 rows, and splitting a stacked [N, D] back up (or the gradient of a concat)
 * costs ~2 ms per MB in slices.
 */
export function functional(psis: tf.Tensor2D[], layers: DenseLayer[], operation: Readout): tf.Tensor2D {
  return tf.stack(psis.map((psi) => readout(layers.reduce(denseRelu, psi), operation))) as tf.Tensor2D;
}
