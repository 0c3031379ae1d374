// The differentiable pieces of the GCN that tfjs's Node build lacks gradients for: Exp and Neg rules, row L2 normalisation.
import * as tf from "#tfjs-core";
import { customOp } from "../model/customOp.js";
import { registerTrainingGradients } from "../train/gradients.js";

let registered = false;

/** The training rules plus Exp and Neg (the GCN's exp(-gamma D^2)); kernels that already have a rule keep it. */
export function registerGcnGradients(): void {
  registerTrainingGradients();
  if (registered) return;
  registered = true;
  const rules: [string, string[], boolean, tf.GradConfig["gradFunc"]][] = [
    ["Exp", [], true, (dy, saved) => ({ x: () => tf.mul(dy as tf.Tensor, saved[0]!) })],
    ["Neg", [], false, (dy) => ({ x: () => tf.neg(dy as tf.Tensor) })],
  ];
  for (const [kernelName, inputsToSave, saveOutputs, gradFunc] of rules) {
    if (tf.getGradient(kernelName)) continue;
    tf.registerGradient({ kernelName, inputsToSave, outputsToSave: saveOutputs ? [true] : undefined, gradFunc });
  }
}

const EPS = 1e-12;

/**
 * Each row divided by max(its L2 norm, 1e-12) (torch's F.normalize(x, 2, 1)), with the hand-written gradient
 * dx = (dy - y * rowsum(dy * y)) / m where the norm is above the floor (dy / m where the floor is constant).
 */
export function normalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  const op = customOp((xi: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const norm = tf.sqrt(tf.sum(tf.square(xi), 1, true));
    const m = tf.maximum(norm, EPS);
    const y = tf.div(xi, m);
    save([y, m, tf.cast(tf.greaterEqual(norm, EPS), "float32")]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [ys, ms, free] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const along = tf.mul(tf.sum(tf.mul(dy, ys), 1, true), free);
        return tf.div(tf.sub(dy, tf.mul(ys, along)), ms);
      },
    };
  });
  return op(x) as tf.Tensor2D;
}
