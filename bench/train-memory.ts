// bench:train-memory: peak RSS and seconds per molecule of `qdf train` on the ext training set replicated 1x, 4x, 16x.
// Each run is its own `qdf train` process under GNU time (peak RSS); the cached run keeps every feature (--cache-mb
// huge: memory as when everything was featurised up front) and its second epoch is the cached speed. The others
// featurise every batch (--cache-mb 0, the default). All runs in one invocation, one after the other: compare ratios.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, sharedPath } from "../test/shared.js";

const DATA = sharedPath("data", "ext_under15_totalenergy_hartree");
/** Small enough that 16x (42,672 molecules) takes minutes on a loaded 2-core machine; the same in every run. */
const SIZES = ["--dim", "32", "--hk-dim", "32", "--layers", "3", "--hk-layers", "3", "--batch", "4", "--lr", "1e-4"];
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

function main(): void {
  if (!existsSync(DATA)) throw new Error(`bench needs ${DATA}`);
  if (!existsSync("/usr/bin/time")) throw new Error("bench needs GNU time (/usr/bin/time, Debian package `time`) for peak RSS");
  const root = mkdtempSync(join(tmpdir(), "qdf-train-memory-"));
  try {
    const dirs = new Map(REPLICAS.map((k) => [k, join(root, `x${k}`)]));
    const sizes = new Map(REPLICAS.map((k) => [k, writeReplicated(dirs.get(k)!, k)]));
    const base = REPLICAS[0]!;
    // Cached: 2 epochs, every feature kept; epoch 2 reads them all from the cache (the speed of featurising up front).
    const cached = train(`x${base}-cached`, dirs.get(base)!, sizes.get(base)!, 2, 1e6);
    const perBatch = REPLICAS.map((k) => train(`x${k}`, dirs.get(k)!, sizes.get(k)!, 1, 0));
    const cachedRate = cached.epochSeconds[1]! / cached.molecules;
    const first = perBatch[0]!, last = perBatch.at(-1)!;
    const rows = [cached, ...perBatch].map((r) => ({
      run: r.label, molecules: r.molecules, peakMB: Math.round(r.peakMB),
      secondsPerMolecule: +(r.epochSeconds.at(-1)! / r.molecules).toPrecision(4),
    }));
    console.table(rows);
    console.log(JSON.stringify({
      sizes: SIZES.join(" "), evalMolecules: EVAL, rows,
      peakRatioLargestToSmallest: +(last.peakMB / first.peakMB).toFixed(3),
      peakRatioCachedToPerBatch: +(cached.peakMB / first.peakMB).toFixed(3),
      secondsPerMoleculeRatioToCached: Object.fromEntries(perBatch.map((r) => [r.label, +((r.epochSeconds[0]! / r.molecules) / cachedRate).toFixed(3)])),
    }, null, 2));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main();
