// bench:large-molecule: peak RSS and seconds of predicting one large molecule (alkane chains of ~100 to ~3000 atoms)
// with the published model, each in its own child process (its peak RSS is that process's maxRSS), against a
// methane child's baseline. Memory should be flat once molecules are taken in chunks of field points, and time linear
// in field points x orbitals (the B C matmul dominates, done twice when chunked): the ratio s / (points x orbitals)
// is printed for each size, and s per multiply-add of the matmuls (B C, and the functional's layers, which are
// linear in the points alone and weigh most in the small molecules), from this one run.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { loadModel, predictMolecule } from "../src/api/predict.js";
import { estimateMemory, formatBytes, moleculeSizes } from "../src/model/memoryBudget.js";
import { repoRoot } from "../test/shared.js";
import { alkaneChain } from "./largeMolecules.js";

const MODEL = join(repoRoot, "models", "qdf-qm9-under14.safetensors");
const SIZES = (process.env.QDF_BENCH_ATOMS ?? "100,300,1000,3000").split(",").map(Number);

interface ChildResult { atoms: number; seconds: number; peakMiB: number; energy: number | null; error: string | null }

/** In the child: load the model, predict one alkane (`atoms` ~ its size; 5: methane), print the figures as JSON. */
async function child(atoms: number): Promise<void> {
  const model = await loadModel(readFileSync(MODEL));
  const m = alkaneChain(atoms);
  const t0 = performance.now();
  const r = predictMolecule(model, m);
  const seconds = (performance.now() - t0) / 1000;
  const out: ChildResult = {
    atoms: m.atomicNumbers.length, seconds, peakMiB: process.resourceUsage().maxRSS / 1024,
    energy: r.predicted?.[0] ?? null, error: r.error ?? null,
  };
  process.stdout.write(JSON.stringify(out) + "\n");
}

function runChild(atoms: number): ChildResult {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", String(atoms)],
    { encoding: "utf8", timeout: 3600_000, maxBuffer: 2 ** 20 });
  if (r.status !== 0) throw new Error(`child for ${atoms} atoms failed (${r.status ?? r.signal}):\n${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as ChildResult;
}

async function main(): Promise<void> {
  const model = await loadModel(readFileSync(MODEL));
  const budget = model.budgetModel();
  const base = runChild(5);
  console.log(`bench:large-molecule: ${MODEL.replace(repoRoot + "/", "")}, one molecule per child process (--workers 0 path)`);
  console.log(`baseline (methane): ${base.peakMiB.toFixed(0)} MiB peak RSS, ${base.seconds.toFixed(3)} s`);
  console.log("atoms\tfield points\torbitals\tchunks\trows/chunk\testimate\tpeak RSS\tabove baseline\tseconds\tns/(points x orbitals)\tns/multiply-add\tE (eV)");
  const rows: { atoms: number; perUnit: number; perMac: number; peak: number }[] = [];
  const { dim: D, layerFunctional: L } = model.config;
  for (const n of SIZES) {
    const sizes = moleculeSizes(alkaneChain(n), budget), e = estimateMemory(sizes, budget);
    const r = runChild(n);
    if (r.error) throw new Error(`${n} atoms: ${r.error}`);
    const perUnit = (r.seconds / (sizes.nField * sizes.nOrb)) * 1e9;
    const macs = sizes.nField * ((e.chunks > 1 ? 2 : 1) * sizes.nOrb * D + L * D * D);
    const perMac = (r.seconds / macs) * 1e9;
    rows.push({ atoms: r.atoms, perUnit, perMac, peak: r.peakMiB });
    console.log([r.atoms, sizes.nField, sizes.nOrb, e.chunks, e.chunkRows, formatBytes(e.bytes), `${r.peakMiB.toFixed(0)} MiB`,
      `${(r.peakMiB - base.peakMiB).toFixed(0)} MiB`, r.seconds.toFixed(2), perUnit.toFixed(1), perMac.toFixed(3), r.energy!.toFixed(3)].join("\t"));
  }
  console.log("ratios to the first size, same run (1 = linear time, flat memory):");
  for (const r of rows.slice(1)) {
    const f = rows[0]!;
    console.log(`  ${r.atoms} / ${f.atoms} atoms: time per (points x orbitals) ${(r.perUnit / f.perUnit).toFixed(2)}, ` +
      `per multiply-add ${(r.perMac / f.perMac).toFixed(2)}; peak RSS ${(r.peak / f.peak).toFixed(2)} ` +
      `(above baseline ${((r.peak - base.peakMiB) / (f.peak - base.peakMiB)).toFixed(2)}) for ${(r.atoms / f.atoms).toFixed(1)}x the atoms`);
  }
  model.dispose();
}

const at = process.argv.indexOf("--child");
if (at >= 0) await child(Number(process.argv[at + 1]));
else await main();
