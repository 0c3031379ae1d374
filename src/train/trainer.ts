// QDF training loop (method.md section 6): per batch an E step then a V step with one Adam, step decay, seeded shuffles.
import * as tf from "#tfjs-core";
import type { MoleculeFeatures } from "../model/features.js";
import type { QdfModel } from "../model/qdf.js";
import type { PredictionResult } from "../predict/result.js";
import { Adam, type AdamParamState } from "./adam.js";
import { registerTrainingGradients } from "./gradients.js";
import { lossE, lossGradients, lossV } from "./losses.js";

import type { QdfModelData } from "../model/config.js";
import { Rng } from "./rng.js";
import { learningRate, type StepSchedule } from "./schedule.js";
import type { TrainingData } from "./dataset.js";
import type { FeatureSource } from "./moleculeStore.js";

export interface Hyperparameters {
  batchSize: number;
  lr: number;
  lrDecay: number;
  /** Epochs between learning-rate decays (the reference's step_size). */
  decayEvery: number;
  epochs: number;
  seed: number;
  /** Reshuffle the training set every epoch (false: file order, as the reference trajectories). */
  shuffle: boolean;
}

/** One row of the per-epoch log (losses summed over batches, as the reference reports them). */
export interface EpochRow {
  epoch: number;
  /** Wall time since training began (over resumed runs too). */
  seconds: number;
  lossE: number;
  lossV: number;
  maeVal: number;
  maeTest: number;
}

/** Everything besides the weights that a resumed run needs to continue exactly. */
export interface TrainerState {
  /** Epochs completed. */
  epoch: number;
  rng: number[];
  adam: Map<string, AdamParamState>;
  seconds: number;
  log: EpochRow[];
}

export class NonFiniteLossError extends Error {
  constructor(readonly epoch: number, readonly batch: number, readonly ids: string[], which: string, value: number) {
    super(`non-finite loss_${which} (${value}) at epoch ${epoch}, batch ${batch}, molecules ${ids.join(", ")}; ` +
          `training stopped (the last checkpoint, if any, is intact)`);
    this.name = "NonFiniteLossError";
  }
}

/** Weights that an epoch's Adam steps made infinite or NaN (a learning rate far too large): stopped before any save. */
export class NonFiniteWeightsError extends Error {
  constructor(readonly epoch: number, name: string, index: number, value: number) {
    super(`non-finite weight ${name}[${index}] (${value}) after the Adam steps of epoch ${epoch}; training stopped ` +
          `(the last checkpoint, if any, is intact; a smaller --lr may help)`);
    this.name = "NonFiniteWeightsError";
  }
}

function checkFiniteWeights(epoch: number, weights: Map<string, Float32Array>): void {
  for (const [name, w] of weights) {
    for (let i = 0; i < w.length; i++) if (!Number.isFinite(w[i]!)) throw new NonFiniteWeightsError(epoch, name, i, w[i]!);
  }
}

/** One epoch for a pool of workers: its start (weights, Adam state), learning rate and batches (training-set indices). */
export interface EpochRequest {
  weights: Map<string, Float32Array>;
  adam: Map<string, AdamParamState>;
  lr: number;
  batches: number[][];
}

/** What a pool's epoch gives back: every batch's summed losses and, unless a loss was not finite, the final state. */
export interface EpochResult {
  losses: [number, number][];
  nonFinite?: { batch: number; which: "E" | "V"; value: number };
  weights?: Map<string, Float32Array>;
  adam?: Map<string, AdamParamState>;
  /** Milliseconds one worker spent computing, and waiting for the others at the step barriers (for benchmarks). */
  ms?: { compute: number; wait: number };
}

/** Runs epochs in workers (src/train/parallel.ts: worker threads). */
export interface EpochRunner {
  readonly size: number;
  /** Gives every worker the model's config and the training set (once per run). */
  init(model: QdfModelData, train: FeatureSource, outputs: number): Promise<void>;
  /** One epoch of E and V steps, each step's gradients split among the workers and summed. */
  runEpoch(request: EpochRequest, onBatch?: (batch: number, lossE: number, lossV: number) => void): Promise<EpochResult>;
}

export class Trainer {
  readonly adam: Adam;
  rng: Rng;
  epoch = 0;
  seconds = 0;
  log: EpochRow[] = [];
  /** The last pooled epoch's compute and barrier-wait milliseconds in one worker (benchmarks). */
  lastEpochMs: { compute: number; wait: number } | null = null;
  private readonly schedule: StepSchedule;

  constructor(readonly model: QdfModel, readonly data: TrainingData, readonly hyper: Hyperparameters) {
    registerTrainingGradients();
    this.adam = new Adam(model.params);
    this.rng = new Rng(hyper.seed);
    this.schedule = { lr: hyper.lr, decay: hyper.lrDecay, every: hyper.decayEvery };
  }

  state(): TrainerState {
    return { epoch: this.epoch, rng: this.rng.state(), adam: this.adam.state, seconds: this.seconds, log: [...this.log] };
  }

