// Benchmark: end-to-end prediction (parse -> field -> basis -> LCAO -> functional -> E) on the QM9under14 val set, in
// every layout of one run: wasm in one process and in N workers; native in one process with N threads and in N
// workers of one thread each; the layer GFLOP/s of each engine and numpy's; the targets as ratios.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { iterateMolecules } from "../src/chem/parse.js";
import { loadModel, predictStream, type PredictionResult } from "../src/api/predict.js";
import { PredictPool } from "../src/workers/pool.js";
import { featurize } from "../src/model/features.js";
import { orbitalTypes } from "../src/model/lcao.js";
import { repoRoot, sharedPath } from "../test/shared.js";
import { fieldGraphFlops, matmulCeiling, predictFlops } from "./matmulCeiling.js";
import { engineCeiling, numpyCeiling } from "./nativeCeiling.js";
import { selectEngine } from "../src/node/nativeEngine.js";
import { setDenseEngine, wasmDenseEngine } from "../src/model/denseEngine.js";

// usage: node dist/bench/predict.js [DATA [MODEL]] [--workers N] [--engine wasm|native|both] [--threads N]
//   DATA: default the QM9under14 val set; MODEL: default models/qdf-qm9-under14.safetensors.
//   --workers N (default 2): the pool runs use N workers, the native one-process run N threads (--threads).
//   --engine native|both: the native engine (onnxruntime-node) in one process and in the pool, its layer GFLOP/s
//   (1 thread at 730 and 5840 rows, and N threads), numpy's, and its values checked against wasm's.
const cli = parseArgs({ allowPositionals: true, options: { workers: { type: "string" }, engine: { type: "string" }, threads: { type: "string" } } });
const engineArg = cli.values.engine ?? "wasm";
if (!["wasm", "native", "both"].includes(engineArg)) throw new Error(`--engine must be wasm, native or both, not ${engineArg}`);
const dataPath = cli.positionals[0] ?? sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
const modelPath = cli.positionals[1] ?? join(repoRoot, "models", "qdf-qm9-under14.safetensors");
const workers = Math.max(1, Number(cli.values.workers ?? 2));
const threads = Math.max(1, Number(cli.values.threads ?? workers));
const PYTORCH_MOL_PER_S = 87; // the authors' code, end to end, both cores, this kind of machine
const TARGET_VS_WASM_POOL = 3, TARGET_MOL_PER_S = 450, TARGET_VS_NUMPY = 0.6;
// numpy/OpenBLAS's 2-thread layer rate where the 450/s was set (the table). Runs here have given it 106-152,
// so the bench also states 450/s scaled by numpy's rate in the same run.
const TARGET_NUMPY_GFLOPS = 227;

const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
const bytes = readFileSync(modelPath);
const model = await loadModel(bytes);
const text = readFileSync(dataPath, "utf8");
const molecules = () => iterateMolecules(text, { fileName: dataPath });

// Useful work (the straightforward pass), and the work the native field graph does, counted outside the timed runs.
let flops = 0, nativeFlops = 0;
for (const item of molecules()) {
  if (!("molecule" in item)) continue;
  const f = featurize(item.molecule, model.ctx), c = model.config;
  flops += predictFlops(f.nField, f.q.length, c.dim, c.layerFunctional, c.outputs);
  const types = orbitalTypes(f.orbitalIndex).types.length;
  nativeFlops += fieldGraphFlops(f.nField, f.q.length, types, c.dim, c.layerFunctional, c.outputs);
}

/** One layout's run; `startup`: the seconds of it spent starting the pool's workers, before the first molecule. */
interface Run { label: string; results: PredictionResult[]; seconds: number; cpu: number; startup?: number; note?: string }
const rate = (run: Run) => run.results.length / run.seconds;
const rateAfterStartup = (run: Run) => run.results.length / (run.seconds - (run.startup ?? 0));

/** Times one layout; CPU is this process's, so it counts worker threads and onnxruntime's threads too. */
async function timed(label: string, predict: (run: Partial<Run>) => Promise<PredictionResult[]> | PredictionResult[]): Promise<Run> {
  const c0 = process.cpuUsage(), t0 = performance.now(), run: Partial<Run> = {};
  const results = await predict(run);
  const seconds = (performance.now() - t0) / 1000, c = process.cpuUsage(c0);
  return { ...run, label, results, seconds, cpu: (c.user + c.system) / 1e6 };
}

