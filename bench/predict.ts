// Benchmark: end-to-end prediction (parse -> field -> basis -> LCAO -> functional -> E) on the QM9under14 val set.
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { iterateMolecules } from "../src/chem/parse.js";
import { loadModel, predictStream, type PredictionResult } from "../src/api/predict.js";
import { PredictPool } from "../src/workers/pool.js";
import { featurize } from "../src/model/features.js";
import { sharedPath } from "../test/shared.js";
import { matmulCeiling, predictFlops } from "./matmulCeiling.js";
import { engineCeiling, numpyCeiling } from "./nativeCeiling.js";
import { selectEngine } from "../src/node/nativeEngine.js";
import { setDenseEngine, wasmDenseEngine } from "../src/model/denseEngine.js";

// usage: node dist/bench/predict.js [DATA [MODEL]] [--workers N] [--engine wasm|native|both] [--threads N]
//   --workers: also the wasm pool run, checked equal; --engine native|both: the native engine (onnxruntime-node) in
//   this process with --threads intra-op threads (default --workers, else the cores), its matmul ceiling and numpy's.
const cli = parseArgs({ allowPositionals: true, options: { workers: { type: "string" }, engine: { type: "string" }, threads: { type: "string" } } });
const engineArg = cli.values.engine ?? "wasm";
if (!["wasm", "native", "both"].includes(engineArg)) throw new Error(`--engine must be wasm, native or both, not ${engineArg}`);
const dataPath = cli.positionals[0] ?? sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
const modelPath = cli.positionals[1] ?? sharedPath("reference", "pretrained_under14.safetensors");
const workers = cli.values.workers === undefined ? 0 : Number(cli.values.workers);
const PYTORCH_MOL_PER_S = 87; // the authors' code, end to end, both cores, this kind of machine

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

const model = await loadModel(readFileSync(modelPath));
const text = readFileSync(dataPath, "utf8");

// Useful work, counted once outside the timed run.
let flops = 0;
for (const item of iterateMolecules(text, { fileName: dataPath })) {
  if (!("molecule" in item)) continue;
  const f = featurize(item.molecule, model.ctx);
  flops += predictFlops(f.nField, f.q.length, model.config.dim, model.config.layerFunctional, model.config.outputs);
}

const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
console.log(`${model.config.dim}-dim model, ${availableParallelism()} cores, ${load()} at the start`);
const single: PredictionResult[] = [];
let singleRate = 0, poolRate = 0;
if (engineArg !== "native") {
  const ceilingBefore = matmulCeiling();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0, failed = 0;
  for (const r of predictStream(model, iterateMolecules(text, { fileName: dataPath }))) {
    if (r.error) failed++;
    n++;
    single.push(r);
  }
  const seconds = (performance.now() - t0) / 1000;
  singleRate = n / seconds;
  const singleCpu = cpuSeconds(cpu0);
  const ceilingAfter = matmulCeiling();
  const ceiling = (ceilingBefore + ceilingAfter) / 2;
  const useful = flops / seconds / 1e9;
  const rss = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB

  console.log(`predict: ${n} molecules (${failed} failed) in ${seconds.toFixed(2)} s, one process`);
  console.log(`  molecules/s            ${(n / seconds).toFixed(1)}   (target >= 70; PyTorch ${PYTORCH_MOL_PER_S}/s on 2 cores: ratio ${(n / seconds / PYTORCH_MOL_PER_S).toFixed(2)})`);
  console.log(`  useful GFLOP/s         ${useful.toFixed(1)}   (${(flops / n / 1e9).toFixed(3)} GFLOP per molecule)`);
  console.log(`  matmul ceiling GFLOP/s ${ceiling.toFixed(1)}   (before ${ceilingBefore.toFixed(1)}, after ${ceilingAfter.toFixed(1)})`);
  console.log(`  ratio useful/ceiling   ${(useful / ceiling).toFixed(3)}   (target >= 0.75)`);
  console.log(`  CPU per molecule       ${(1000 * singleCpu / n).toFixed(2)} ms   (load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}: other work on this shared machine slows the wall-clock figures)`);
  console.log(`  peak RSS               ${rss.toFixed(0)} MiB   (target <= 300 MB)`);

  if (workers > 0) {
    // End to end in the pool: worker start-up (model load, wasm compile) counts against it.
    const bytes = readFileSync(modelPath);
    const c0 = process.cpuUsage(); // this process: main thread and the worker threads
    const p0 = performance.now();
    const pool = await PredictPool.create(bytes, { workers });
    const started = performance.now();
    const pooled: PredictionResult[] = [];
    for await (const r of pool.predictStream(iterateMolecules(text, { fileName: dataPath }))) pooled.push(r);
    const p1 = performance.now();
    const poolCpu = cpuSeconds(c0);
    await pool.close();
    const pSeconds = (p1 - p0) / 1000;
    const same = pooled.length === single.length &&
      pooled.every((r, i) => JSON.stringify(r) === JSON.stringify(single[i]));
    const rate = pooled.length / pSeconds;
    poolRate = rate;
    console.log(`predict: ${pooled.length} molecules in ${pSeconds.toFixed(2)} s, ${workers} workers (first worker ready after ${((started - p0) / 1000).toFixed(2)} s)`);
    console.log(`  molecules/s            ${rate.toFixed(1)}   (target >= 150; PyTorch ${PYTORCH_MOL_PER_S}/s on 2 cores: ratio ${(rate / PYTORCH_MOL_PER_S).toFixed(2)})`);
    console.log(`  speed-up vs one process ${(rate / (n / seconds)).toFixed(2)}x`);
    console.log(`  CPU per molecule       ${(1000 * poolCpu / pooled.length).toFixed(2)} ms   (all threads; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")})`);
    // What the CPU cost allows when the cores are ours alone: busy workers, one per core.
    const usable = Math.min(workers, availableParallelism());
    console.log(`  idle-machine estimate  ${(usable * pooled.length / poolCpu).toFixed(1)} molecules/s   (${usable} cores x molecules per CPU second)`);
    console.log(`  output identical       ${same ? "yes" : "NO"}`);
    if (!same) process.exitCode = 1;
  }
}

