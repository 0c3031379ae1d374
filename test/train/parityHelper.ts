// Test helper: runs the trainer from a reference trajectory's init weights and collects per-step losses.
import { readFileSync } from "node:fs";
import { readModelFile } from "../../src/model/modelFile.js";
import { initBackend } from "../../src/model/backend.js";
import { QdfModel } from "../../src/model/qdf.js";
import { parseSplit, prepareData, SPLIT_NAMES, type Splits } from "../../src/train/dataset.js";
import { Trainer } from "../../src/train/trainer.js";
import type { Molecule } from "../../src/chem/molecule.js";
import { sharedPath } from "../shared.js";

/** Largest |a - b| / max|b| per tensor of b, by name. */
export function weightErrors(a: Map<string, { data: Float32Array }>, b: Map<string, { data: Float32Array }>): [string, number][] {
  return [...b].map(([name, t]) => {
    const x = a.get(name)!.data;
    let max = 0, diff = 0;
    for (let i = 0; i < x.length; i++) { max = Math.max(max, Math.abs(t.data[i]!)); diff = Math.max(diff, Math.abs(x[i]! - t.data[i]!)); }
    return [name, diff / Math.max(max, 1e-30)];
  });
}

export interface Trajectory {
  config: { dim: number; batch_size: number; lr: number; epochs: number; operation: string };
  steps: { epoch: number; batch: number; loss_E: number; loss_V: number }[];
  predictions: { val: [string, ...number[]][]; test: [string, ...number[]][] };
}

export function loadSplits(dataset: string): Splits<Molecule[]> {
  const out = {} as Splits<Molecule[]>;
  for (const s of SPLIT_NAMES) out[s] = parseSplit(readFileSync(sharedPath("data", dataset, `${s}.txt`), "utf8"), `${s}.txt`);
  return out;
}

export async function runReference(name: string, dataset: string) {
  await initBackend();
  const traj = JSON.parse(readFileSync(sharedPath("reference", `${name}_trajectory.json`), "utf8")) as Trajectory;
  const init = readModelFile(new Uint8Array(readFileSync(sharedPath("reference", `${name}_init.safetensors`))));
  const final = readModelFile(new Uint8Array(readFileSync(sharedPath("reference", `${name}_final.safetensors`))));
  const data = prepareData(loadSplits(dataset), init.config, init.config.orbitalDict);
  const model = new QdfModel(init);
  const trainer = new Trainer(model, data, {
    batchSize: traj.config.batch_size, lr: traj.config.lr, lrDecay: 0.5, decayEvery: 200,
    epochs: traj.config.epochs, seed: 0, shuffle: false,
  });
  const steps: { lossE: number; lossV: number }[] = [];
  while (!trainer.done) trainer.trainEpoch((_b, _n, lossE, lossV) => steps.push({ lossE, lossV }));
  return { traj, final, model, trainer, steps, data };
}

/** Trains `epochs` epochs from a reference init and records tf.memory().numTensors after each. */
export async function runReferenceEpochs(name: string, dataset: string, epochs: number) {
  const { memory } = await import("#tfjs-core");
  await initBackend();
  const init = readModelFile(new Uint8Array(readFileSync(sharedPath("reference", `${name}_init.safetensors`))));
  const data = prepareData(loadSplits(dataset), init.config, init.config.orbitalDict);
  const model = new QdfModel(init);
  const trainer = new Trainer(model, data, { batchSize: 4, lr: 1e-3, lrDecay: 0.5, decayEvery: 200, epochs, seed: 1, shuffle: true });
  const counts: number[] = [];
  while (!trainer.done) {
    trainer.trainEpoch();
    trainer.evaluate(data.val);
    counts.push(memory().numTensors);
  }
  return { model, counts };
}
