// `qdf transfer fit | predict`: a ridge head on the quantum deep descriptor for another property (README "Transfer").
import { sha256Hex } from "../io/sha256.js";
import { availableParallelism } from "node:os";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { readModelFile } from "../model/modelFile.js";
import { descriptorNames } from "../predict/descriptor.js";
import { parityPng } from "../plot/figures.js";
import { crossValidate, fitRidgeCv, type Matrix } from "../transfer/ridge.js";
import { formatHead, HEAD_FORMAT, parseHead, type TransferHead } from "../transfer/head.js";
import { headModelMismatch, headTableHeader, headTableRow } from "../transfer/headTable.js";
import { writeFileAtomic } from "../node/atomicWrite.js";
import { modelOption, numberOption, parseCommand, requiredOption, UsageError } from "./args.js";
import type { Command } from "./command.js";
import { describeItems } from "./descriptor.js";
import { inputOptionHelp, inputOptionSpec, inputSettings, readMolecules } from "./moleculeInput.js";
import { checkOutPath } from "./outputFile.js";
import { modelElements, readTransferRows } from "./transferData.js";
import type { Molecule } from "../chem/molecule.js";

const fitSpec = {
  usage: "qdf transfer fit [--model FILE] --data FILE.csv --target COLUMN --out HEAD.json [--smiles-column C] [--folds K]",
  help: `
Fits a ridge-regression head that predicts COLUMN from a QDF model's quantum deep descriptor (qdf descriptor --help):
features standardised on the training rows (a constant column is dropped), the penalty chosen by 5-fold inner
cross-validation among n x 10^(-4..3) (in half decades). Reports K-fold cross-validated MAE, RMSE and R^2 (each outer
fold's head fitted without it, standardisation included), writes HEAD.json (the base model's SHA-256, the target, the
units, the fold scores, the standardisation and the weights of a head fitted on every row) and a parity plot of the
out-of-fold predictions (HEAD.png, or --plot). Rows whose target is not a number, or whose SMILES has an element the
model lacks, are skipped: counted on stderr, each listed in the head file.

options:
  --model FILE        the base QDF model; default: the shipped published model
  --data FILE.csv     the data: a SMILES column and the target column
  --target COLUMN     the property to predict
  --units U           the target's units, recorded in the head (default: none)
  --smiles-column C   default "smiles"
  --id-column C       default: a column named id, name or *_id, else <file>#<line>
  --out HEAD.json     the head file
  --plot FILE.png     the parity plot (default: HEAD.png beside HEAD.json)
  --geometry FILE.xyz cache of the embedded rows: read when it exists (rows missing from it are embedded), else written
  --folds K           outer cross-validation folds (default 5)
  --cv-seed S         the folds' shuffle (default 1)
  --workers N         embedding and descriptor workers (0: this thread); default the cores (${availableParallelism()} here)
  --oligomer N, --seed S   as for qdf embed
  -h, --help          this help`,
  options: {
    model: { type: "string" as const }, data: { type: "string" as const }, target: { type: "string" as const },
    units: { type: "string" as const }, "smiles-column": { type: "string" as const }, "id-column": { type: "string" as const },
    out: { type: "string" as const }, plot: { type: "string" as const }, geometry: { type: "string" as const },
    folds: { type: "string" as const }, "cv-seed": { type: "string" as const }, workers: { type: "string" as const },
    oligomer: { type: "string" as const }, seed: { type: "string" as const },
  },
};

const predictSpec = {
  usage: "qdf transfer predict --head HEAD.json [--model FILE] INPUT... [--out FILE.tsv] [--workers N]",
  help: `
Predicts the head's property for each molecule: the base model's descriptor, then the head. The base model (--model,
default the shipped one) must be the one the head was fitted on (its SHA-256 is checked). Writes a TSV: file, line,
id, formula, predicted_<target>, error (one row per input molecule, in order).

options:
  --head HEAD.json  from qdf transfer fit
  --model FILE      the base model (default: the shipped published model)
  --out FILE        the table (default: stdout)
  --workers N       descriptor workers (0: this thread); default the cores${inputOptionHelp}
  -h, --help        this help`,
  options: {
    head: { type: "string" as const }, model: { type: "string" as const }, out: { type: "string" as const },
    workers: { type: "string" as const }, ...inputOptionSpec,
  },
};

/** Descriptor rows of molecules (in order) with a model file's bytes; the failures by index. */
export async function descriptorMatrix(bytes: Uint8Array, molecules: Molecule[], workers: number): Promise<{ x: Matrix; failed: Map<number, string> }> {
  const rows: number[][] = [], failed = new Map<number, string>();
  async function* items() { for (const m of molecules) yield { molecule: m }; }
  let i = 0;
  for await (const r of describeItems(bytes, items(), workers)) {
    if (r.descriptor) rows.push(r.descriptor);
    else failed.set(i, r.error ?? "no descriptor");
    i++;
  }
  const cols = rows[0]?.length ?? 0;
  return { x: { data: Float64Array.from(rows.flat()), rows: rows.length, cols }, failed };
}

const fmt = (x: number) => Number(x.toPrecision(4));

