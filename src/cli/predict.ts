// `qdf predict`: molecules in, a table of predictions out (one row per input molecule, atomically), MAE on stderr.
import { availableParallelism } from "node:os";
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import type { ParseItem } from "../chem/parse.js";
import { FRAGMENT_DISTANCE_A, MIN_DISTANCE_A } from "../chem/applicability.js";
import { predictStream, type PredictionResult } from "../api/predict.js";
import { loadAnyModel, type PredictOptions } from "../predict/predictor.js";
import { ensembleMismatch, zipEnsemble } from "../predict/ensemble.js";
import { whereText } from "../predict/result.js";
import { ENERGY_UNIT_NAMES, formatValue, outputUnit, UnitError, type OutputUnit } from "../io/units.js";
import { PredictPool } from "../workers/pool.js";
import { TABLE_FORMATS, tableHeader, tableRow, type TableFormat, type TableLayout } from "../io/predictionTable.js";
import { choiceOption, numberOption, parseCommand, workersOption, UsageError, type Parsed } from "./args.js";
import { parseByteSize } from "./byteSize.js";
import { DEFAULT_MAX_MEMORY } from "../model/memoryBudget.js";
import { defaultModelPath } from "../node/shippedModels.js";
import { batches, inputOptionHelp, inputOptionSpec, inputSettings, readMolecules } from "./moleculeInput.js";
import type { Command } from "./command.js";
import { Progress } from "./progress.js";
import { checkOutPath, OutputFile } from "./outputFile.js";
import { signalPoint } from "../node/tempFile.js";
import { parseShard, ShardSelection, WHOLE_INPUT, type Shard } from "./shard.js";
import { indexedHeader, indexedRow } from "../io/indexedTable.js";
import { isFinished, ResumableOutput } from "../node/resumableOutput.js";
import { ENGINE_CHOICES, ONNXRUNTIME_INSTALL, resolveEngineChoice, selectEngine } from "../node/nativeEngine.js";

