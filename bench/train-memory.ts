// bench:train-memory: peak RSS and seconds per molecule of `qdf train` on the ext training set replicated 1x, 4x, 16x.
// Each run is its own `qdf train` process (1 epoch) under GNU time (peak RSS): "cached" keeps every feature
// (--cache-mb huge: memory as when everything was featurised up front), the others featurise every batch
// (--cache-mb 0, the default). On a shared machine one process's epoch time swings 2x, so the per-batch/cached
// speed ratio is also measured in this process, alternating cached and per-batch epochs on the same molecules.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, sharedPath } from "../test/shared.js";
import { initBackend } from "../src/model/backend.js";
import { QdfModel } from "../src/model/qdf.js";
import { parseSplit, prepareData } from "../src/train/dataset.js";
import { initialWeights } from "../src/train/init.js";
import { Rng } from "../src/train/rng.js";
import { Trainer } from "../src/train/trainer.js";

const DATA = sharedPath("data", "ext_under15_totalenergy_hartree");
/**
 * Small enough that 16x (42,672 molecules) fits in tens of minutes on the loaded 2-core machine; the same in every
 * run: 6-31G and radius 0.75 as published, a coarser grid (0.45 A: ~250 field points a molecule, not ~750) and
 * a small network.
 */
const FIELD = { basisSet: "6-31G", radius: 0.75, gridInterval: 0.45 };
const NET = { dim: 16, hiddenHK: 16, layerFunctional: 2, layerHK: 2 };
const SIZES = ["--grid", String(FIELD.gridInterval), "--dim", String(NET.dim), "--hk-dim", String(NET.hiddenHK),
  "--layers", String(NET.layerFunctional), "--hk-layers", String(NET.layerHK), "--batch", "4", "--lr", "1e-4"];
/** In-process speed test: this many training molecules (spread over the file), epochs alternating cached/per batch. */
const SPEED_MOLECULES = 400, SPEED_ROUNDS = 3;
/** val and test: 100 molecules each, so the per-epoch MAE (computed in every run) stays a small, equal share. */
const EVAL = 100;
const REPLICAS = (process.env.QDF_BENCH_REPLICAS ?? "1,4,16").split(",").map(Number);

function blocks(text: string): string[] {
  return text.split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean);
}

/** DIR/{train,val,test}.txt with the training set repeated `copies` times, ids made unique ("<id>_r<copy>"). */
function writeReplicated(dir: string, copies: number): number {
  const train = blocks(readFileSync(join(DATA, "train.txt"), "utf8"));
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (let c = 0; c < copies; c++) for (const b of train) out.push(b.replace(/^[^\n]*/, (id) => `${id}_r${c}`));
  writeFileSync(join(dir, "train.txt"), out.join("\n\n") + "\n");
  writeFileSync(join(dir, "val.txt"), blocks(readFileSync(join(DATA, "val.txt"), "utf8")).slice(0, EVAL).join("\n\n") + "\n");
  writeFileSync(join(dir, "test.txt"), blocks(readFileSync(join(DATA, "test.txt"), "utf8")).slice(0, EVAL).join("\n\n") + "\n");
  return out.length;
}

interface Run { label: string; molecules: number; peakMB: number; epochSeconds: number[] }

