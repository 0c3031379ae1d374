// The energy functional: dense ReLU layers on every field point's orbital vector, a sum/mean readout, then E.
import * as tf from "@tensorflow/tfjs-core";
import type { Readout } from "./config.js";

export interface DenseLayer {
  /**
   * W^T, [in, out] (torch.nn.Linear stores W as [out, in]). Pre-transposed because tfjs-backend-wasm 4.22's fused
   * matMul gives wrong rows with transposeB and a bias (test/model/fusedMatMul.test.ts pins this).
   */
  weightT: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/** relu(x W^T + b), fused in one tfjs-wasm kernel. */
export function denseRelu(x: tf.Tensor2D, layer: DenseLayer): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: layer.weightT, bias: layer.bias, activation: "relu" }) as tf.Tensor2D;
}

/** x W^T + b. */
export function dense(x: tf.Tensor2D, layer: DenseLayer): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: layer.weightT, bias: layer.bias }) as tf.Tensor2D;
}

/**
 * Functional layers over the molecules' orbital rows stacked into one matrix (the layers act per row, so stacking
 * is exact and gives the matmuls more rows), then each molecule's rows reduced: [nMol, D].
 */
export function functional(psis: tf.Tensor2D[], layers: DenseLayer[], operation: Readout): tf.Tensor2D {
  let h = psis.length === 1 ? psis[0]! : tf.concat(psis, 0);
  for (const layer of layers) h = denseRelu(h, layer);
  const parts = psis.length === 1 ? [h] : tf.split(h, psis.map((p) => p.shape[0]), 0);
  const reduced = parts.map((p) => (operation === "sum" ? tf.sum(p, 0) : tf.mean(p, 0)));
  return tf.stack(reduced) as tf.Tensor2D;
}
