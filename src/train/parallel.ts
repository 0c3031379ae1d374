// Data-parallel training (Node): worker threads with model replicas compute shares of each step's gradients (TrainPool).
import type { QdfModelData } from "../model/config.js";
import type { MoleculeFeatures } from "../model/features.js";
import type { SpawnWorker, WorkerHandle } from "../workers/protocol.js";
import { RemoteWorker } from "../workers/remoteWorker.js";
import { spawnWorkerScript } from "../workers/spawn.js";
import type { LossGradients } from "./losses.js";
import type { TrainWorkerApi } from "./trainWorkerApi.js";
import type { GradientPool, ShareRequest } from "./trainer.js";

const CLOSED = "the training pool was closed";

/** Beside this module in dist/src/train and in the flat rollup bundle alike. */
export const spawnTrainWorker: SpawnWorker = () => spawnWorkerScript(new URL("./trainWorkerNode.js", import.meta.url));

/** One training worker (a dying worker fails its pending calls, naming why). */
class TrainSlot extends RemoteWorker<TrainWorkerApi> {
  constructor(handle: WorkerHandle) {
    super(handle, CLOSED, "training worker died: ");
  }
}

/**
 * `workers` training workers, started at once. Trainer.trainEpochAsync sends every step's weights and each worker's
 * share; close() ends the workers so the process can exit by itself.
 */
export class TrainPool implements GradientPool {
  readonly size: number;
  private readonly slots: TrainSlot[];
  private closing: Promise<void> | null = null;

  constructor(workers: number, spawn: SpawnWorker = spawnTrainWorker) {
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`TrainPool needs at least one worker, got ${workers}`);
    this.size = workers;
    this.slots = Array.from({ length: workers }, () => new TrainSlot(spawn()));
  }

  async init(model: QdfModelData, train: MoleculeFeatures[], outputs: number): Promise<void> {
    if (this.closing) throw new Error(CLOSED);
    await Promise.all(this.slots.map((s) => s.guard(s.api.init(model, train, outputs))));
  }

  computeShares(weights: Map<string, Float32Array>, shares: ShareRequest[]): Promise<LossGradients[]> {
    if (this.closing) return Promise.reject(new Error(CLOSED));
    if (shares.length > this.size) return Promise.reject(new Error(`${shares.length} shares for ${this.size} workers`));
    return Promise.all(shares.map((share, i) => {
      const s = this.slots[i]!;
      return s.guard(s.api.computeShare(weights, share) as Promise<LossGradients>);
    }));
  }

  /** Terminates every worker; safe to call again. */
  close(): Promise<void> {
    this.closing ??= Promise.all(this.slots.map((s) => s.close())).then(() => undefined);
    return this.closing;
  }
}