  /** Continues from a saved state (the weights must already be in the model). */
  restore(s: TrainerState): void {
    this.epoch = s.epoch;
    this.rng = new Rng(s.rng);
    this.seconds = s.seconds;
    this.log = [...s.log];
    this.adam.load(s.adam);
  }

  get done(): boolean {
    return this.epoch >= this.hyper.epochs;
  }

  /** The batches of the next epoch as indices into the training set (consumes the Rng when shuffling). */
  private batchIndices(): number[][] {
    const n = this.data.train.length;
    const order = this.hyper.shuffle ? this.rng.permutation(n) : Array.from({ length: n }, (_, i) => i);
    const out: number[][] = [];
    for (let i = 0; i < order.length; i += this.hyper.batchSize) out.push(order.slice(i, i + this.hyper.batchSize));
    return out;
  }

  /** loss_E = mean over batch x K of (E - E_pred)^2. */
  lossE(batch: MoleculeFeatures[]): tf.Scalar {
    return lossE(this.model, batch, this.data.outputs);
  }

  /** loss_V = mean over every field point of the batch of (V - V_pred)^2. */
  lossV(batch: MoleculeFeatures[]): tf.Scalar {
    return lossV(this.model, batch);
  }

  /** One epoch of E and V steps; returns the summed losses. Throws NonFiniteLossError before a bad step. */
  trainEpoch(onBatch?: (batch: number, nBatches: number, lossE: number, lossV: number) => void): { lossE: number; lossV: number } {
    const lr = learningRate(this.schedule, this.epoch);
    const train = this.data.train;
    const indices = this.batchIndices();
    let sumE = 0, sumV = 0;
    // Each batch is featurised as it comes (a FeatureSet computes it then), so an epoch holds one batch's features.
    indices.forEach((idx, b) => {
      const batch = idx.map((j) => train.at(j)!);
      const e = lossGradients(this.model, () => this.lossE(batch));
      this.check(e.value, "E", b, batch);
      this.adam.step(e.grads, lr);
      const v = lossGradients(this.model, () => this.lossV(batch));
      this.check(v.value, "V", b, batch);
      this.adam.step(v.grads, lr);
      sumE += e.value;
      sumV += v.value;
      onBatch?.(b, indices.length, e.value, v.value);
    });
    this.model.invalidate();
    checkFiniteWeights(this.epoch, this.currentWeights());
    this.epoch++;
    return { lossE: sumE, lossV: sumV };
  }

  /**
   * trainEpoch run by the pool's workers: each step's batch is split among them (balanced by stepWork), their
   * gradients summed in share order and the same Adam step taken in every worker: the same steps as trainEpoch's up
   * to float summation order. The model and Adam here take the epoch's final state. Without a pool (or a pool of
   * one): trainEpoch itself.
   */
  async trainEpochAsync(pool?: EpochRunner | null,
                        onBatch?: (batch: number, nBatches: number, lossE: number, lossV: number) => void): Promise<{ lossE: number; lossV: number }> {
    if (!pool || pool.size <= 1) return this.trainEpoch(onBatch);
    const batches = this.batchIndices();
    const r = await pool.runEpoch({ weights: this.currentWeights(), adam: this.adam.state, lr: learningRate(this.schedule, this.epoch), batches },
      (b, e, v) => onBatch?.(b, batches.length, e, v));
    this.lastEpochMs = r.ms ?? null;
    if (r.nonFinite) {
      const { batch, which, value } = r.nonFinite;
      throw new NonFiniteLossError(this.epoch, batch, batches[batch]!.map((j) => this.data.train.at(j)!.id), which, value);
    }
    if (!r.weights || !r.adam) throw new Error("the training pool returned no weights");
    checkFiniteWeights(this.epoch, r.weights);
    this.model.setWeights(r.weights);
    this.adam.load(r.adam);
    this.epoch++;
    return { lossE: r.losses.reduce((s, [e]) => s + e, 0), lossV: r.losses.reduce((s, [, v]) => s + v, 0) };
  }

  /** The variables' values (what the in-process forward reads; weights set from outside between steps count too). */
  private currentWeights(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.model.params) out.set(name, v.dataSync() as Float32Array);
    return out;
  }

  private check(value: number, which: string, batch: number, mols: MoleculeFeatures[]): void {
    if (!Number.isFinite(value)) throw new NonFiniteLossError(this.epoch, batch, mols.map((f) => f.id), which, value);
  }

  /** Predictions (fast path) and MAE over every output of the given molecules (featurised one at a time). */
  evaluate(set: FeatureSource): { mae: number; results: PredictionResult[] } {
    const K = this.data.outputs;
    let sum = 0;
    const results: PredictionResult[] = [];
    for (const f of set) {
      const predicted = Array.from(this.model.predict([f]));
      predicted.forEach((p, k) => (sum += Math.abs(p - f.properties![k]!)));
      results.push({ id: f.id, nAtoms: f.nAtoms, predicted, true: f.properties! });
    }
    return { mae: sum / Math.max(1, set.length * K), results };
  }
}