async function fit(argv: string[]): Promise<number> {
  const args = parseCommand(fitSpec, argv);
  if (!args) return 0;
  if (args.positionals.length > 0) throw new UsageError(`unexpected ${args.positionals[0]}\nusage: ${fitSpec.usage}`);
  const data = requiredOption(args.values, "data"), target = requiredOption(args.values, "target");
  const out = requiredOption(args.values, "out"), modelPath = modelOption(args.values);
  const plot = (args.values.plot as string | undefined) ?? out.replace(/(\.json)?$/i, ".png");
  checkOutPath(out, [data], [modelPath]);
  checkOutPath(plot, [data], [modelPath]);
  const k = numberOption(args.values, "folds", 5, { integer: true, min: 2 });
  const cvSeed = numberOption(args.values, "cv-seed", 1, { integer: true });
  const workers = numberOption(args.values, "workers", availableParallelism(), { integer: true, min: 0 });
  const settings = inputSettings(args.values);
  const bytes = readFileSync(modelPath), config = readModelFile(bytes).config;
  const log = (l: string) => process.stderr.write(l + "\n");
  const started = performance.now();
  const { rows, skipped } = await readTransferRows(data, modelElements(config.orbitalDict), {
    smilesColumn: (args.values["smiles-column"] as string | undefined) ?? "smiles", target,
    ...(typeof args.values["id-column"] === "string" ? { idColumn: args.values["id-column"] } : {}),
    ...(typeof args.values.geometry === "string" ? { geometry: args.values.geometry } : {}),
    embed: settings.embed, workers, log,
  });
  const { x, failed } = await descriptorMatrix(bytes, rows.map((r) => r.molecule), workers);
  for (const [i, reason] of failed) skipped.push({ id: rows[i]!.record.id, line: rows[i]!.record.line, reason });
  const used = rows.filter((_, i) => !failed.has(i));
  if (skipped.length > 0) {
    log(`skipped ${skipped.length} rows of ${data} (listed in ${out}):`);
    for (const s of skipped.slice(0, 10)) log(`  ${data}:${s.line ?? "?"}: ${s.id}: ${s.reason}`);
    if (skipped.length > 10) log(`  ... and ${skipped.length - 10} more`);
  }
  if (used.length < 2 * k) throw new Error(`${data}: only ${used.length} usable rows for ${k}-fold cross-validation`);
  const y = used.map((r) => r.target);
  const cv = crossValidate(x, y, k, cvSeed);
  const ridge = fitRidgeCv(x, y, used.map((_, i) => i), 5, cvSeed + 999);
  const units = (args.values.units as string | undefined) ?? "";
  const head: TransferHead = {
    format: HEAD_FORMAT, version: 1,
    model: { file: basename(modelPath), sha256: sha256Hex([bytes]) },
    features: descriptorNames(config), target, units,
    data: { file: basename(data), rows: used.length, skipped },
    cv: { k, seed: cvSeed, pooled: cv.pooled, folds: cv.folds },
    ridge,
  };
  writeFileAtomic(out, formatHead(head));
  const results = used.map((r, i) => ({ id: r.record.id, nAtoms: 0, predicted: [cv.predicted[i]!], true: [r.target] }));
  writeFileAtomic(plot, parityPng([{ name: `QDD ridge, ${k}-fold CV`, results }], units, `${target}: out-of-fold predictions`));
  const p = cv.pooled;
  log(`${target}: ${used.length} rows, ${k}-fold CV MAE ${fmt(p.mae)} RMSE ${fmt(p.rmse)} R^2 ${fmt(p.r2)} ${units}`.trimEnd());
  log(`wrote ${out} and ${plot} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return 0;
}

async function predict(argv: string[]): Promise<number> {
  const args = parseCommand(predictSpec, argv);
  if (!args) return 0;
  const inputs = args.positionals;
  if (inputs.length === 0) throw new UsageError(`no INPUT given\nusage: ${predictSpec.usage}`);
  const headPath = requiredOption(args.values, "head"), modelPath = modelOption(args.values);
  const head = parseHead(readFileSync(headPath, "utf8"), headPath);
  const bytes = readFileSync(modelPath);
  const mismatch = headModelMismatch(head, headPath, modelPath, sha256Hex([bytes]));
  if (mismatch) throw new UsageError(`${mismatch}; give that model with --model`);
  const out = args.values.out as string | undefined;
  if (out !== undefined) checkOutPath(out, [...inputs, headPath], [modelPath]);
  const workers = numberOption(args.values, "workers", availableParallelism(), { integer: true, min: 0 });
  const lines = [headTableHeader(head)];
  let failed = 0;
  for await (const r of describeItems(bytes, readMolecules(inputs, inputSettings(args.values), { workers }), workers)) {
    if (r.error) { failed++; process.stderr.write(`error: ${r.error}\n`); }
    lines.push(headTableRow(head, r));
  }
  const text = lines.join("");
  if (out) writeFileAtomic(out, text);
  else process.stdout.write(text);
  return failed > 0 ? 1 : 0;
}

async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "fit") return fit(rest);
  if (sub === "predict") return predict(rest);
  if (sub === undefined || sub === "-h" || sub === "--help") {
    process.stdout.write(`usage: qdf transfer fit ... | qdf transfer predict ...\n  ${fitSpec.usage}\n  ${predictSpec.usage}\n(qdf transfer fit --help, qdf transfer predict --help)\n`);
    return 0;
  }
  throw new UsageError(`qdf transfer: unknown subcommand "${sub}" (fit or predict)`);
}

export const transferCommand: Command = { name: "transfer", summary: "fit a ridge head on the descriptor for another property, or predict with one", run };