/** One `qdf train` process: its peak RSS (GNU time's %M) and per-epoch seconds (from its log). */
function train(label: string, dir: string, molecules: number, epochs: number, cacheMb: number): Run {
  const model = join(dir, `${label}.safetensors`);
  const args = ["-f", "%M", process.execPath, join(repoRoot, "bin", "qdf.js"), "train", "--data", dir, "--out", model,
    ...SIZES, "--epochs", String(epochs), "--cache-mb", String(cacheMb)];
  const r = spawnSync("/usr/bin/time", args, { encoding: "utf8", timeout: 3 * 3600_000, maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${label}: qdf train failed (${r.status ?? r.signal}):\n${r.stderr.slice(-2000)}`);
  const peakKB = Number(r.stderr.trim().split("\n").at(-1));
  const log = readFileSync(model.replace(/\.safetensors$/, ".log.tsv"), "utf8").trim().split("\n").slice(1);
  const cumulative = log.map((l) => Number(l.split("\t")[1]));
  const epochSeconds = cumulative.map((s, i) => s - (i > 0 ? cumulative[i - 1]! : 0));
  const run = { label, molecules, peakMB: peakKB / 1024, epochSeconds };
  console.error(`${label}: ${molecules} molecules, peak ${run.peakMB.toFixed(0)} MB, epochs ${epochSeconds.map((s) => s.toFixed(1)).join(", ")} s`);
  return run;
}

/** Seconds of cached and of per-batch epochs on the same molecules, alternated so that load swings hit both. */
async function speedRatio(): Promise<{ cached: number; perBatch: number; molecules: number }> {
  await initBackend();
  const file = join(DATA, "train.txt");
  const all = parseSplit(readFileSync(file, "utf8"), file);
  const step = Math.floor(all.length / SPEED_MOLECULES);
  const train = all.filter((_, i) => i % step === 0).slice(0, SPEED_MOLECULES);
  const splits = { train, val: train.slice(0, 1), test: train.slice(0, 1) };
  const cachedData = prepareData(splits, FIELD, null, { cacheBytes: Infinity });
  const perBatchData = prepareData(splits, FIELD, null, { cacheBytes: 0 });
  const config = { ...FIELD, ...NET, operation: "sum" as const, property: "energy (hartree)", orbitalDict: cachedData.orbitalDict, outputs: 1 };
  const model = new QdfModel({ config, weights: initialWeights(config, new Rng(1)) });
  const hyper = { batchSize: 4, lr: 1e-4, lrDecay: 0.5, decayEvery: 200, epochs: 2 * SPEED_ROUNDS + 1, seed: 1, shuffle: true };
  const cached = new Trainer(model, cachedData, hyper), perBatch = new Trainer(model, perBatchData, hyper);
  cached.trainEpoch(); // warm-up, and it fills the cache
  const seconds = { cached: 0, perBatch: 0 };
  for (let r = 0; r < SPEED_ROUNDS; r++) {
    for (const [name, t] of [["cached", cached], ["perBatch", perBatch]] as const) {
      const t0 = performance.now();
      t.trainEpoch();
      seconds[name] += (performance.now() - t0) / 1000;
    }
  }
  model.dispose();
  return { ...seconds, molecules: SPEED_ROUNDS * train.length };
}

async function main(): Promise<void> {
  if (!existsSync(DATA)) throw new Error(`bench needs ${DATA}`);
  if (!existsSync("/usr/bin/time")) throw new Error("bench needs GNU time (/usr/bin/time, Debian package `time`) for peak RSS");
  const root = mkdtempSync(join(tmpdir(), "qdf-train-memory-"));
  try {
    const speed = await speedRatio();
    console.error(`in-process: cached ${speed.cached.toFixed(1)} s, per batch ${speed.perBatch.toFixed(1)} s for ${speed.molecules} molecules each`);
    const dirs = new Map(REPLICAS.map((k) => [k, join(root, `x${k}`)]));
    const sizes = new Map(REPLICAS.map((k) => [k, writeReplicated(dirs.get(k)!, k)]));
    const base = REPLICAS[0]!;
    const cached = train(`x${base}-cached`, dirs.get(base)!, sizes.get(base)!, 1, 1e6);
    const perBatch = REPLICAS.map((k) => train(`x${k}`, dirs.get(k)!, sizes.get(k)!, 1, 0));
    const first = perBatch[0]!, last = perBatch.at(-1)!;
    const rows = [cached, ...perBatch].map((r) => ({
      run: r.label, molecules: r.molecules, peakMB: Math.round(r.peakMB),
      secondsPerMolecule: +(r.epochSeconds[0]! / r.molecules).toPrecision(4),
    }));
    console.table(rows);
    console.log(JSON.stringify({
      sizes: SIZES.join(" "), evalMolecules: EVAL, rows,
      peakRatioLargestToSmallest: +(last.peakMB / first.peakMB).toFixed(3),
      peakRatioCachedToPerBatch: +(cached.peakMB / first.peakMB).toFixed(3),
      secondsPerMoleculeRatioLargestToSmallest: +((last.epochSeconds[0]! / last.molecules) / (first.epochSeconds[0]! / first.molecules)).toFixed(3),
      inProcessPerBatchToCached: { ...speed, ratio: +(speed.perBatch / speed.cached).toFixed(3) },
    }, null, 2));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
