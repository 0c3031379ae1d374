// `qdf predict`: molecules in, a TSV of predictions out (atomically), MAE on stderr when true values are given.
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join } from "node:path";
import { predictStream, type PredictionResult } from "../api/predict.js";
import { loadAnyModel } from "../predict/predictor.js";
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";
import { PredictPool } from "../workers/pool.js";
import { propertyUnit, tsvHeader, tsvRow } from "../io/predictionsTsv.js";
import { modelOption, numberOption, parseCommand, UsageError } from "./args.js";
import { batches, inputOptionHelp, inputOptionSpec, inputSettings, readMolecules } from "./moleculeInput.js";
import type { Command } from "./command.js";
import { Progress } from "./progress.js";

const spec = {
  usage: "qdf predict [--model FILE] INPUT... [--out FILE] [--workers N] [--format F] [--smiles-column C]",
  help: `
Predicts each molecule's properties with a model (QDF, or a GCN from qdf train --architecture gcn) and writes a TSV: id, predicted (predicted_1..K for K
outputs) and, when the input has property lines, true and abs_error columns; then "MAE <value> <unit>" on stderr.
INPUT is a QDF text file (method.md section 1), an .xyz file (one or many molecules), an SDF/MOL file (3D, explicit
hydrogens), or SMILES (a .smi file or a CSV column), embedded in 3D first (see qdf embed --help); "-" reads stdin.
A molecule that cannot be predicted (bad input, an element the model never saw) is reported on stderr with its
id and line; the others are still predicted, and the exit code is 1.

options:
  --model FILE     model file (.safetensors written by qdf train / qdf import-torch); default: the shipped
                   published model, models/qdf-qm9-under14.safetensors (qdf models lists the shipped ones)
  --out FILE       write the TSV here (via a temp file and rename); default: stdout
  --workers N      predict in N worker threads (one model copy each); 0 predicts in this thread;
                   default: the number of cores (${availableParallelism()} here). The output is the same for any N.
                   SMILES are embedded in as many workers.${inputOptionHelp}
  -h, --help       this help`,
  options: {
    model: { type: "string" as const },
    out: { type: "string" as const },
    workers: { type: "string" as const },
    ...inputOptionSpec,
  },
};

/** A TSV sink: stdout, or a temp file beside the target that is renamed into place only when complete. */
class TsvSink {
  private readonly fd: number;
  private readonly tmp: string | null;
  constructor(private readonly path: string | undefined) {
    if (path) {
      this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
      this.fd = openSync(this.tmp, "w");
    } else {
      this.tmp = null;
      this.fd = 1;
    }
  }
  write(text: string): void {
    writeSync(this.fd, text);
  }
  commit(): void {
    if (!this.tmp) return;
    closeSync(this.fd);
    renameSync(this.tmp, this.path!);
  }
  abort(): void {
    if (!this.tmp) return;
    try { closeSync(this.fd); } catch { /* already closed */ }
    rmSync(this.tmp, { force: true });
  }
}

async function run(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args) return 0;
  const modelPath = modelOption(args.values);
  const inputs = args.positionals;
  if (inputs.length === 0) throw new UsageError(`no INPUT given\nusage: ${spec.usage}`);
  const settings = inputSettings(args.values);

  const workers = numberOption(args.values, "workers", availableParallelism(), { integer: true, min: 0 });

  const modelBytes = readFileSync(modelPath);
  for (const path of inputs) if (path !== "-") closeSync(openSync(path, "r")); // a missing file fails before workers start
  // Workers start only once nothing else can fail first: live workers would keep the process from exiting.
  const engine = workers === 0 ? await inProcess(modelBytes) : await PredictPool.create(modelBytes, { workers });
  const K = engine.config.outputs;
  let sink: TsvSink;
  try {
    sink = new TsvSink(args.values.out as string | undefined);
  } catch (e) {
    await engine.close();
    throw e;
  }
  let header: boolean | null = null;
  let done = 0, failed = 0, absSum = 0, absN = 0;
  const progress = new Progress("predict", undefined);
  try {
    // Batches, so that SMILES embedded in workers stream into the prediction engine as they come.
    for await (const items of batches(readMolecules(inputs, settings, { workers }), 256)) {
      for await (const r of engine.predictStream(items)) {
        done++;
        if (r.error) {
          failed++;
          process.stderr.write(`error: ${r.error}\n`);
          continue;
        }
        header ??= writeHeader(sink, K, r);
        sink.write(tsvRow(r, header));
        r.predicted!.forEach((p, k) => {
          if (r.true?.[k] !== undefined) { absSum += Math.abs(p - r.true[k]!); absN++; }
        });
        progress.update(done);
      }
    }
    if (header === null) sink.write(tsvHeader(K, false));
    sink.commit();
  } catch (e) {
    sink.abort();
    throw e;
  } finally {
    await engine.close();
  }
  if (done > 200) progress.finish(done);
  if (failed > 0) process.stderr.write(`${failed} of ${done} molecules failed (see above)\n`);
  if (absN > 0) process.stderr.write(`MAE ${absSum / absN} ${propertyUnit(engine.config.property)}\n`);
  return failed > 0 ? 1 : 0;
}

/** What the command predicts with: a worker pool, or the model in this thread (same interface). */
interface Engine {
  config: { outputs: number; property: string };
  predictStream(items: Iterable<Molecule | ParseItem>): AsyncIterable<PredictionResult> | Iterable<PredictionResult>;
  close(): Promise<void>;
}

async function inProcess(bytes: Uint8Array): Promise<Engine> {
  const model = await loadAnyModel(bytes);
  return {
    config: model.config,
    predictStream: (items) => predictStream(model, items),
    close: async () => model.dispose(),
  };
}

/** The first good result decides whether the table has true/abs_error columns. */
function writeHeader(sink: TsvSink, outputs: number, first: PredictionResult): boolean {
  const withTrue = first.true !== undefined;
  sink.write(tsvHeader(outputs, withTrue));
  return withTrue;
}

export const predictCommand: Command = { name: "predict", summary: "predict properties of molecules with a model", run };
