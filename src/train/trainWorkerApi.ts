// The training worker's body: a model replica that computes one share of a step's loss and gradients at given weights.
import * as tf from "@tensorflow/tfjs-core";
import { transfer } from "comlink/dist/esm/comlink.mjs";
import type { QdfModelData } from "../model/config.js";
import type { MoleculeFeatures } from "../model/features.js";
import { initBackend } from "../model/backend.js";
import { QdfModel } from "../model/qdf.js";
import { registerTrainingGradients } from "./gradients.js";
import { lossE, lossGradients, lossV, type LossGradients } from "./losses.js";
import type { ShareRequest } from "./trainer.js";

/** The API a training worker exposes over Comlink (arguments and results structured-cloneable). */
export interface TrainWorkerApi {
  /** Starts the backend, builds the replica and keeps the training set (indices in requests refer to it). */
  init(model: QdfModelData, train: MoleculeFeatures[], outputs: number): Promise<void>;
  /** Sets the replica's weights, then this share's loss and gradients (the Trainer's own loss functions). */
  computeShare(weights: Map<string, Float32Array>, share: ShareRequest): LossGradients;
}

let replica: { model: QdfModel; train: MoleculeFeatures[]; outputs: number } | null = null;

/** An array that owns its whole buffer, so transferring it detaches nothing else (never wasm memory). */
function owned(a: Float32Array): Float32Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer ? a : a.slice();
}

export const trainWorkerApi: TrainWorkerApi = {
  async init(model, train, outputs) {
    await initBackend();
    registerTrainingGradients();
    replica?.model.dispose();
    replica = { model: new QdfModel(model), train, outputs };
  },

  computeShare(weights, share) {
    if (!replica) throw new Error("training worker has no model: init() first");
    const { model, train, outputs } = replica;
    const t0 = performance.now();
    for (const [name, data] of weights) {
      const v = model.p(name);
      const t = tf.tensor(data, v.shape);
      v.assign(t);
      t.dispose();
    }
    const batch = share.indices.map((i) => train[i]!);
    const r = lossGradients(model, () => share.which === "E"
      ? lossE(model, batch, outputs, share.denominator)
      : lossV(model, batch, share.denominator));
    const grads = new Map<string, Float32Array>();
    for (const [name, g] of r.grads) grads.set(name, owned(g));
    return transfer({ value: r.value, grads, ms: performance.now() - t0 }, [...grads.values()].map((g) => g.buffer as ArrayBuffer));
  },
};