const spec = {
  usage: "qdf predict [--model FILE ...] INPUT... [--out FILE] [--output-format tsv|csv|jsonl] [--unit U] [--strict] [--workers N] [--engine E] [--threads N] [--max-memory SIZE] [--format F]",
  help: `
Predicts each molecule's properties with a model (QDF, or a GCN from qdf train --architecture gcn) and writes a table with one row per input molecule, in
input order, failed ones included:
  file, line, id, atoms, formula   where the molecule is (line: where it starts), what it is (Hill formula)
  predicted_<unit>                 the value (predicted_1_<unit>..predicted_K_<unit> for K outputs)
  true_<unit>, abs_error_<unit>    when the input has property lines; then "MAE <value> <unit>" ends stderr
  error                            empty when fine, else why there is no value
  warnings                         applicability warnings (below), "; "-separated
Values are rounded to what float32 carries: 6 decimals of eV, 5 of kcal/mol, 7 of hartree (7 significant
digits for other units).
INPUT: QDF text (method.md section 1), .xyz (one or many molecules; extended XYZ as ASE writes it, with
Properties=species:S:1:pos:R:3; the id is its id= or name= value, else <file>#<n>), SDF/MOL (3D, explicit
hydrogens), or SMILES (a .smi file or a CSV column), embedded in 3D first (see qdf embed --help); "-" for stdin.
Any of them gzip-compressed (FILE.gz) reads as FILE.
A molecule that cannot be predicted (bad input, an element the model never saw) gets its row with the error,
and a line on stderr with its file, line and id; the others are still predicted, and the exit code is 1.

Applicability warnings (stderr and the warnings column; with --strict they are errors):
  - a single atom (the model was trained on molecules; an atomization energy of an atom is 0)
  - more atoms than the largest training molecule (when the model file records its atom_count_range)
  - two atoms closer than ${MIN_DISTANCE_A} A
  - more than one fragment: groups of atoms more than ${FRAGMENT_DISTANCE_A} A from every atom of the others

Library scale (README "Screening on a cluster"; examples/slurm, examples/kubernetes): --shard K/N predicts the
molecules at input positions K, K+N, K+2N, ... (0-based over all INPUTs in order), so N runs partition the input;
--resume continues --out FILE from FILE.partial, where a killed run's rows stay (each row is written whole and
synced every 2 s), skipping the molecules already there, and renames it to FILE when done. Both add a leading
index column (the input position); qdf merge puts shard files back together in input order without it.

Ensembles: several --model options predict with each model; predicted_<unit> is then their mean, std_<unit> the
sample standard deviation (n - 1) of their predictions, and model1_<unit>..modelM_<unit> each model's value.

options:
  --model FILE     model file (.safetensors written by qdf train / qdf import-torch); repeat for an ensemble;
                   default: the shipped published model, models/qdf-qm9-under14.safetensors (qdf models lists
                   the shipped ones)
  --out FILE       write the table here (via a temp file and rename); default: stdout. Checked before any work:
                   its folder must exist, and it must not be a folder, an INPUT or a model.
  --output-format F  the table: tsv, csv (RFC 4180 quoting) or jsonl (one JSON object a line, the columns as
                   keys, null for empty cells); default: from --out's extension (.csv, .jsonl), else tsv
  --unit U         ${ENERGY_UNIT_NAMES.join(", ")}: convert energies into U (default: the model's unit). Only a model
                   whose property is an energy in one of these converts; for any other --unit is an error.
  --strict         applicability warnings become errors: no value, the error column says why, exit code 1
  --shard K/N      predict shard K of N only (see above)
  --resume         continue --out FILE from FILE.partial (see above); a finished FILE is left as it is
  --workers N      predict in N worker threads (shared among an ensemble's models, at least one each);
                   0 predicts in this thread; default: the number of cores (${availableParallelism()} here).
                   The output is the same for any N. SMILES are embedded in as many workers.
  --engine E       what runs the functional's dense layers (QDF models): wasm (tfjs-backend-wasm, default), native
                   (onnxruntime-node, an optional package: ${ONNXRUNTIME_INSTALL}; or set QDF_ONNXRUNTIME_DIR to a
                   folder where it is installed), auto (native where installed, else wasm). Native runs in each of
                   the --workers workers (its own session each), or in this process with --workers 0; its values
                   are within 1e-4 eV of wasm's. qdf --version says which engines are available.
  --threads N      intra-op threads of each native session: default 1 in each worker (the workers are the
                   parallelism), the number of cores with --workers 0
  --max-memory SIZE  memory limit per molecule, in each worker (2G, 512M, ...; K/M/G are powers of 1024; default
                   2G). Estimated before each molecule (field points x orbitals, the functional's activations); one
                   over it gets an error row naming the estimate and the limit, and the others go on. Large
                   molecules are taken in chunks of field points (same values), so 1000 atoms fit in well under 1G.${inputOptionHelp}
  -h, --help       this help`,
  options: {
    model: { type: "string" as const, multiple: true as const },
    out: { type: "string" as const },
    "output-format": { type: "string" as const },
    unit: { type: "string" as const },
    strict: { type: "boolean" as const, default: false },
    workers: { type: "string" as const },
    engine: { type: "string" as const },
    threads: { type: "string" as const },
    "max-memory": { type: "string" as const },
    shard: { type: "string" as const },
    resume: { type: "boolean" as const, default: false },
    ...inputOptionSpec,
  },
};

/** The model paths (--model, repeatable; none: the shipped default). */
function modelPaths(values: Parsed["values"]): string[] {
  const paths = (values.model as string[] | undefined) ?? [];
  if (paths.some((p) => p === "")) throw new UsageError("--model needs a model file");
  return paths.length > 0 ? paths : [defaultModelPath()];
}

/** The table format: --output-format, else from --out's extension, else TSV. */
function tableFormat(values: Parsed["values"], out: string | undefined): TableFormat {
  const byExtension: TableFormat = /\.csv$/i.test(out ?? "") ? "csv" : /\.jsonl$/i.test(out ?? "") ? "jsonl" : "tsv";
  return choiceOption(values, "output-format", TABLE_FORMATS, byExtension);
}

