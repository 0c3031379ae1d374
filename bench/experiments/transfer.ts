// Experiment: transfer from QM9 energies to polymer properties (PI1070): 5-fold CV of ridge heads on the quantum deep
// descriptor of the published model, against element composition, openchemlib's FragFp fingerprint and the
// descriptor of an untrained QDF of the same sizes, on the same rows and the same folds.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { readModelFile, writeModelFile } from "../../src/model/modelFile.js";
import { initialWeights } from "../../src/train/init.js";
import { Rng } from "../../src/train/rng.js";
import { loadOpenChemLib } from "../../src/chem/openchemlib.js";
import { compositionFeatures, fingerprintFeatures } from "../../src/transfer/baselines.js";
import { crossValidate, type Matrix } from "../../src/transfer/ridge.js";
import { modelElements, readTransferRows } from "../../src/cli/transferData.js";
import { descriptorMatrix } from "../../src/cli/transfer.js";
import { parityPng } from "../../src/plot/figures.js";
import { writeFileAtomic } from "../../src/node/atomicWrite.js";
import { sharedPath } from "../../test/shared.js";

// usage: node dist/bench/experiments/transfer.js [--targets a,b,c] [--workers N] [--out DIR]
const cli = parseArgs({ options: { targets: { type: "string" }, workers: { type: "string" }, out: { type: "string" }, model: { type: "string" } } });
const targets = (cli.values.targets ?? "refractive_index,dielectric_const_dc,density").split(",");
const workers = Number(cli.values.workers ?? 2);
const outDir = cli.values.out ?? "artifacts/transfer";
const modelPath = cli.values.model ?? "models/qdf-qm9-under14.safetensors";
const data = sharedPath("data", "polymers", "PI1070.csv");
const geometry = `${outDir}/pi1070.xyz`;
const log = (l: string) => process.stderr.write(l + "\n");

const t0 = performance.now();
const bytes = readFileSync(modelPath), model = readModelFile(bytes), elements = modelElements(model.config.orbitalDict);
const untrained = writeModelFile({ config: model.config, weights: initialWeights(model.config, new Rng(1)) });
const ocl = await loadOpenChemLib();

type Row = Awaited<ReturnType<typeof readTransferRows>>["rows"][number];
const perTarget = new Map<string, { rows: Row[]; skipped: number }>();
for (const target of targets) {
  const { rows, skipped } = await readTransferRows(data, elements, { smilesColumn: "smiles", target, geometry, embed: {}, workers, log });
  perTarget.set(target, { rows, skipped: skipped.length });
}
const embedSeconds = (performance.now() - t0) / 1000;

// Features once per molecule (by id) for every feature set.
const byId = new Map<string, Row>();
for (const { rows } of perTarget.values()) for (const r of rows) byId.set(r.record.id, r);
const all = [...byId.values()];
const sets: { name: string; features: Map<string, number[]>; seconds: number }[] = [];
for (const [name, fileBytes] of [["QDD (pretrained)", bytes], ["QDD (untrained)", untrained]] as const) {
  const t = performance.now();
  const { x, failed } = await descriptorMatrix(fileBytes, all.map((r) => r.molecule), workers);
  const features = new Map<string, number[]>();
  let k = 0;
  all.forEach((r, i) => { if (!failed.has(i)) { features.set(r.record.id, Array.from(x.data.subarray(k * x.cols, (k + 1) * x.cols))); k++; } });
  sets.push({ name, features, seconds: (performance.now() - t) / 1000 });
}
for (const [name, f] of [
  ["composition", (r: Row) => compositionFeatures(r.molecule, elements)],
  ["FragFp (openchemlib)", (r: Row) => fingerprintFeatures(ocl, r.record.smiles)],
] as const) {
  const t = performance.now();
  sets.push({ name, features: new Map(all.map((r) => [r.record.id, f(r)])), seconds: (performance.now() - t) / 1000 });
}

const lines = ["target\trows\tskipped\tfeatures\tcolumns\tcv_mae\tcv_rmse\tcv_r2\tfold_r2_min\tfold_r2_max\tfeature_s\tfit_s"];
const report: string[] = [];
for (const target of targets) {
  const { rows: raw, skipped } = perTarget.get(target)!;
  // The same rows for every feature set: those every set could describe.
  const rows = raw.filter((r) => sets.every((s) => s.features.has(r.record.id)));
  const y = rows.map((r) => r.target);
  const parity: { name: string; results: { id: string; nAtoms: number; predicted: number[]; true: number[] }[] }[] = [];
  for (const s of sets) {
    const cols = s.features.get(rows[0]!.record.id)!.length;
    const x: Matrix = { data: Float64Array.from(rows.flatMap((r) => s.features.get(r.record.id)!)), rows: rows.length, cols };
    const t = performance.now();
    const cv = crossValidate(x, y, 5, 1);
    const fit = (performance.now() - t) / 1000;
    const p = cv.pooled, fr = cv.folds.map((f) => f.r2);
    lines.push([target, rows.length, skipped + raw.length - rows.length, s.name, cols, p.mae, p.rmse, p.r2, Math.min(...fr), Math.max(...fr),
      s.seconds.toFixed(1), fit.toFixed(1)].join("\t"));
    log(`${target}\t${s.name}\tMAE ${p.mae.toPrecision(4)}\tR^2 ${p.r2.toFixed(3)}\t(fit ${fit.toFixed(1)} s)`);
    parity.push({ name: s.name, results: rows.map((r, i) => ({ id: r.record.id, nAtoms: 0, predicted: [cv.predicted[i]!], true: [r.target] })) });
  }
  writeFileAtomic(`${outDir}/parity-${target}.png`, parityPng(parity.slice(0, 1).concat(parity.slice(2, 3)), "", `${target}: 5-fold out-of-fold`));
  report.push(target);
}
const total = (performance.now() - t0) / 1000;
lines.push(`# total ${total.toFixed(0)} s (embedding/cache ${embedSeconds.toFixed(0)} s), ${workers} workers, load ${loadavg()[0].toFixed(1)}`);
writeFileAtomic(`${outDir}/transfer.tsv`, lines.join("\n") + "\n");
process.stdout.write(lines.join("\n") + "\n");
