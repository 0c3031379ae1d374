// Training the 3D GCN: mini-batch MSE on the properties, one Adam, step decay, seeded shuffles, resumable checkpoints, workers.
import * as tf from "#tfjs-core";
import type { Molecule } from "../chem/molecule.js";
import { initBackend } from "../model/backend.js";
import type { PredictionResult } from "../predict/result.js";
import { readTensor } from "../kernels/tfjsWasmHeap.js";
import type { GcnModelData } from "./config.js";
import { Adam } from "../train/adam.js";
import { CheckpointError, encodeTrainingState, stateMismatch, type Checkpoint } from "../train/checkpoint.js";
import { SPLIT_NAMES, type Splits } from "../train/dataset.js";
import { Rng } from "../train/rng.js";
import { learningRate } from "../train/schedule.js";
import { dataFingerprint } from "../train/train.js";
import { NonFiniteLossError, type EpochRequest, type EpochResult, type EpochRow, type Hyperparameters, type TrainerState } from "../train/trainer.js";
import type { GcnConfig } from "./config.js";
import { gcnFeatures, type GcnFeatures } from "./features.js";
import { initialGcnWeights } from "./init.js";
import { gcnLoss } from "./loss.js";
import { withLossGradients } from "../train/losses.js";
import { gcnConfigToMetadata } from "./modelFile.js";
import { GcnModel } from "./model.js";
import { registerGcnGradients } from "./ops.js";

/** A new GCN's sizes: the config less what the data decides. */
export type GcnSizes = Omit<GcnConfig, "atomDict" | "outputs">;

/** The authors' main/train.sh: dim 200, 6 convolution and 6 output layers, batch 32, lr 1e-3 x 0.99 every 10 epochs. */
export const GCN_SIZES: GcnSizes = { dim: 200, layerHidden: 6, layerOutput: 6, operation: "sum", property: "property" };
export const GCN_HYPERPARAMETERS: Hyperparameters = {
  batchSize: 32, lr: 1e-3, lrDecay: 0.99, decayEvery: 10, epochs: 3000, seed: 1729, shuffle: true,
};

/** A GCN checkpoint: a training-state file whose config is a GCN's. */
export type GcnCheckpoint = Omit<Checkpoint, "config"> & { config: GcnConfig };

export interface GcnData extends Splits<GcnFeatures[]> {
  outputs: number;
}

export interface GcnEpochReport {
  row: EpochRow;
  /** Every epoch's row so far (resumed runs included). */
  log: EpochRow[];
  val: PredictionResult[];
  test: PredictionResult[];
  trainer: { model: GcnModel; data: GcnData };
  checkpoint(): GcnCheckpoint;
}

/** Runs GCN epochs in workers (src/train/parallel.ts's TrainPool): each step's batch split among them, gradients summed. */
export interface GcnEpochRunner {
  readonly size: number;
  /** Gives every worker the model and the featurised training set (once per run). */
  initGcn(model: GcnModelData, train: GcnFeatures[], outputs: number): Promise<void>;
  runEpoch(request: EpochRequest, onBatch?: (batch: number, lossE: number, lossV: number) => void): Promise<EpochResult>;
}

export interface GcnTrainOptions {
  splits: Splits<Molecule[]>;
  hyper: Hyperparameters;
  sizes?: GcnSizes;
  resume?: GcnCheckpoint;
  /** Stop after the first epoch that ends past this many seconds of training (over resumed runs too). */
  timeLimit?: number;
  /** Workers that split every batch (a pool of one, or none: this thread). Its size does not enter the checkpoint. */
  pool?: GcnEpochRunner;
  onBatch?: (epoch: number, batch: number, nBatches: number, loss: number) => void;
  onEpoch?: (report: GcnEpochReport) => void;
}

export function encodeGcnCheckpoint(c: GcnCheckpoint): Uint8Array {
  return encodeTrainingState(gcnConfigToMetadata(c.config), c);
}

/** The element table in order of first appearance (train, val, test) and the featurised splits. */
export function prepareGcnData(splits: Splits<Molecule[]>, atomDict: Record<string, number> | null): { atomDict: Record<string, number>; data: GcnData } {
  const table: Record<string, number> = atomDict ? { ...atomDict } : {};
  const outputs = splits.train[0]!.properties!.length;
  const data = { outputs } as GcnData;
  for (const s of SPLIT_NAMES) data[s] = splits[s].map((m) => gcnFeatures(m, table, atomDict === null));
  return { atomDict: table, data };
}

/** Fewest and most atoms of a training molecule, recorded in the model for the applicability warnings. */
function atomCountRange(train: Molecule[]): [number, number] | undefined {
  if (train.length === 0) return undefined;
  // A loop, not Math.min(...): spreading a large training set would overflow the stack.
  let lo = Infinity, hi = -Infinity;
  for (const m of train) [lo, hi] = [Math.min(lo, m.symbols.length), Math.max(hi, m.symbols.length)];
  return [lo, hi];
}