/** The pool run, worker start-up (model load, wasm compile, the native session) included and timed on its own. */
function inPool(engine: "wasm" | "native", poolThreads = 1) {
  return async (run: Partial<Run>) => {
    const t0 = performance.now();
    const pool = await PredictPool.create(bytes, { workers, engine, threads: poolThreads });
    run.startup = (performance.now() - t0) / 1000;
    try {
      return await pool.predict(molecules());
    } finally {
      await pool.close();
    }
  };
}

function report(run: Run, wasmSingle?: Run, wasmPool?: Run): void {
  const n = run.results.length, r = rate(run), native = run.label.startsWith("native");
  console.log(`${run.label}: ${n} molecules (${run.results.filter((x) => x.error).length} failed) in ${run.seconds.toFixed(2)} s`);
  console.log(`  molecules/s            ${r.toFixed(1)}   (PyTorch ${PYTORCH_MOL_PER_S}/s on 2 cores: ratio ${(r / PYTORCH_MOL_PER_S).toFixed(2)})`);
  if (run.startup !== undefined) {
    console.log(`  after start-up         ${rateAfterStartup(run).toFixed(1)}   (the workers took ${run.startup.toFixed(2)} s to start)`);
  }
  console.log(`  useful GFLOP/s         ${(flops / run.seconds / 1e9).toFixed(1)}   (${(flops / n / 1e9).toFixed(3)} GFLOP per molecule)`);
  if (native) {
    console.log(`  done GFLOP/s           ${(nativeFlops / run.seconds / 1e9).toFixed(1)}   (the field graph's ${(nativeFlops / n / 1e9).toFixed(3)} GFLOP per molecule)`);
  }
  console.log(`  CPU per molecule       ${(1000 * run.cpu / n).toFixed(2)} ms   (all threads; ${load()})`);
  if (wasmSingle && wasmSingle !== run) console.log(`  vs wasm, one process   ${(r / rate(wasmSingle)).toFixed(2)}x`);
  if (wasmPool && wasmPool !== run) {
    console.log(`  vs wasm, ${workers} workers    ${(r / rate(wasmPool)).toFixed(2)}x` +
      (run.startup !== undefined ? `   (${(rateAfterStartup(run) / rateAfterStartup(wasmPool)).toFixed(2)}x after start-up)` : ""));
  }
  if (run.note) console.log(`  ${run.note}`);
}

/** Ids, order and values against the reference run; a difference sets the exit code. */
function check(run: Run, reference: Run, exact: boolean): void {
  const a = run.results, b = reference.results;
  const sameIds = a.length === b.length && a.every((r, i) => r.id === b[i]!.id && !!r.error === !!b[i]!.error);
  if (exact) {
    const same = sameIds && a.every((r, i) => JSON.stringify(r) === JSON.stringify(b[i]));
    console.log(`  output identical to ${reference.label}: ${same ? "yes" : "NO"}`);
    if (!same) process.exitCode = 1;
    return;
  }
  const diff = Math.max(0, ...a.map((r, i) => Math.abs((r.predicted?.[0] ?? NaN) - (b[i]?.predicted?.[0] ?? NaN)))
    .map((d, i) => (Number.isNaN(d) ? (a[i]!.error ? 0 : Infinity) : d)));
  console.log(`  vs ${reference.label}: ids, order and errors ${sameIds ? "identical" : "DIFFER"}, max |diff| ${diff.toExponential(2)} eV (limit 1e-4)`);
  if (!sameIds || !(diff <= 1e-4)) process.exitCode = 1;
}

console.log(`${model.config.dim}-dim model ${modelPath}, ${dataPath}, ${availableParallelism()} cores, ${load()} at the start`);
const runs: Run[] = [];
let wasmSingle: Run | undefined, wasmPool: Run | undefined;
if (engineArg !== "native") {
  const before = matmulCeiling();
  wasmSingle = await timed("wasm, one process", () => [...predictStream(model, molecules())]);
  const ceiling = (before + matmulCeiling()) / 2, useful = flops / wasmSingle.seconds / 1e9;
  wasmSingle.note = `wasm matmul ceiling ${ceiling.toFixed(1)} GFLOP/s: useful/ceiling ${(useful / ceiling).toFixed(3)}; ` +
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;
  report(wasmSingle);
  wasmPool = await timed(`wasm, ${workers} workers`, inPool("wasm"));
  report(wasmPool, wasmSingle);
  check(wasmPool, wasmSingle, true);
  runs.push(wasmSingle, wasmPool);
}

