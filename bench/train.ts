// Training throughput with the published sizes (batch 4, E and V steps) on QM9under14 molecules, beside the matmul ceiling; --workers N adds a data-parallel run.
import * as tf from "#tfjs-core";
import { existsSync, readFileSync } from "node:fs";
import { initBackend } from "../src/model/backend.js";
import { QdfModel } from "../src/model/qdf.js";
import { parseSplit, prepareData } from "../src/train/dataset.js";
import { initialWeights } from "../src/train/init.js";
import { Rng } from "../src/train/rng.js";
import { Trainer, type Hyperparameters } from "../src/train/trainer.js";
import type { TrainingData } from "../src/train/dataset.js";
import type { QdfConfig, Weights } from "../src/model/config.js";
import { TrainPool } from "../src/train/parallel.js";
import { PUBLISHED_SIZES } from "../src/train/train.js";
import type { MoleculeFeatures } from "../src/model/features.js";
import { sharedPath } from "../test/shared.js";
import { matmulCeiling } from "./matmulCeiling.js";
import { stepWork } from "../src/train/losses.js";

const N_MOLECULES = Number(process.env.QDF_BENCH_MOLECULES ?? 120);
const at = process.argv.indexOf("--workers");
/** Workers of the data-parallel run (1: only the in-process run). */
const WORKERS = at >= 0 ? Number(process.argv[at + 1]) : 1;
if (!Number.isInteger(WORKERS) || WORKERS < 1) throw new Error(`--workers needs an integer >= 1, got ${process.argv[at + 1]}`);

/**
 * Matmul FLOPs of one E step + V step for a molecule as the reference computes them: Psi = B C, every layer on every
 * field point, forward and both gradient products.
 */
function referenceFlops(f: MoleculeFeatures, D: number, Lf: number, H: number, Lhk: number): number {
  const N = f.nField, n = f.orbitalIndex.length;
  const lcao = 3 * 2 * N * n * D; // B C forward, dB and dC backward
  return 2 * lcao + Lf * 3 * 2 * N * D * D + Lhk * 3 * 2 * N * H * H;
}

/** The same for qdf-wasm's formulation (exact in real arithmetic, fewer products): src/train/losses.ts's stepWork. */
function flopsHere(f: MoleculeFeatures, config: QdfConfig): number {
  return 2 * (stepWork(f, "E", config) + stepWork(f, "V", config));
}