function evaluate(model: GcnModel, set: GcnFeatures[], K: number): { mae: number; results: PredictionResult[] } {
  let sum = 0;
  const results = set.map((f) => {
    const predicted = Array.from(model.predict([f]));
    predicted.forEach((p, k) => (sum += Math.abs(p - f.properties![k]!)));
    return { id: f.id, nAtoms: f.nAtoms, predicted, true: f.properties! };
  });
  return { mae: sum / Math.max(1, set.length * K), results };
}

/** The variables' values (what the forward reads), for a pooled epoch's start. */
function currentWeights(model: GcnModel): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.params) out.set(name, v.dataSync() as Float32Array);
  return out;
}

/** Trains (or continues) a GCN; returns the model and its per-epoch log (loss_V is 0: the GCN has no potential step). */
export async function trainGcn(o: GcnTrainOptions): Promise<{ model: GcnModel; log: EpochRow[] }> {
  await initBackend();
  registerGcnGradients();
  const { atomDict, data } = prepareGcnData(o.splits, o.resume?.config.atomDict ?? null);
  const sizes = o.sizes ?? GCN_SIZES;
  const range = atomCountRange(o.splits.train);
  const fresh: GcnConfig = { ...sizes, atomDict, outputs: data.outputs, ...(range ? { atomCountRange: range } : {}) };
  // A checkpoint from before the range was recorded resumes (same data fingerprint) and gains it.
  const config: GcnConfig = o.resume ? { ...o.resume.config, ...(range ? { atomCountRange: range } : {}) } : fresh;
  const fingerprint = dataFingerprint(o.splits);
  if (o.resume) {
    const why = stateMismatch(o.resume, gcnConfigToMetadata(o.resume.config), gcnConfigToMetadata(fresh), o.hyper, fingerprint);
    if (why) throw new CheckpointError(`the checkpoint does not belong to this run: ${why}`);
  }
  const model = new GcnModel(config, o.resume?.weights ?? initialGcnWeights(config, new Rng(o.hyper.seed ^ 0x5eed)));
  const adam = new Adam(model.params);
  const st: TrainerState = o.resume
    ? { ...o.resume.state, log: [...o.resume.state.log] }
    : { epoch: 0, rng: new Rng(o.hyper.seed).state(), adam: adam.state, seconds: 0, log: [] };
  if (o.resume) adam.load(o.resume.state.adam);
  const rng = new Rng(st.rng);
  const K = data.outputs, h = o.hyper;
  const grads = new Map<string, Float32Array>();
  const pool = o.pool && o.pool.size > 1 ? o.pool : null;
  try {
    if (pool) await pool.initGcn(model.toData(), data.train, K);
    while (st.epoch < h.epochs && !(o.timeLimit !== undefined && st.seconds >= o.timeLimit)) {
      const start = performance.now();
      const lr = learningRate({ lr: h.lr, decay: h.lrDecay, every: h.decayEvery }, st.epoch);
      const n = data.train.length;
      const order = h.shuffle ? rng.permutation(n) : Array.from({ length: n }, (_, i) => i);
      const nBatches = Math.ceil(n / h.batchSize);
      const batches = Array.from({ length: nBatches }, (_, b) => order.slice(b * h.batchSize, (b + 1) * h.batchSize));
      let lossSum = 0;
      if (pool) {
        const r = await pool.runEpoch({ weights: currentWeights(model), adam: adam.state, lr, batches },
          (b, loss) => o.onBatch?.(st.epoch, b, nBatches, loss));
        if (r.nonFinite) {
          const { batch, which, value } = r.nonFinite;
          throw new NonFiniteLossError(st.epoch, batch, batches[batch]!.map((i) => data.train[i]!.id), which, value);
        }
        if (!r.weights || !r.adam) throw new Error("the training pool returned no weights");
        model.setWeights(r.weights);
        adam.load(r.adam);
        lossSum = r.losses.reduce((s, [e]) => s + e, 0);
      } else {
        for (let b = 0; b < nBatches; b++) {
          const batch = batches[b]!.map((i) => data.train[i]!);
          const loss = withLossGradients(model, () => gcnLoss(model, batch, K), (name, t) => {
            let buf = grads.get(name);
            if (!buf) grads.set(name, (buf = new Float32Array(t.size)));
            readTensor(t, buf);
          });
          if (!Number.isFinite(loss)) throw new NonFiniteLossError(st.epoch, b, batch.map((f) => f.id), "E", loss);
          adam.step(grads, lr);
          lossSum += loss;
          o.onBatch?.(st.epoch, b, nBatches, loss);
        }
      }
      st.epoch++;
      st.rng = rng.state();
      const val = evaluate(model, data.val, K), test = evaluate(model, data.test, K);
      st.seconds += (performance.now() - start) / 1000;
      const row: EpochRow = { epoch: st.epoch - 1, seconds: st.seconds, lossE: lossSum, lossV: 0, maeVal: val.mae, maeTest: test.mae };
      st.log.push(row);
      o.onEpoch?.({
        row, log: st.log, val: val.results, test: test.results, trainer: { model, data },
        checkpoint: () => ({ config, weights: model.weights(), hyper: h, dataFingerprint: fingerprint, state: { ...st, adam: adam.state, log: [...st.log] } }),
      });
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, log: st.log };
}