if (engineArg !== "wasm") {
  // One process: the whole pipeline on the main thread, its matmuls on `threads` threads of one session.
  const engine = await selectEngine("native", threads);
  const nativeSingle = await timed(`native, one process, ${threads} thread${threads === 1 ? "" : "s"}`, () => [...predictStream(model, molecules())]);
  const layer = engineCeiling(engine);
  setDenseEngine(wasmDenseEngine);
  report(nativeSingle, wasmSingle, wasmPool);
  if (wasmSingle) check(nativeSingle, wasmSingle, false);
  // N workers, one single-threaded session each: whole molecules in parallel.
  const nativePool = await timed(`native, ${workers} workers x 1 thread`, inPool("native"));
  report(nativePool, wasmSingle, wasmPool);
  if (wasmSingle) check(nativePool, wasmSingle, false);
  runs.push(nativeSingle, nativePool);

  // Layer rates ([rows x 250] x [250 x 250] + bias + relu): stacking several molecules' points pays only if more
  // rows raise one thread's rate.
  const one = await selectEngine("native", 1);
  const perThread = engineCeiling(one), stacked = engineCeiling(one, 8 * 730);
  setDenseEngine(wasmDenseEngine);
  const wasmLayer = engineCeiling(wasmDenseEngine);
  const numpy = numpyCeiling(threads), numpyOne = numpyCeiling(1);
  console.log(`layer GFLOP/s (${load()})`);
  console.log(`  native, 1 thread       ${perThread.toFixed(1)} at 729 rows, ${stacked.toFixed(1)} at ${8 * 730} rows (${(stacked / perThread).toFixed(2)}x: what stacking 8 molecules would give)`);
  console.log(`  native, ${threads} threads      ${layer.toFixed(1)}`);
  console.log(`  wasm, 1 thread         ${wasmLayer.toFixed(1)}   (native 1 thread / wasm ${(perThread / wasmLayer).toFixed(2)}x)`);
  if (typeof numpy === "number" && typeof numpyOne === "number") {
    console.log(`  numpy/OpenBLAS         ${numpyOne.toFixed(1)} with 1 BLAS thread, ${numpy.toFixed(1)} with ${threads}`);
  } else {
    console.log(`  numpy/OpenBLAS         none: ${typeof numpy === "string" ? numpy : numpyOne}`);
  }

  const best = runs.filter((r) => r.label.startsWith("native")).reduce((a, r) => (rate(r) > rate(a) ? r : a));
  const after = best.startup !== undefined ? ` (${rateAfterStartup(best).toFixed(1)} after start-up)` : "";
  console.log(`targets (best native layout: ${best.label}, ${rate(best).toFixed(1)} molecules/s${after})`);
  if (wasmPool) {
    const ratio = rate(best) / rate(wasmPool), steady = rateAfterStartup(best) / rateAfterStartup(wasmPool);
    console.log(`  vs wasm, ${workers} workers    ${ratio.toFixed(2)}x, ${steady.toFixed(2)}x after start-up   ` +
      `(target >= ${TARGET_VS_WASM_POOL}: ${ratio >= TARGET_VS_WASM_POOL ? "met" : "not met"})`);
  }
  console.log(`  molecules/s            ${rate(best).toFixed(1)}, ${rateAfterStartup(best).toFixed(1)} after start-up   ` +
    `(target >= ${TARGET_MOL_PER_S}: ${(rate(best) / TARGET_MOL_PER_S).toFixed(2)}, ${(rateAfterStartup(best) / TARGET_MOL_PER_S).toFixed(2)} of it)`);
  if (typeof numpy === "number" && threads === 2) {
    const scaled = TARGET_MOL_PER_S * numpy / TARGET_NUMPY_GFLOPS;
    console.log(`  at this run's numpy    target ${scaled.toFixed(1)} molecules/s (${TARGET_MOL_PER_S} x numpy's ${numpy.toFixed(1)} / ` +
      `${TARGET_NUMPY_GFLOPS} GFLOP/s where it was set): ${(rate(best) / scaled).toFixed(2)} of it, ${rate(best) >= scaled ? "met" : "not met"}`);
  }
  // The machine's layer rate natively: N single-threaded sessions side by side, as the pool runs them.
  if (typeof numpy === "number" && typeof numpyOne === "number") {
    const ours = Math.max(layer, Math.min(workers, availableParallelism()) * perThread);
    console.log(`  layer vs numpy         ${(layer / numpy).toFixed(2)} (one session, ${threads} threads); ${(perThread / numpyOne).toFixed(2)} per thread ` +
      `(target >= ${TARGET_VS_NUMPY}: ${Math.max(layer / numpy, perThread / (numpyOne as number)) >= TARGET_VS_NUMPY ? "met" : "not met"}; ${ours.toFixed(1)} if ${workers} threads ran like one)`);
  }
}
console.log(`done, ${load()}`);