/** True when a file holds nothing but whitespace (read until the first other character, so big files cost nothing). */
function isBlankFile(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(65536);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      if (/[^\s\uFEFF]/.test(buf.toString("utf8", 0, n))) return false;
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

/** What the command predicts with: a worker pool, or the model in this thread (same interface). */
interface Engine {
  config: { outputs: number; property: string };
  predictStream(items: Iterable<ParseItem>): AsyncIterable<PredictionResult> | Iterable<PredictionResult>;
  close(): Promise<void>;
}

async function inProcess(bytes: Uint8Array, options: PredictOptions): Promise<Engine> {
  const model = await loadAnyModel(bytes);
  return {
    config: model.config,
    predictStream: (items) => predictStream(model, items, options),
    close: async () => model.dispose(),
  };
}

/** Where the dense layers run: the engine (resolved: native or wasm) and a native session's intra-op threads. */
interface DenseLayout { engine: "wasm" | "native"; threads: number }

/** One engine per model, each with its share of the workers; all closed if one fails to start. */
async function startEngines(models: Uint8Array[], paths: string[], workers: number, strict: boolean,
                            maxMemory: number, dense: DenseLayout): Promise<Engine[]> {
  const engines: Engine[] = [];
  const each = Math.max(1, Math.floor(workers / models.length));
  try {
    for (const [i, bytes] of models.entries()) {
      const options: PredictOptions = { strict, modelName: paths[i]!, maxMemory };
      engines.push(workers === 0 ? await inProcess(bytes, options) :
        await PredictPool.create(bytes, { workers: each, engine: dense.engine, threads: dense.threads, ...options }));
    }
  } catch (e) {
    await Promise.all(engines.map((en) => en.close()));
    throw e;
  }
  return engines;
}

async function run(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args) return 0;
  const models = modelPaths(args.values);
  const inputs = args.positionals;
  if (inputs.length === 0) throw new UsageError(`no INPUT given\nusage: ${spec.usage}`);
  const out = args.values.out as string | undefined;
  const format = tableFormat(args.values, out);
  const settings = inputSettings(args.values);
  const workers = workersOption(args.values, availableParallelism());
  const strict = args.values.strict === true;
  const engineChoice = choiceOption(args.values, "engine", ENGINE_CHOICES, "wasm");
  const threads = numberOption(args.values, "threads", workers === 0 ? availableParallelism() : 1, { integer: true, min: 1 });
  const maxMemory = typeof args.values["max-memory"] === "string" ? parseByteSize(args.values["max-memory"], "max-memory") : DEFAULT_MAX_MEMORY;
  const unitArg = args.values.unit as string | undefined;
  if (unitArg !== undefined && !(ENERGY_UNIT_NAMES as string[]).includes(unitArg)) {
    throw new UsageError(`--unit must be ${ENERGY_UNIT_NAMES.join(", ")}, got "${unitArg}"`);
  }
  if (out !== undefined) checkOutPath(out, inputs, models);
  const shard = typeof args.values.shard === "string" ? parseShard(args.values.shard) : WHOLE_INPUT;
  const resume = args.values.resume === true;
  if (resume && out === undefined) throw new UsageError("--resume needs --out FILE: the file it continues");
  if (resume && isFinished(out!)) {
    process.stderr.write(`${out} is complete: nothing to resume (remove it to predict again)\n`);
    return 0;
  }
  const indexed = resume || args.values.shard !== undefined;

  // A missing or empty file fails before workers start (stdin is checked by its count of molecules at the end).
  const empty = inputs.filter((path) => path !== "-" && isBlankFile(path));
  if (empty.length > 0) throw new Error(`no molecules in ${empty.join(", ")} (the input is empty)`);
  const modelBytes = models.map((path) => readFileSync(path));

  // Resolved here, so that a missing onnxruntime-node fails before any worker starts (auto: wasm then); the workers
  // (or, with --workers 0, this thread) then select it.
  const engine = await resolveEngineChoice(engineChoice);
  if (workers === 0) await selectEngine(engine, threads);
  const sink = resume ? resumingSink(out!, format, shard) : { ...plainSink(new OutputFile(out)), done: 0 };
  const selection = new ShardSelection(shard, sink.done);
  let rows = 0;
  let failed = 0, warned = 0, done = 0, absSum = 0, absN = 0;
  let unit: OutputUnit;
  try {
    // Workers start only once nothing else can fail first: live workers would keep the process from exiting.
    const engines = await startEngines(modelBytes, models, workers, strict, maxMemory, { engine, threads });
    try {
      const config = engines[0]!.config;
      const mismatch = ensembleMismatch(engines.map((e) => e.config));
      if (mismatch) throw new UsageError(`these models cannot form an ensemble: ${mismatch}`);
      try {
        unit = outputUnit(config.property, unitArg);
      } catch (e) {
        if (e instanceof UnitError) throw new UsageError(`--unit: ${e.message}`);
        throw e;
      }
      // The first molecule that parsed decides whether there are true-value columns; rows before it wait.
      let layout: TableLayout | null = null;
      const waiting: PredictionResult[] = [];
      const write = (r: PredictionResult) => {
        const row = tableRow(r, layout!, format);
        sink.write(indexed ? indexedRow(selection.position(rows++), row, format) : row);
      };
      /** `guessed`: no molecule parsed to decide the columns (a resumed file's own header is then kept). */
      const header = (l: TableLayout, guessed = false) => {
        const text = tableHeader(l, format);
        sink.header(indexed ? indexedHeader(text, format) : text, guessed);
      };
      const progress = new Progress("predict", undefined);
      // Batches, so that SMILES embedded in workers stream into the prediction engines as they come.
      for await (const items of batches(selection.select(readMolecules(inputs, settings, { workers })), 256)) {
        const results = engines.length === 1 ? engines[0]!.predictStream(items) :
          zipEnsemble(engines.map((e) => e.predictStream(items)));
        for await (const r of results) {
          done++;
          if (!layout && r.nAtoms > 0) {
            layout = { outputs: config.outputs, unit, models: engines.length, withTrue: r.true !== undefined };
            header(layout);
            waiting.splice(0).forEach(write);
          }
          if (layout) write(r);
          else waiting.push(r);
          for (const w of r.warnings ?? []) process.stderr.write(`warning: ${whereText(r)}molecule ${r.id}: ${w}\n`);
          if (r.warnings?.length) warned++;
          if (r.error) {
            failed++;
            process.stderr.write(`error: ${r.error}\n`);
          }
          r.predicted?.forEach((p, k) => {
            if (r.true?.[k] !== undefined) { absSum += Math.abs(p - r.true[k]!); absN++; }
          });
          progress.update(done);
          const turn = signalPoint();
          if (turn) await turn;
        }
      }
      if (done === 0 && !indexed) throw new Error(`no molecules in ${inputs.map((p) => (p === "-" ? "<stdin>" : p)).join(", ")} (the input is empty)`);
      if (!layout) {
        layout = { outputs: config.outputs, unit, models: engines.length, withTrue: false };
        header(layout, true);
        waiting.splice(0).forEach(write);
      }
      if (done > 200) progress.finish(done);
    } finally {
      await Promise.all(engines.map((e) => e.close()));
    }
    sink.commit();
  } catch (e) {
    sink.abort();
    throw e;
  }
  if (warned > 0) process.stderr.write(`${warned} of ${done} molecules have applicability warnings (see the warnings column)\n`);
  if (failed > 0) process.stderr.write(`${failed} of ${done} molecules failed (see the error column)\n`);
  if (absN > 0) process.stderr.write(`MAE ${formatValue(absSum / absN, unit!)} ${unit!.unit}`.trimEnd() + "\n");
  return failed > 0 ? 1 : 0;
}

/** Where the table goes: a header, rows, then commit (complete) or abort (failed). */
interface TableSink { header(text: string, guessed: boolean): void; write(row: string): void; commit(): void; abort(): void; done: number }

function plainSink(file: OutputFile): Omit<TableSink, "done"> {
  return { header: (t) => file.write(t), write: (r) => file.write(r), commit: () => file.commit(), abort: () => file.abort() };
}

/** --resume: FILE.partial continued (its rows checked against this run's shard), renamed to FILE when complete. */
function resumingSink(out: string, format: TableFormat, shard: Shard): TableSink {
  const file = new ResumableOutput(out, format, (j) => new ShardSelection(shard, 0).position(j));
  if (file.done > 0) process.stderr.write(`resuming ${file.partial}: ${file.done} molecules done, predicting the rest\n`);
  return { header: (t, guessed) => file.header(t, guessed), write: (r) => file.write(r), commit: () => file.commit(), abort: () => file.close(), done: file.done };
}

export const predictCommand: Command = { name: "predict", summary: "predict properties of molecules with a model", run };
