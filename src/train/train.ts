// Library entry point for training: data + sizes (or initial weights, or a checkpoint) in, a trained model out.
import type { Molecule } from "../chem/molecule.js";
import type { QdfConfig, QdfModelData } from "../model/config.js";
import { initBackend } from "../model/backend.js";
import { QdfModel } from "../model/qdf.js";
import type { PredictionResult } from "../predict/result.js";
import { checkpointMismatch, CheckpointError, type Checkpoint } from "./checkpoint.js";
import { prepareData, type PreparedData, type Splits } from "./dataset.js";
import type { MoleculeStore } from "./moleculeStore.js";
import { initialWeights } from "./init.js";
import { Rng } from "./rng.js";
import { Trainer, type EpochRow, type EpochRunner, type Hyperparameters } from "./trainer.js";

/** Model sizes for a new model (ignored with `init`, whose metadata fixes them): the config less what data decides. */
export type ModelSizes = Omit<QdfConfig, "orbitalDict" | "outputs">;

export const PUBLISHED_SIZES: ModelSizes = {
  basisSet: "6-31G", radius: 0.75, gridInterval: 0.3, dim: 250, layerFunctional: 3, hiddenHK: 250, layerHK: 3,
  operation: "sum", property: "property",
};

export const PUBLISHED_HYPERPARAMETERS: Hyperparameters = {
  batchSize: 4, lr: 1e-4, lrDecay: 0.5, decayEvery: 200, epochs: 2000, seed: 1729, shuffle: true,
};

export interface EpochReport {
  row: EpochRow;
  val: PredictionResult[];
  test: PredictionResult[];
  trainer: Trainer;
  /** The complete state after this epoch (call only when a checkpoint is to be written: it copies the weights). */
  checkpoint(): Checkpoint;
}

export { dataFingerprint } from "./dataset.js";

export interface TrainOptions {
  /** The splits: arrays, or streams (read once, e.g. streamSplit over a file's pieces: no split is held whole). */
  splits: Splits<Iterable<Molecule>>;
  /** Bytes of features each split may keep between batches (default 0: featurised per batch; see PrepareOptions). */
  cacheBytes?: number;
  hyper: Hyperparameters;
  sizes?: ModelSizes;
  /** Start from these weights (their config fixes the sizes and the orbital table). */
  init?: QdfModelData;
  /** Continue this checkpoint (it must match the data and hyperparameters). */
  resume?: Checkpoint;
  /**
   * Workers that compute shares of every step's gradients (src/train/parallel.ts's TrainPool, Node): the same steps
   * up to float summation order. The caller closes it. Absent: everything in this thread.
   */
  pool?: EpochRunner;
  /** Stop after the first epoch that ends past this many seconds of training (over resumed runs too). */
  timeLimit?: number;
  /** Once the data is read, before the first epoch (e.g. to size a progress bar by trainer.data.train.length). */
  onStart?: (trainer: Trainer) => void;
  onBatch?: (epoch: number, batch: number, nBatches: number, lossE: number, lossV: number) => void;
  onEpoch?: (report: EpochReport) => void;
}

/** The config and prepared data for a run: from init's table, or a new table grown from the data. */
export function prepareRun(o: Pick<TrainOptions, "splits" | "sizes" | "init" | "cacheBytes">): { config: QdfConfig; data: PreparedData } {
  const options = { cacheBytes: o.cacheBytes ?? 0 };
  if (o.init) {
    const data = prepareData(o.splits, o.init.config, o.init.config.orbitalDict, options);
    if (data.outputs !== o.init.config.outputs) {
      throw new Error(`the data has ${data.outputs} values per property line, the initial model predicts ${o.init.config.outputs}`);
    }
    // Continued training has seen the initial model's molecules and these: the range covers both.
    const range = atomCountRange(data.train.store, o.init.config.atomCountRange);
    return { config: { ...o.init.config, ...(range ? { atomCountRange: range } : {}) }, data };
  }
  const sizes = o.sizes ?? PUBLISHED_SIZES;
  const data = prepareData(o.splits, sizes, null, options);
  const range = atomCountRange(data.train.store);
  return { config: { ...sizes, orbitalDict: data.orbitalDict, outputs: data.outputs, ...(range ? { atomCountRange: range } : {}) }, data };
}

/** Fewest and most atoms in the training split (widened to `also`), recorded in the model for applicability checks. */
function atomCountRange(train: MoleculeStore, also?: [number, number]): [number, number] | undefined {
  let [lo, hi] = also ?? [Infinity, -Infinity];
  for (let i = 0; i < train.length; i++) {
    lo = Math.min(lo, train.nAtoms(i));
    hi = Math.max(hi, train.nAtoms(i));
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Trains (or continues training) and returns the model and its per-epoch log. */
export async function train(o: TrainOptions): Promise<{ model: QdfModel; log: EpochRow[]; trainer: Trainer }> {
  await initBackend();
  const { config, data } = prepareRun(o);
  const fingerprint = data.fingerprint;
  let weights = o.init?.weights ?? initialWeights(config, new Rng(o.hyper.seed ^ 0x5eed));
  if (o.resume) {
    const why = checkpointMismatch(o.resume, config, o.hyper, fingerprint);
    if (why) throw new CheckpointError(`the checkpoint does not belong to this run: ${why}`);
    weights = o.resume.weights;
  }
  const model = new QdfModel({ config, weights });
  const trainer = new Trainer(model, data, o.hyper);
  if (o.resume) trainer.restore(o.resume.state);
  try {
    o.onStart?.(trainer);
    // Each epoch brings the replicas its starting weights and Adam state; init gives them the config and training set.
    if (o.pool && o.pool.size > 1 && !trainer.done) await o.pool.init(model.toData(), data.train, data.outputs);
    while (!trainer.done && !(o.timeLimit !== undefined && trainer.seconds >= o.timeLimit)) {
      const start = performance.now();
      const epoch = trainer.epoch;
      const { lossE, lossV } = await trainer.trainEpochAsync(o.pool, (b, n, e, v) => o.onBatch?.(epoch, b, n, e, v));
      const val = trainer.evaluate(data.val), test = trainer.evaluate(data.test);
      trainer.seconds += (performance.now() - start) / 1000;
      const row: EpochRow = { epoch, seconds: trainer.seconds, lossE, lossV, maeVal: val.mae, maeTest: test.mae };
      trainer.log.push(row);
      o.onEpoch?.({
        row, val: val.results, test: test.results, trainer,
        checkpoint: () => ({ config, weights: model.weights(), state: trainer.state(), hyper: o.hyper, dataFingerprint: fingerprint }),
      });
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, log: trainer.log, trainer };
}