if (engineArg !== "wasm") {
  // The native engine in this process: the whole pipeline on the main thread, its matmuls on `threads` threads.
  const threads = Number(cli.values.threads ?? (workers || availableParallelism()));
  const engine = await selectEngine("native", threads);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const native: PredictionResult[] = [...predictStream(model, iterateMolecules(text, { fileName: dataPath }))];
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(c0);
  const rate = native.length / seconds;
  const nativeCeiling = engineCeiling(engine);
  const wasmCeiling = engineCeiling(wasmDenseEngine);
  const numpy = numpyCeiling(threads);
  setDenseEngine(wasmDenseEngine);
  const useful = flops / seconds / 1e9;
  console.log(`predict: ${native.length} molecules (${native.filter((r) => r.error).length} failed) in ${seconds.toFixed(2)} s, ${engine.description}, one process`);
  console.log(`  molecules/s            ${rate.toFixed(1)}   (target >= 450; PyTorch ${PYTORCH_MOL_PER_S}/s: ratio ${(rate / PYTORCH_MOL_PER_S).toFixed(2)})`);
  if (singleRate > 0) console.log(`  vs wasm, one process   ${(rate / singleRate).toFixed(2)}x`);
  if (poolRate > 0) console.log(`  vs wasm, ${workers} workers    ${(rate / poolRate).toFixed(2)}x   (target >= 3)`);
  console.log(`  useful GFLOP/s         ${useful.toFixed(1)}`);
  console.log(`  layer GFLOP/s          native ${nativeCeiling.toFixed(1)}, wasm ${wasmCeiling.toFixed(1)} (${(nativeCeiling / wasmCeiling).toFixed(2)}x), ` +
    (typeof numpy === "number" ? `numpy ${numpy.toFixed(1)} with ${threads} BLAS threads: native/numpy ${(nativeCeiling / numpy).toFixed(2)} (target >= 0.6)` : `numpy: none (${numpy})`));
  console.log(`  CPU per molecule       ${(1000 * cpu / native.length).toFixed(2)} ms   (all threads; ${load()})`);
  if (single.length > 0) {
    const sameIds = native.length === single.length && native.every((r, i) => r.id === single[i]!.id);
    const diff = Math.max(0, ...native.map((r, i) => Math.abs((r.predicted?.[0] ?? NaN) - (single[i]?.predicted?.[0] ?? NaN))).map((d) => Number.isNaN(d) ? Infinity : d));
    console.log(`  vs wasm's values       ids and order ${sameIds ? "identical" : "DIFFER"}, max |diff| ${diff.toExponential(2)} eV (limit 1e-4)`);
    if (!sameIds || !(diff <= 1e-4)) process.exitCode = 1;
  }
}
