// The energy functional: dense ReLU layers on every field point's orbital vector, the readout, then the property head;
// taped (tfjs ops with hand-written gradients) and frozen (weights packed once, plain arrays in and out) side by side.
import * as tf from "#tfjs-core";
import type { Float32Tensor } from "./config.js";
import { denseOp, denseReluReadout } from "./denseOp.js";
import { readout, readoutScale, type Readout } from "./readout.js";

export interface DenseLayer {
  /** W, [out, in], as torch.nn.Linear stores it. */
  weight: tf.Tensor2D;
  bias: tf.Tensor1D;
}

// ---- taped --------------------------------------------------------------------------------------------------------

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
  if (!last) return readout(h, operation);
  const x = layers.slice(0, -1).reduce(denseRelu, h);
  return denseReluReadout(x, last.weight, last.bias, readoutScale(operation, h.shape[0]));
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

// ---- frozen -------------------------------------------------------------------------------------------------------

/** A dense layer from plain weights: W^T [in, out] packed once as a tfjs tensor (XNNPACK caches its packing), b. */
export class FrozenDense {
  readonly weightT: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
  constructor(weight: Float32Tensor, bias: Float32Tensor) {
    [this.weightT, this.bias] = tf.tidy(() => [
      tf.keep(tf.transpose(tf.tensor2d(weight.data, weight.shape as [number, number]))),
      tf.keep(tf.tensor1d(bias.data)),
    ]);
  }
  get outputs(): number {
    return this.weightT.shape[1];
  }
  /** act(x W^T + b) on a tensor (no tape). */
  apply(x: tf.Tensor2D, activation: "relu" | "linear"): tf.Tensor2D {
    return tf.fused.matMul({ a: x, b: this.weightT, bias: this.bias, activation }) as tf.Tensor2D;
  }
  dispose(): void {
    this.weightT.dispose();
    this.bias.dispose();
  }
}

/** Frozen: the functional's relu layers on Psi f32 [nField * D]: the last hidden layer h f32 [nField * D']. */
export function functionalHiddenFrozen(psi: Float32Array, nField: number, layers: FrozenDense[]): Float32Array {
  if (layers.length === 0) return psi;
  const last = tf.tidy(() => layers.reduce((h, layer) => layer.apply(h, "relu"), tf.tensor2d(psi, [nField, psi.length / nField])));
  const h = last.dataSync() as Float32Array;
  last.dispose();
  return h;
}

/** Frozen: the property head E = W r + b on the reduced vector r f64 [D] (W [K, D] as torch stores it): f32 [K]. */
export function propertyHeadFrozen(reduced: Float64Array, weight: Float32Array, bias: Float32Array): Float32Array {
  const K = bias.length, D = reduced.length, out = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    let e = bias[k]!;
    for (let j = 0; j < D; j++) e += reduced[j]! * weight[k * D + j]!;
    out[k] = e;
  }
  return out;
}
