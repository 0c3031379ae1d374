// The in-browser half of bench/predict-browser.ts: the pool benchmark on a served data set and model, timed like Node's.
import { iterateMolecules } from "../../src/chem/parse.js";
import type { PredictionResult } from "../../src/api/predict.js";
import { PredictPool } from "../../src/workers/pool.js";

export interface BrowserBenchResult {
  n: number;
  failed: number;
  /** Pool start to last result, as in bench/predict.ts (fetching the files is not counted). */
  seconds: number;
  firstWorkerSeconds: number;
  /** First output per molecule, NaN where it failed. */
  predicted: number[];
  userAgent: string;
  hardwareConcurrency: number;
}

async function qdfBench(options: { workers: number; chunkSize?: number }): Promise<BrowserBenchResult> {
  const [text, model] = await Promise.all([
    fetch("data.txt").then((r) => r.text()),
    fetch("model.safetensors").then((r) => r.arrayBuffer()),
  ]);
  const t0 = performance.now();
  const pool = await PredictPool.create(new Uint8Array(model), options);
  const started = performance.now();
  const results: PredictionResult[] = [];
  for await (const r of pool.predictStream(iterateMolecules(text, { fileName: "data.txt" }))) results.push(r);
  const t1 = performance.now();
  await pool.close();
  return {
    n: results.length,
    failed: results.filter((r) => r.error).length,
    seconds: (t1 - t0) / 1000,
    firstWorkerSeconds: (started - t0) / 1000,
    predicted: results.map((r) => r.predicted?.[0] ?? NaN),
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}

(window as unknown as { qdfBench: typeof qdfBench }).qdfBench = qdfBench;
document.getElementById("out")!.textContent = "ready: call qdfBench({ workers: 2 })";
document.body.dataset.state = "ready";
