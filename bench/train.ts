// Training throughput with the published sizes (batch 4, E and V steps) on QM9under14 molecules, beside the matmul ceiling.
import * as tf from "@tensorflow/tfjs-core";
import { existsSync, readFileSync } from "node:fs";
import { initBackend } from "../src/model/backend.js";
import { QdfModel } from "../src/model/qdf.js";
import { parseSplit, prepareData } from "../src/train/dataset.js";
import { initialWeights } from "../src/train/init.js";
import { Rng } from "../src/train/rng.js";
import { Trainer } from "../src/train/trainer.js";
import { PUBLISHED_SIZES } from "../src/train/train.js";
import type { MoleculeFeatures } from "../src/model/features.js";
import { sharedPath } from "../test/shared.js";

const N_MOLECULES = Number(process.env.QDF_BENCH_MOLECULES ?? 120);

/** GFLOP/s of tfjs-wasm's fused matMul (bias + relu, B pre-transposed) on [729 x 250] x [250 x 250], best of 5 runs. */
function matmulCeiling(): number {
  const a = tf.randomNormal([729, 250]), b = tf.randomNormal([250, 250]), bias = tf.randomNormal([250]);
  const run = () => { const y = tf.fused.matMul({ a, b, bias, activation: "relu" }); y.dataSync(); y.dispose(); };
  for (let i = 0; i < 5; i++) run();
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const t = performance.now();
    for (let i = 0; i < 20; i++) run();
    best = Math.min(best, (performance.now() - t) / 20);
  }
  tf.dispose([a, b, bias]);
  return (2 * 729 * 250 * 250) / (best * 1e6);
}

/** Multiply-add FLOPs of one E step + V step for a molecule (forward + both backward matmuls of every layer). */
function flopsPerMolecule(f: MoleculeFeatures, D: number, Lf: number, H: number, Lhk: number): number {
  const N = f.nField, nOrb = f.orbitalIndex.length;
  const lcao = 3 * 2 * N * nOrb * D; // B C forward, dB and dC backward
  return 2 * lcao + Lf * 3 * 2 * N * D * D + Lhk * 3 * 2 * N * H * H;
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
  const data = prepareData(splits, sizes, null);
  const config = { ...sizes, orbitalDict: data.orbitalDict, outputs: data.outputs };
  const model = new QdfModel({ config, weights: initialWeights(config, new Rng(1)) });
  const hyper = { batchSize: 4, lr: 1e-4, lrDecay: 0.5, decayEvery: 200, epochs: 2, seed: 1, shuffle: true };
  // Warm-up on the 20 first molecules (tfjs kernels, allocator), then one timed epoch.
  new Trainer(model, { ...data, train: molecules.slice(0, 20).map((_, i) => data.val[i % 4]!) }, { ...hyper, epochs: 1 }).trainEpoch();
  const trainer = new Trainer(model, data, hyper);
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  trainer.trainEpoch();
  const seconds = (performance.now() - t0) / 1000;
  const n = data.train.length;
  const atoms = data.train.reduce((s, f) => s + f.nAtoms, 0) / n;
  const gflop = data.train.reduce((s, f) => s + flopsPerMolecule(f, config.dim, config.layerFunctional, config.hiddenHK, config.layerHK), 0) / n / 1e9;
  const rate = n / seconds;
  const result = {
    molecules: n, meanAtoms: +atoms.toFixed(2), seconds: +seconds.toFixed(2),
    moleculesPerSecond: +rate.toFixed(2),
    matmulCeilingGflops: +ceiling.toFixed(1),
    gflopPerMolecule: +gflop.toFixed(3),
    achievedGflops: +(rate * gflop).toFixed(1),
    /** Molecules/s if every matmul ran at the ceiling and nothing else took time. */
    matmulBoundMoleculesPerSecond: +(ceiling / gflop).toFixed(2),
    tensorLeak: tf.memory().numTensors - tensorsBefore,
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`train: ${rate.toFixed(2)} molecules/s (published sizes, batch 4, E+V steps, mean ${atoms.toFixed(1)} atoms); ` +
    `matmul ceiling ${ceiling.toFixed(1)} GFLOP/s -> at most ${(ceiling / gflop).toFixed(1)} molecules/s for ${gflop.toFixed(2)} GFLOP/molecule`);
  model.dispose();
}

await main();
