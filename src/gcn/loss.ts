// The GCN's energy loss: one code path for the one-thread trainer and the training workers (gradients: withLossGradients).
import * as tf from "#tfjs-core";
import type { GcnFeatures } from "./features.js";
import type { GcnModel } from "./model.js";

/**
 * Mean over batch x K of (E - E_pred)^2, or, given `denominator` (the whole batch's count), a share's sum of
 * squares over it: the shares' losses and gradients then add up to the batch's (sum / n gives every element the same
 * upstream gradient fl(1/n) as Mean does, so they differ only in summation order).
 */
export function gcnLoss(model: GcnModel, batch: GcnFeatures[], outputs: number, denominator?: number): tf.Scalar {
  const target = tf.tensor2d(batch.flatMap((f) => f.properties!), [batch.length, outputs]);
  const sq = tf.squaredDifference(model.forward(batch), target);
  return (denominator === undefined ? tf.mean(sq) : tf.div(tf.sum(sq), denominator)) as tf.Scalar;
}
