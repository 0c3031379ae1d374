// Experiment: what a SMILES prediction is worth. The published model on QM9 val from openchemlib geometries
// (ConformerGenerator + MMFF94s) against the true energies and against its predictions from QM9's DFT geometries.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { Embedder } from "../../src/chem/embed.js";
import type { Molecule } from "../../src/chem/molecule.js";
import { iterateMolecules } from "../../src/chem/parse.js";
import { iterateSmiles } from "../../src/chem/smiles.js";
import { loadModel, predictMolecule } from "../../src/api/predict.js";
import { writeFileAtomic } from "../../src/node/atomicWrite.js";
import { sharedPath } from "../../test/shared.js";

// usage: node dist/bench/experiments/smilesGeometry.js [--model M] [--limit N] [--out FILE.json]
const cli = parseArgs({ options: { model: { type: "string" }, limit: { type: "string" }, out: { type: "string" } } });
const dir = sharedPath("data", "QM9under14atoms_atomizationenergy_eV");
const modelPath = cli.values.model ?? sharedPath("reference", "pretrained_under14.safetensors");
const limit = cli.values.limit ? Number(cli.values.limit) : Infinity;
const outPath = cli.values.out ?? "artifacts/smiles-geometry.json";

const formula = (m: Molecule) => [...m.symbols].sort().join("");
const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]!; };
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const join = (name: string) => `${dir}/${name}`;
const dft = new Map<string, Molecule>();
for (const item of iterateMolecules(readFileSync(join("val.txt"), "utf8"), { fileName: "val.txt" })) {
  if ("molecule" in item) dft.set(item.molecule.id, item.molecule);
}

const model = await loadModel(readFileSync(modelPath));
const load0 = performance.now();
const embedder = await Embedder.load();
const loadSeconds = (performance.now() - load0) / 1000;

const rows: { id: string; smiles: string; nAtoms: number; embedSeconds: number; trueE: number; dftPred: number; smilesPred: number }[] = [];
const failures: string[] = [];
let formulaMismatch = 0, n = 0;
const load = loadavg()[0];
const t0 = performance.now();
for (const item of iterateSmiles(readFileSync(join("val_smiles.txt"), "utf8"), "val_smiles.txt")) {
  if (n++ >= limit) break;
  if ("error" in item) { failures.push(item.error.message); continue; }
  const { id, smiles } = item.record;
  const ref = dft.get(id);
  if (!ref) { failures.push(`${id}: not in val.txt`); continue; }
  const s = performance.now();
  const embedded = embedder.embed(item.record);
  const embedSeconds = (performance.now() - s) / 1000;
  if ("error" in embedded) { failures.push(embedded.error.message); continue; }
  const m = embedded.molecule;
  if (formula(m) !== formula(ref)) formulaMismatch++;
  const a = predictMolecule(model, ref), b = predictMolecule(model, m);
  if (!a.predicted || !b.predicted) { failures.push(`${id}: ${a.error ?? b.error}`); continue; }
  rows.push({ id, smiles, nAtoms: m.atomicNumbers.length, embedSeconds, trueE: ref.properties![0]!, dftPred: a.predicted[0]!, smilesPred: b.predicted[0]! });
  if (rows.length % 100 === 0) process.stderr.write(`${rows.length} molecules, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}
const wall = (performance.now() - t0) / 1000;

const errSmilesTrue = rows.map((r) => Math.abs(r.smilesPred - r.trueE));
const errDftTrue = rows.map((r) => Math.abs(r.dftPred - r.trueE));
const errSmilesDft = rows.map((r) => Math.abs(r.smilesPred - r.dftPred));
const embedTimes = rows.map((r) => r.embedSeconds);
const KCAL = 23.0605; // kcal/mol per eV
const summary = {
  model: modelPath,
  molecules: rows.length,
  failed: failures.length,
  formulaMismatches: formulaMismatch,
  maeEv: { smilesVsTrue: mean(errSmilesTrue), dftVsTrue: mean(errDftTrue), smilesVsDft: mean(errSmilesDft) },
  maeKcalPerMol: { smilesVsTrue: mean(errSmilesTrue) * KCAL, dftVsTrue: mean(errDftTrue) * KCAL, smilesVsDft: mean(errSmilesDft) * KCAL },
  smilesVsDftQuantilesEv: { median: quantile(errSmilesDft, 0.5), p90: quantile(errSmilesDft, 0.9), max: Math.max(...errSmilesDft) },
  meanSignedSmilesMinusDftEv: mean(rows.map((r) => r.smilesPred - r.dftPred)),
  embedSecondsPerMolecule: { mean: mean(embedTimes), median: quantile(embedTimes, 0.5), p90: quantile(embedTimes, 0.9), firstLoad: loadSeconds },
  wallSeconds: wall,
  loadAverageAtStart: load,
  failures,
};
writeFileAtomic(outPath, JSON.stringify({ summary, rows }, null, 1) + "\n");
console.log(JSON.stringify(summary, null, 2));
