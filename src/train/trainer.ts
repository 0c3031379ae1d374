// QDF training loop (method.md section 6): per batch an E step then a V step with one Adam, step decay, seeded shuffles.
import * as tf from "@tensorflow/tfjs-core";
import type { MoleculeFeatures } from "../model/features.js";
import type { CoefficientNorm, QdfModel } from "../model/qdf.js";
import type { PredictionResult } from "../api/predict.js";
import { Adam, type AdamParamState } from "./adam.js";
import { registerTrainingGradients } from "./gradients.js";
import { trainingOrbitals } from "./lcaoTrain.js";
import { Rng } from "./rng.js";
import { learningRate, type StepSchedule } from "./schedule.js";
import type { TrainingData } from "./dataset.js";

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

/**
 * Coefficient normalisation during training: "molecule" (each molecule's block over its own rows, as the reference's
 * LCAO does before concatenating). "batch" would give the same Psi and gradients: Psi's own column normalisation
 * cancels any positive per-column scale of C (checked: step-0 loss_E agrees to 1e-7 either way), so the trajectories
 * cannot tell them apart; the parity tests (test/train/parity.test.ts) pass with this choice.
 */
export const TRAIN_NORM: CoefficientNorm = "molecule";

export class Trainer {
  readonly adam: Adam;
  rng: Rng;
  epoch = 0;
  seconds = 0;
  log: EpochRow[] = [];
  private readonly schedule: StepSchedule;
  private readonly vars: tf.Variable[];
  /** tf.Variable name -> parameter name (variable names carry a per-model prefix). */
  private readonly paramOf = new Map<string, string>();

  constructor(readonly model: QdfModel, readonly data: TrainingData, readonly hyper: Hyperparameters) {
    registerTrainingGradients();
    this.adam = new Adam(model.params);
    this.rng = new Rng(hyper.seed);
    this.schedule = { lr: hyper.lr, decay: hyper.lrDecay, every: hyper.decayEvery };
    this.vars = [...model.params.values()];
    for (const [name, v] of model.params) this.paramOf.set(v.name, name);
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
    this.adam.state.clear();
    for (const [k, v] of s.adam) this.adam.state.set(k, v);
    this.adam.sync();
  }

  get done(): boolean {
    return this.epoch >= this.hyper.epochs;
  }

  /** The batches of the next epoch (consumes the Rng when shuffling). */
  private batches(): MoleculeFeatures[][] {
    const train = this.data.train;
    const order = this.hyper.shuffle ? this.rng.permutation(train.length) : train.map((_, i) => i);
    const out: MoleculeFeatures[][] = [];
    for (let i = 0; i < order.length; i += this.hyper.batchSize) {
      out.push(order.slice(i, i + this.hyper.batchSize).map((j) => train[j]!));
    }
    return out;
  }

  /** Gradients of loss() over every parameter it reaches (parameters it does not reach are absent). */
  private gradients(loss: () => tf.Scalar): { value: number; grads: Map<string, Float32Array> } {
    const { value, grads } = tf.variableGrads(loss, this.vars);
    const out = new Map<string, Float32Array>();
    for (const [name, g] of Object.entries(grads)) {
      if (!g) continue;
      out.set(this.paramOf.get(name)!, g.dataSync() as Float32Array);
      g.dispose();
    }
    const v = value.dataSync()[0]!;
    value.dispose();
    return { value: v, grads: out };
  }

  /** Psi per molecule with gradients to zeta and the coefficients (TRAIN_NORM normalisation). */
  orbitals(batch: MoleculeFeatures[]): tf.Tensor2D[] {
    return trainingOrbitals(this.model, batch);
  }

  /** loss_E = mean over batch x K of (E - E_pred)^2. */
  lossE(batch: MoleculeFeatures[]): tf.Scalar {
    const K = this.data.outputs;
    const target = tf.tensor2d(batch.flatMap((f) => f.properties!), [batch.length, K]);
    return tf.mean(tf.squaredDifference(this.model.energy(this.orbitals(batch)), target));
  }

  /** loss_V = mean over every field point of the batch of (V - V_pred)^2 (both [N, 1]: no broadcasting). */
  lossV(batch: MoleculeFeatures[]): tf.Scalar {
    const psis = this.orbitals(batch);
    const psi = psis.length === 1 ? psis[0]! : tf.concat(psis, 0);
    const total = batch.reduce((n, f) => n + f.nField, 0);
    const v = new Float32Array(total);
    let at = 0;
    for (const f of batch) { v.set(f.potential!, at); at += f.nField; }
    return tf.mean(tf.squaredDifference(this.model.potential(psi), tf.tensor2d(v, [total, 1])));
  }

  /** One epoch of E and V steps; returns the summed losses. Throws NonFiniteLossError before a bad step. */
  trainEpoch(onBatch?: (batch: number, nBatches: number, lossE: number, lossV: number) => void): { lossE: number; lossV: number } {
    const lr = learningRate(this.schedule, this.epoch);
    const batches = this.batches();
    let sumE = 0, sumV = 0;
    batches.forEach((batch, b) => {
      const e = this.gradients(() => this.lossE(batch));
      this.check(e.value, "E", b, batch);
      this.adam.step(e.grads, lr);
      const v = this.gradients(() => this.lossV(batch));
      this.check(v.value, "V", b, batch);
      this.adam.step(v.grads, lr);
      sumE += e.value;
      sumV += v.value;
      onBatch?.(b, batches.length, e.value, v.value);
    });
    this.model.invalidate();
    this.epoch++;
    return { lossE: sumE, lossV: sumV };
  }

  private check(value: number, which: string, batch: number, mols: MoleculeFeatures[]): void {
    if (!Number.isFinite(value)) throw new NonFiniteLossError(this.epoch, batch, mols.map((f) => f.id), which, value);
  }

  /** Predictions (fast path) and MAE over every output of the given molecules. */
  evaluate(set: MoleculeFeatures[]): { mae: number; results: PredictionResult[] } {
    const K = this.data.outputs;
    let sum = 0;
    const results = set.map((f) => {
      const predicted = Array.from(this.model.predict([f]));
      predicted.forEach((p, k) => (sum += Math.abs(p - f.properties![k]!)));
      return { id: f.id, nAtoms: f.nAtoms, predicted, true: f.properties! };
    });
    return { mae: sum / Math.max(1, set.length * K), results };
  }
}