async function main(): Promise<void> {
  const file = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
  if (!existsSync(file)) throw new Error(`bench needs ${file}`);
  await initBackend();
  const ceiling = matmulCeiling();
  // Every 12th molecule: spread over the file (ids grow with size), so the mean size matches the set's (~13 atoms).
  const molecules = parseSplit(readFileSync(file, "utf8"), file).filter((_, i) => i % 12 === 0).slice(0, N_MOLECULES + 20);
  const sizes = { ...PUBLISHED_SIZES, property: "atomization energy (eV)" };
  const splits = { train: molecules.slice(20), val: molecules.slice(0, 4), test: molecules.slice(4, 8) };
  // Featurised up front (arrays): this bench times the training steps alone (bench/train-memory times featurising too).
  const prepared = prepareData(splits, sizes, null);
  const data = { ...prepared, train: [...prepared.train], val: [...prepared.val], test: [...prepared.test] };
  const config = { ...sizes, orbitalDict: data.orbitalDict, outputs: data.outputs };
  const weights = initialWeights(config, new Rng(1));
  const model = new QdfModel({ config, weights });
  const hyper = { batchSize: 4, lr: 1e-4, lrDecay: 0.5, decayEvery: 200, epochs: 2, seed: 1, shuffle: true };
  // Warm-up on 20 molecules (tfjs kernels, allocator), then one timed epoch; the same with the pool.
  new Trainer(model, { ...data, train: molecules.slice(0, 20).map((_, i) => data.val[i % 4]!) }, { ...hyper, epochs: 1 }).trainEpoch();
  const trainer = new Trainer(model, data, hyper);
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  trainer.trainEpoch();
  const seconds = (performance.now() - t0) / 1000;
  const tensorLeak = tf.memory().numTensors - tensorsBefore;
  const parallel = WORKERS > 1 ? await parallelEpoch(config, weights, data, hyper) : null;
  const n = data.train.length;
  const atoms = data.train.reduce((s, f) => s + f.nAtoms, 0) / n;
  const mean = (flops: (f: MoleculeFeatures) => number) => data.train.reduce((s, f) => s + flops(f), 0) / n / 1e9;
  const { dim, layerFunctional, hiddenHK, layerHK } = config;
  const gflopRef = mean((f) => referenceFlops(f, dim, layerFunctional, hiddenHK, layerHK));
  const gflop = mean((f) => flopsHere(f, config));
  const rate = n / seconds;
  const result = {
    molecules: n, meanAtoms: +atoms.toFixed(2), seconds: +seconds.toFixed(2),
    moleculesPerSecond: +rate.toFixed(2),
    matmulCeilingGflops: +ceiling.toFixed(1),
    /** Matmul work per molecule as the reference does it, and as qdf-wasm does it. */
    referenceGflopPerMolecule: +gflopRef.toFixed(3),
    gflopPerMolecule: +gflop.toFixed(3),
    achievedGflops: +(rate * gflop).toFixed(1),
    /** Molecules/s if every matmul ran at the ceiling and nothing else took time (the reference's work, and ours). */
    referenceMatmulBoundMoleculesPerSecond: +(ceiling / gflopRef).toFixed(2),
    matmulBoundMoleculesPerSecond: +(ceiling / gflop).toFixed(2),
    fractionOfBound: +((rate * gflop) / ceiling).toFixed(3),
    tensorLeak,
    ...(parallel ? {
      workers: WORKERS, parallelSeconds: +parallel.seconds.toFixed(2),
      parallelMoleculesPerSecond: +(n / parallel.seconds).toFixed(2), speedup: +(seconds / parallel.seconds).toFixed(3),
      perStepMs: parallel.perStep,
    } : {}),
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`train: ${rate.toFixed(2)} molecules/s (published sizes, batch 4, E+V steps, mean ${atoms.toFixed(1)} atoms); ` +
    `matmul ceiling ${ceiling.toFixed(1)} GFLOP/s -> at most ${(ceiling / gflop).toFixed(1)} molecules/s for our ${gflop.toFixed(2)} ` +
    `GFLOP/molecule (${(ceiling / gflopRef).toFixed(1)} for the reference's ${gflopRef.toFixed(2)}); ${((rate * gflop) / ceiling * 100).toFixed(0)}% of our bound`);
  if (parallel) console.log(`train --workers ${WORKERS}: ${(n / parallel.seconds).toFixed(2)} molecules/s, ${(seconds / parallel.seconds).toFixed(2)}x one process`);
  model.dispose();
}

/** One timed epoch over a TrainPool from the same initial weights (after a warm-up), with where the time goes. */
async function parallelEpoch(config: QdfConfig, weights: Weights, data: TrainingData, hyper: Hyperparameters) {
  const pool = new TrainPool(WORKERS);
  const model = new QdfModel({ config, weights });
  try {
    await pool.init(model.toData(), data.train, data.outputs);
    // Warm-up with a throwaway model: one whole epoch. Worker threads run ~30% slower for a few seconds after their
    // first dozen steps (measured: steps 14-32 of a lone worker, with or without wasm tier-up; the main thread shows
    // no such phase), so a short warm-up would time that transient rather than the hours of a real run.
    const warm = new QdfModel({ config, weights });
    await new Trainer(warm, data, { ...hyper, epochs: 1 }).trainEpochAsync(pool);
    warm.dispose();
    const trainer = new Trainer(model, data, hyper);
    const t0 = performance.now();
    await trainer.trainEpochAsync(pool);
    const seconds = (performance.now() - t0) / 1000;
    const steps = 2 * Math.ceil(data.train.length / hyper.batchSize);
    const ms = trainer.lastEpochMs!;
    return {
      seconds,
      /** Per step (E or V), ms: all of it, worker 0's compute (its share, the gradient sum, Adam), its barrier waits. */
      perStep: {
        total: +((seconds * 1000) / steps).toFixed(1), compute: +(ms.compute / steps).toFixed(1), barrierWait: +(ms.wait / steps).toFixed(1),
      },
    };
  } finally {
    model.dispose();
    await pool.close();
  }
}

await main();
