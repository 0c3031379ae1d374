// Data-parallel training (Node): worker threads with model replicas (QDF or GCN) run each epoch in lockstep (TrainPool).
import { gcnParameterShapes, type GcnModelData } from "../gcn/config.js";
import type { GcnFeatures } from "../gcn/features.js";
import type { QdfModelData } from "../model/config.js";
import type { SpawnWorker, WorkerHandle } from "../workers/protocol.js";
import { RemoteWorker } from "../workers/remoteWorker.js";
import { spawnWorkerScript } from "../workers/spawn.js";
import { parameterShapes } from "../model/config.js";
import { trainSetMessage, type FeatureSource } from "./moleculeStore.js";
import { SharedGradients } from "./sharedGradients.js";
import type { SharedSetup, TrainWorkerApi } from "./trainWorkerApi.js";
import type { EpochRequest, EpochResult, EpochRunner } from "./trainer.js";

const CLOSED = "the training pool was closed";
/** How often the epoch's progress is read from the shared buffer (ms). */
const PROGRESS_MS = 100;

/** Beside this module in dist/src/train and in the flat rollup bundle alike. */
export const spawnTrainWorker: SpawnWorker = () => spawnWorkerScript(new URL("./trainWorkerNode.js", import.meta.url));

/** One training worker (a dying worker fails its pending calls, naming why). */
class TrainSlot extends RemoteWorker<TrainWorkerApi> {
  constructor(handle: WorkerHandle) {
    super(handle, CLOSED, "training worker died: ");
  }
}

/**
 * `workers` training workers, started at once. Each holds a replica and an Adam; per step they exchange gradients
 * through a SharedArrayBuffer and take the same step (src/train/trainWorkerApi.ts), so only each epoch's start and
 * end cross the message channel. close() ends the workers so the process can exit by itself.
 */
export class TrainPool implements EpochRunner {
  readonly size: number;
  private readonly slots: TrainSlot[];
  private shared: SharedGradients | null = null;
  private closing: Promise<void> | null = null;

  constructor(workers: number, spawn: SpawnWorker = spawnTrainWorker) {
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`TrainPool needs at least one worker, got ${workers}`);
    this.size = workers;
    this.slots = Array.from({ length: workers }, () => new TrainSlot(spawn()));
  }

  /** The training set goes to each worker once, compact when it is a FeatureSet (the workers featurise per batch). */
  async init(model: QdfModelData, train: FeatureSource, outputs: number): Promise<void> {
    const set = trainSetMessage(train);
    await this.start(parameterShapes(model.config), train.length, (s, setup) => s.api.init(model, set, outputs, setup));
  }

  /** The same for a 3D GCN: its featurised training set goes to each worker once. */
  async initGcn(model: GcnModelData, train: GcnFeatures[], outputs: number): Promise<void> {
    await this.start(gcnParameterShapes(model.config), train.length, (s, setup) => s.api.initGcn(model, train, outputs, setup));
  }

  /** A shared gradient buffer for these parameters (in this order), then every worker's init with its slot. */
  private async start(shapes: Iterable<[string, number[]]>, trainLength: number,
                      init: (slot: TrainSlot, setup: SharedSetup) => Promise<void>): Promise<void> {
    if (this.closing) throw new Error(CLOSED);
    const list = [...shapes];
    const names = list.map(([name]) => name), sizes = list.map(([, shape]) => shape.reduce((a, b) => a * b, 1));
    const buffer = new SharedArrayBuffer(SharedGradients.bytes(sizes, this.size, trainLength));
    this.shared = new SharedGradients(buffer, names, sizes, this.size, trainLength);
    await Promise.all(this.slots.map((s, index) => s.guard(init(s, { buffer, names, sizes, index, count: this.size }))));
  }

  async runEpoch(request: EpochRequest, onBatch?: (batch: number, lossE: number, lossV: number) => void): Promise<EpochResult> {
    if (this.closing) throw new Error(CLOSED);
    const shared = this.shared;
    if (!shared) throw new Error("TrainPool.runEpoch before init()");
    shared.reset();
    let reported = 0;
    const report = () => {
      for (const done = shared.batchesDone(); reported < done; reported++) onBatch?.(reported, ...shared.batchLosses(reported));
    };
    const timer = setInterval(report, PROGRESS_MS);
    try {
      const results = await Promise.all(this.slots.map((s) => s.guard(s.api.runEpoch(request) as Promise<EpochResult>)
        .catch((e: unknown) => { shared.abort(); throw e; })));
      report();
      return results[0]!;
    } finally {
      clearInterval(timer);
    }
  }

  /** Terminates every worker; safe to call again. */
  close(): Promise<void> {
    this.shared?.abort();
    this.closing ??= Promise.all(this.slots.map((s) => s.close())).then(() => undefined);
    return this.closing;
  }
}
