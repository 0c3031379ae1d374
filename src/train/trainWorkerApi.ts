// The training worker's body: a model replica (QDF or GCN) and its own Adam, running whole epochs in lockstep with the other workers.
import type { GcnModelData } from "../gcn/config.js";
import type { GcnFeatures } from "../gcn/features.js";
import { gcnReplica, runGcnEpoch, type GcnReplica } from "../gcn/workerEpoch.js";
import type { QdfModelData } from "../model/config.js";
import { initBackend } from "../model/backend.js";
import { QdfModel } from "../model/qdf.js";
import { Adam } from "./adam.js";
import { registerTrainingGradients } from "./gradients.js";
import { readTensor } from "../kernels/tfjsWasmHeap.js";
import { balancedShares, lossE, lossV, stepWork, withLossGradients } from "./losses.js";
import { SharedGradients } from "./sharedGradients.js";
import { trainSetFrom, type FeatureSource, type TrainSetMessage } from "./moleculeStore.js";
import type { EpochRequest, EpochResult } from "./trainer.js";

/** Where this worker's gradients go: the shared buffer, and its slot (= its share of each batch). */
export interface SharedSetup {
  buffer: SharedArrayBuffer;
  /** The buffer's layout: parameter names in slot order and their sizes (as the pool built it). */
  names: string[];
  sizes: number[];
  index: number;
  count: number;
}

/** The API a training worker exposes over Comlink (arguments and results structured-cloneable). */
export interface TrainWorkerApi {
  /** Starts the backend, builds the replica and its Adam, and keeps the training set (batches index into it). */
  init(model: QdfModelData, train: TrainSetMessage, outputs: number, shared: SharedSetup): Promise<void>;
  /** The same for a 3D GCN (src/gcn): its featurised training set travels whole (atoms and distances are small). */
  initGcn(model: GcnModelData, train: GcnFeatures[], outputs: number, shared: SharedSetup): Promise<void>;
  /** One epoch from the given weights and Adam state; worker 0 returns the final ones. */
  runEpoch(request: EpochRequest): EpochResult;
}

interface Replica {
  model: QdfModel;
  adam: Adam;
  train: FeatureSource;
  outputs: number;
  shared: SharedGradients;
  index: number;
}

let replica: Replica | null = null;
let gcn: GcnReplica | null = null;

/** Drops whichever replica this worker held (a worker serves one run at a time). */
function dropReplicas(): void {
  replica?.model.dispose();
  gcn?.model.dispose();
  replica = gcn = null;
}

/**
 * Every step: this worker's share of the batch (balancedShares, the same split in every worker) -> its gradients into
 * its slot -> barrier -> all slots summed in share order -> the same Adam step in every worker. So the replicas stay
 * identical, and each step is the one-process step up to float summation order; no weights travel between steps.
 */
function runEpoch(r: Replica, request: EpochRequest): EpochResult {
  const { model, adam, train, outputs, shared, index } = r;
  model.setWeights(request.weights);
  adam.load(request.adam); // (a structured clone: this worker's own copy)
  const losses: [number, number][] = [];
  let set = 0, computeMs = 0, waitMs = 0;
  try {
    for (let b = 0; b < request.batches.length; b++) {
      const batch = request.batches[b]!.map((i) => train.at(i)!);
      const pair: number[] = [];
      for (const which of ["E", "V"] as const) {
        const t0 = performance.now();
        const shares = balancedShares(batch.map((f) => stepWork(f, which, model.config)), shared.count);
        const mine = shares[index]?.map((i) => batch[i]!) ?? null;
        const denominator = which === "E" ? batch.length * outputs : batch.reduce((n, f) => n + f.nField, 0);
        const slot = shared.writer(set, index);
        // Gradients go from tfjs's heap straight into this worker's slot.
        if (mine) slot.value(withLossGradients(model, () => which === "E"
          ? lossE(model, mine, outputs, denominator) : lossV(model, mine, denominator), (name, g) => readTensor(g, slot.grad(name))));
        const t1 = performance.now();
        shared.barrier();
        const t2 = performance.now();
        const total = shared.sum(set, shares.length);
        set ^= 1;
        if (!Number.isFinite(total.value)) return { losses, nonFinite: { batch: b, which, value: total.value } };
        adam.step(total.grads, request.lr);
        pair.push(total.value);
        computeMs += t1 - t0 + performance.now() - t2;
        waitMs += t2 - t1;
      }
      losses.push([pair[0]!, pair[1]!]);
      if (index === 0) shared.reportBatch(b, pair[0]!, pair[1]!);
    }
  } finally {
    model.invalidate();
  }
  if (index !== 0) return { losses };
  return { losses, weights: adam.values, adam: adam.state, ms: { compute: computeMs, wait: waitMs } };
}

export const trainWorkerApi: TrainWorkerApi = {
  async init(model, train, outputs, shared) {
    await initBackend();
    registerTrainingGradients();
    dropReplicas();
    const m = new QdfModel(model);
    const set = trainSetFrom(train, m.ctx); // featurised per batch with the replica's own context
    replica = {
      model: m, adam: new Adam(m.params), train: set, outputs, index: shared.index,
      shared: new SharedGradients(shared.buffer, shared.names, shared.sizes, shared.count, set.length),
    };
  },

  async initGcn(model, train, outputs, shared) {
    await initBackend();
    dropReplicas();
    gcn = gcnReplica(model, train, outputs, new SharedGradients(shared.buffer, shared.names, shared.sizes, shared.count, train.length), shared.index);
  },

  runEpoch(request) {
    if (gcn) return runGcnEpoch(gcn, request);
    if (!replica) throw new Error("training worker has no model: init() or initGcn() first");
    return runEpoch(replica, request);
  },
};
