// A training worker's GCN epoch: its share of every batch's gradients, summed with the others', the same Adam step in each.
import { readTensor } from "../kernels/tfjsWasmHeap.js";
import { Adam } from "../train/adam.js";
import { balancedShares, withLossGradients } from "../train/losses.js";
import type { SharedGradients } from "../train/sharedGradients.js";
import type { EpochRequest, EpochResult } from "../train/trainer.js";
import type { GcnModelData } from "./config.js";
import type { GcnFeatures } from "./features.js";
import { gcnLoss } from "./loss.js";
import { GcnModel } from "./model.js";
import { registerGcnGradients } from "./ops.js";

/** One worker's GCN replica: the model, its own Adam, the training set and its slot in the shared gradients. */
export interface GcnReplica {
  model: GcnModel;
  adam: Adam;
  train: GcnFeatures[];
  outputs: number;
  shared: SharedGradients;
  index: number;
}

export function gcnReplica(data: GcnModelData, train: GcnFeatures[], outputs: number, shared: SharedGradients, index: number): GcnReplica {
  registerGcnGradients();
  const model = new GcnModel(data.config, data.weights);
  return { model, adam: new Adam(model.params), train, outputs, shared, index };
}

/**
 * Every step: this worker's share of the batch (balancedShares by atom count, the same split in every worker) -> its
 * gradients into its slot -> barrier -> all slots summed in share order -> the same Adam step in every worker. So the
 * replicas stay identical and each step is the one-thread step up to float summation order (the GCN has no V step:
 * its loss_V is 0).
 */
export function runGcnEpoch(r: GcnReplica, request: EpochRequest): EpochResult {
  const { model, adam, train, outputs, shared, index } = r;
  model.setWeights(request.weights);
  adam.load(request.adam);
  const losses: [number, number][] = [];
  let set = 0, computeMs = 0, waitMs = 0;
  for (let b = 0; b < request.batches.length; b++) {
    const t0 = performance.now();
    const batch = request.batches[b]!.map((i) => train[i]!);
    const shares = balancedShares(batch.map((f) => f.nAtoms), shared.count);
    const mine = shares[index]?.map((i) => batch[i]!) ?? null;
    const slot = shared.writer(set, index);
    if (mine) {
      const denominator = batch.length * outputs;
      slot.value(withLossGradients(model, () => gcnLoss(model, mine, outputs, denominator), (name, g) => readTensor(g, slot.grad(name))));
    }
    const t1 = performance.now();
    shared.barrier();
    const t2 = performance.now();
    const total = shared.sum(set, shares.length);
    set ^= 1;
    if (!Number.isFinite(total.value)) return { losses, nonFinite: { batch: b, which: "E", value: total.value } };
    adam.step(total.grads, request.lr);
    computeMs += t1 - t0 + performance.now() - t2;
    waitMs += t2 - t1;
    losses.push([total.value, 0]);
    if (index === 0) shared.reportBatch(b, total.value, 0);
  }
  if (index !== 0) return { losses };
  return { losses, weights: adam.values, adam: adam.state, ms: { compute: computeMs, wait: waitMs } };
}
