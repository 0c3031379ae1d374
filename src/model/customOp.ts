// tf.customGrad with typed inputs: an op whose forward and hand-written gradient are given together.
import * as tf from "#tfjs-core";

export interface CustomOpResult<T extends tf.Tensor> {
  value: T;
  /** The inputs' gradients, in input order; `saved` holds what the forward passed to tfjs's save function. */
  gradFunc(dy: T, saved: tf.Tensor[]): tf.Tensor | tf.Tensor[];
}

/**
 * An op with a hand-written gradient: `f` receives the op's inputs, then tfjs's save function. (tfjs types the
 * forward as taking untyped Tensor rest arguments; this narrows them once, here.)
 */
export function customOp<A extends unknown[], T extends tf.Tensor>(f: (...args: A) => CustomOpResult<T>): (...inputs: tf.Tensor[]) => T {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: tf.Tensor[]) => T;
}
