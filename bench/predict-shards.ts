// bench:predict-shards: molecules/s of qdf predict over N = 1 and 2 concurrent shard processes (--shard K/N, one
// worker each) on the QM9under14 val set, the merged shards checked against the single run. Same run, same machine.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, sharedPath } from "../test/shared.js";

const INPUT = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
const MODEL = sharedPath("reference", "pretrained_under14.safetensors");
const QDF = join(repoRoot, "bin", "qdf.js");

function qdf(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [QDF, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`qdf ${args.join(" ")}: exit ${code}\n${err}`))));
  });
}

/** N shard processes at once; seconds until the last ends. */
async function shards(dir: string, n: number): Promise<{ seconds: number; files: string[] }> {
  const files = Array.from({ length: n }, (_, k) => join(dir, `n${n}-shard-${k}.tsv`));
  const t0 = performance.now();
  await Promise.all(files.map((out, k) => qdf(["predict", "--model", MODEL, "--workers", "1", "--shard", `${k}/${n}`, "--out", out, INPUT])));
  return { seconds: (performance.now() - t0) / 1000, files };
}

async function main(): Promise<void> {
  const molecules = readFileSync(INPUT, "utf8").trim().split(/\n\s*\n/).length;
  const dir = mkdtempSync(join(tmpdir(), "qdf-shards-"));
  try {
    const rounds = Number(process.env.QDF_BENCH_ROUNDS ?? 2);
    const seconds: Record<number, number[]> = { 1: [], 2: [] };
    let merged: string[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const n of [1, 2]) {
        const run = await shards(dir, n);
        seconds[n]!.push(run.seconds);
        const out = join(dir, `merged-${n}.tsv`);
        await qdf(["merge", out, ...run.files]);
        merged[n] = readFileSync(out, "utf8");
      }
    }
    if (merged[1] !== merged[2]) throw new Error("the merged 2-shard table differs from the 1-shard one");
    const rate = (n: number) => seconds[n]!.map((s) => +(molecules / s).toFixed(1));
    console.log(JSON.stringify({ molecules, moleculesPerSecond: { "N=1": rate(1), "N=2": rate(2) },
      ratio: +(Math.min(...seconds[1]!) / Math.min(...seconds[2]!)).toFixed(2), mergedIdentical: true }, null, 2));
    merged = [];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
