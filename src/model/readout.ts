// The functional's readout over a molecule's field points: its names, its scale, and its taped and frozen forms.
import * as tf from "#tfjs-core";
import { columnSums } from "../kernels/columns.js";

/** The readouts a model can have (metadata "operation"): the sum or the mean over the field points. */
export const READOUTS = ["sum", "mean"] as const;
export type Readout = (typeof READOUTS)[number];

export function isReadout(x: unknown): x is Readout {
  return (READOUTS as readonly unknown[]).includes(x);
}

/** The factor on the column sums over a molecule's nField rows: 1 for sum, 1 / nField for mean. */
export function readoutScale(operation: Readout, nField: number): number {
  return operation === "sum" ? 1 : 1 / nField;
}

/**
 * Taped: [1, D] readout of h [nField, D], differentiable. (With functional layers the last layer and the readout are
 * one op, denseReluReadout, with this same scale: functional.ts.)
 */
export function readout(h: tf.Tensor2D, operation: Readout): tf.Tensor2D {
  return tf.mul(tf.sum(h, 0, true), readoutScale(operation, h.shape[0]));
}

/** Frozen: the readout of h f32 [nField * D] in plain arrays, summed in float64: f64 [D]. */
export function readoutFrozen(h: Float32Array, nField: number, operation: Readout): Float64Array {
  return readoutOfSums(columnSums(h, nField), nField, operation);
}

/** Frozen: the readout from h's column sums f64 [D] over all nField points (taken in chunks, say), in place. */
export function readoutOfSums(sums: Float64Array, nField: number, operation: Readout): Float64Array {
  const scale = readoutScale(operation, nField);
  if (scale !== 1) for (let j = 0; j < sums.length; j++) sums[j] = sums[j]! * scale;
  return sums;
}
