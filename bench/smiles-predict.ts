// bench:smiles-predict: SMILES -> 3D (openchemlib) -> energy, end to end through `qdf predict`, molecules/s in one
// process (--workers 0) and with worker threads (--workers 1, 2), on the first N SMILES of QM9under14's val set.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, sharedPath } from "../test/shared.js";

const SMILES = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val_smiles.txt");
const QDF = join(repoRoot, "bin", "qdf.js");
const N = Number(process.env.QDF_BENCH_SMILES ?? 300);
const WORKERS = (process.env.QDF_BENCH_WORKERS ?? "0,1,2").split(",").map(Number);

/** Seconds of one `qdf predict` run; exit 1 (some molecules failed, each named in the table) still counts. */
function predict(input: string, out: string, workers: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [QDF, "predict", "--workers", String(workers), "--out", out, input], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => (code === 0 || code === 1 ? resolve((performance.now() - t0) / 1000)
      : reject(new Error(`qdf predict --workers ${workers}: exit ${code}\n${err.slice(-2000)}`))));
  });
}

/** Rows of a prediction table, and how many carry an error instead of a value. */
function rows(file: string): { rows: number; failed: number; body: string } {
  const [header, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  const errorColumn = header!.split("\t").indexOf("error");
  const failed = lines.filter((l) => errorColumn >= 0 && (l.split("\t")[errorColumn] ?? "") !== "").length;
  return { rows: lines.length, failed, body: lines.join("\n") };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "qdf-smiles-bench-"));
  try {
    const input = join(dir, "val.smi");
    writeFileSync(input, readFileSync(SMILES, "utf8").trim().split("\n").slice(0, N).join("\n") + "\n");
    const runs: { workers: number; seconds: number; moleculesPerSecond: number; failed: number; rowsDiffering: number }[] = [];
    let first: string | undefined;
    for (const w of WORKERS) {
      const out = join(dir, `w${w}.tsv`);
      const seconds = await predict(input, out, w);
      const r = rows(out);
      // Rows that differ from the first run's table: 0 expected, an embedding depends only on its SMILES and seed
      // (it did not before openchemlib's fragment cache was bypassed: 5-6 of 300 rows differed, see README).
      first ??= r.body;
      const a = first.split("\n"), b = r.body.split("\n");
      const rowsDiffering = a.filter((line, i) => line !== b[i]).length + Math.abs(a.length - b.length);
      runs.push({ workers: w, seconds: +seconds.toFixed(2), moleculesPerSecond: +(r.rows / seconds).toFixed(2), failed: r.failed, rowsDiffering });
      console.error(`--workers ${w}: ${r.rows} molecules (${r.failed} failed) in ${seconds.toFixed(1)} s`);
    }
    console.table(runs);
    const base = runs[0]!;
    console.log(JSON.stringify({
      molecules: N, loadAverageAtStart: loadavg()[0], runs,
      ratioToFirst: Object.fromEntries(runs.map((r) => [`workers ${r.workers}`, +(r.moleculesPerSecond / base.moleculesPerSecond).toFixed(3)])),
    }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
