// bench:train-gcn: 3D GCN training molecules/s in one thread and with --workers N, alternating in the same run.
// Epochs, not steps, are timed (a pooled epoch is one request to the workers); each run's first epoch is a warm-up.
import { availableParallelism, loadavg } from "node:os";
import { existsSync, readFileSync } from "node:fs";
import { fitAtomref, subtractAtomref } from "../src/chem/atomref.js";
import { GCN_SIZES, trainGcn, type GcnSizes } from "../src/gcn/train.js";
import { parseSplit } from "../src/train/dataset.js";
import { TrainPool } from "../src/train/parallel.js";
import type { Hyperparameters } from "../src/train/trainer.js";
import { sharedPath } from "../test/shared.js";

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const v = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} needs an integer >= 1, got ${process.argv[at + 1]}`);
  return v;
}
const WORKERS = option("workers", 2), MOLECULES = option("molecules", 640), ROUNDS = option("rounds", 2), EPOCHS = option("epochs", 3);
/** --authors: the authors' train.sh sizes (dim 200, 6 + 6 layers, batch 32); default the extrapolation experiment's GCN. */
const AUTHORS = process.argv.includes("--authors");
const sizes: GcnSizes = AUTHORS ? GCN_SIZES : { ...GCN_SIZES, dim: 64, layerHidden: 6, layerOutput: 3 };
const hyper: Hyperparameters = { batchSize: AUTHORS ? 32 : 16, lr: 1e-3, lrDecay: 0.9, decayEvery: 5, epochs: EPOCHS + 1, seed: 1, shuffle: true };
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

const file = sharedPath("data", "ext_under15_totalenergy_hartree", "train.txt");
if (!existsSync(file)) throw new Error(`bench needs ${file}`);
// Every 4th molecule, spread over the file; targets less the per-element fit, as --atomref fit trains them.
const all = parseSplit(readFileSync(file, "utf8"), file).filter((_, i) => i % 4 === 0).slice(0, MOLECULES + 8);
const residual = subtractAtomref(all, fitAtomref(all));
const splits = { train: residual.slice(8), val: residual.slice(0, 4), test: residual.slice(4, 8) };
const n = splits.train.length, atoms = splits.train.reduce((s, m) => s + m.symbols.length, 0) / n;

/** Molecules/s over the epochs after the first (each epoch's row also times a 4 + 4 molecule evaluation). */
async function rate(pool?: TrainPool): Promise<number> {
  const { model, log } = await trainGcn({ splits, hyper, sizes, pool });
  model.dispose();
  return (EPOCHS * n) / (log.at(-1)!.seconds - log[0]!.seconds);
}

const pool = new TrainPool(WORKERS);
const loadBefore = load();
const one: number[] = [], many: number[] = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    one.push(await rate());
    many.push(await rate(pool));
  }
} finally {
  await pool.close();
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const result = {
  sizes: AUTHORS ? "authors" : "experiment", dim: sizes.dim, layers: [sizes.layerHidden, sizes.layerOutput], batch: hyper.batchSize,
  molecules: n, meanAtoms: +atoms.toFixed(2), epochsTimed: EPOCHS, rounds: ROUNDS, workers: WORKERS, cores: availableParallelism(),
  oneThreadMoleculesPerSecond: one.map((x) => +x.toFixed(1)), workersMoleculesPerSecond: many.map((x) => +x.toFixed(1)),
  speedup: +(mean(many) / mean(one)).toFixed(3), loadAverageBefore: loadBefore, loadAverageAfter: load(),
};
console.log(JSON.stringify(result, null, 2));
console.log(`train --architecture gcn (${result.sizes} sizes, batch ${hyper.batchSize}, ${n} molecules of mean ${atoms.toFixed(1)} atoms): ` +
  `${mean(one).toFixed(1)} molecules/s in one thread, ${mean(many).toFixed(1)} with --workers ${WORKERS}: ${result.speedup.toFixed(2)}x ` +
  `(load average ${loadBefore} before, ${result.loadAverageAfter} after)`);
