// Benchmark: end-to-end prediction in headless Chromium's workers vs Node's worker_threads, same data, model and machine.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { iterateMolecules } from "../src/chem/parse.js";
import type { PredictionResult } from "../src/api/predict.js";
import { PredictPool } from "../src/workers/pool.js";
import { sharedPath } from "../test/shared.js";
import { builtFolder, launch, serve } from "../test/browser/harness.js";
import type { BrowserBenchResult } from "./browser/bench.js";

// usage: npm run bench:predict-browser -- [DATA [MODEL]] [--workers N] [--repeat R]   (best of R runs each)
const cli = parseArgs({ allowPositionals: true, options: { workers: { type: "string" }, repeat: { type: "string" } } });
const dataPath = cli.positionals[0] ?? sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
const modelPath = cli.positionals[1] ?? sharedPath("reference", "pretrained_under14.safetensors");
const workers = Number(cli.values.workers ?? 2);
const repeat = Number(cli.values.repeat ?? 1);
const PYTORCH_MOL_PER_S = 87;

/** Node's pool, timed exactly as the page times its own. */
async function nodeRun(): Promise<{ seconds: number; results: PredictionResult[] }> {
  const bytes = readFileSync(modelPath);
  const text = readFileSync(dataPath, "utf8");
  const t0 = performance.now();
  const pool = await PredictPool.create(bytes, { workers });
  const results = await pool.predict(iterateMolecules(text, { fileName: dataPath }));
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  return { seconds, results };
}

const root = builtFolder("bench-page", "QDF_BUNDLES=bench npx rollup -c (npm run bench:predict-browser does it)");
const server = await serve(root, { "/data.txt": dataPath, "/model.safetensors": modelPath });
const browser = await launch();
let node: { seconds: number; results: PredictionResult[] } | null = null;
let web: BrowserBenchResult | null = null;
try {
  const page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
  await page.goto(server.url);
  await page.waitForSelector("body[data-state=ready]");
  // Alternating runs, so a neighbour's load on this shared machine hits both sides alike; best of `repeat` each.
  for (let i = 0; i < repeat; i++) {
    const n = await nodeRun();
    if (!node || n.seconds < node.seconds) node = n;
    const w = await page.evaluate((opts) => (window as unknown as { qdfBench(o: unknown): Promise<BrowserBenchResult> }).qdfBench(opts), { workers });
    if (!web || w.seconds < web.seconds) web = w;
  }
} finally {
  await browser.close();
  await server.close();
}

const nodeRate = node!.results.length / node!.seconds;
const webRate = web!.n / web!.seconds;
let maxDiff = 0, mismatched = 0;
node!.results.forEach((r, i) => {
  const a = r.predicted?.[0] ?? NaN, b = web!.predicted[i]!;
  if (Number.isNaN(a) !== Number.isNaN(b)) mismatched++;
  else if (!Number.isNaN(a)) maxDiff = Math.max(maxDiff, Math.abs(a - b));
});
const within = Math.abs(webRate / nodeRate - 1) <= 0.25;
console.log(`predict in ${workers} workers: ${web!.n} molecules (${web!.failed} failed), best of ${repeat}; ${web!.userAgent.match(/(Headless)?Chrome\/\S+/)?.[0]}, node ${process.version}`);
console.log(`  Node worker_threads     ${nodeRate.toFixed(1)} molecules/s   (${node!.seconds.toFixed(2)} s; PyTorch ${PYTORCH_MOL_PER_S}/s: ratio ${(nodeRate / PYTORCH_MOL_PER_S).toFixed(2)})`);
console.log(`  Chromium Web Workers    ${webRate.toFixed(1)} molecules/s   (${web!.seconds.toFixed(2)} s, first worker ready after ${web!.firstWorkerSeconds.toFixed(2)} s; ratio ${(webRate / PYTORCH_MOL_PER_S).toFixed(2)})`);
console.log(`  browser / Node          ${(webRate / nodeRate).toFixed(2)}   (target within 25%: ${within ? "yes" : "NO"})`);
console.log(`  max |browser - Node|    ${maxDiff.toExponential(2)}   (${mismatched} failed on one side only; target <= 1e-5)`);
if (!within || maxDiff > 1e-5 || mismatched > 0) process.exitCode = 1;
