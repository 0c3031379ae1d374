// `qdf evaluate`: several models on one labelled file; MAE, RMSE and mean signed error overall and per atom count, TSV and plots.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fitAtomref, atomrefOffset } from "../chem/atomref.js";
import { iterateMolecules } from "../chem/parse.js";
import type { Molecule } from "../chem/molecule.js";
import { modelErrors } from "../evaluate/errors.js";
import { errorsTsv, type NamedErrors } from "../evaluate/table.js";
import { propertyUnit } from "../io/units.js";
import { writeFileAtomic } from "../node/atomicWrite.js";
import { defaultModelPath } from "../node/shippedModels.js";
import { maeBySizePng, parityPng } from "../plot/figures.js";
import { loadAnyModel, predictStream } from "../predict/predictor.js";
import type { PredictionResult } from "../predict/result.js";
import { parseSplit } from "../train/dataset.js";
import { INPUT_FORMATS, choiceOption, parseCommand, UsageError } from "./args.js";
import type { Command } from "./command.js";

const spec = {
  usage: "qdf evaluate [--model A --model B ...] DATA [--by-size] [--out PREFIX]",
  help: `
Predicts DATA (a file with property lines) with every model and prints a TSV to stdout: model, atoms ("all",
then with --by-size each atom count), n (molecules), MAE, RMSE and mean signed error (predicted - true), averaged
over all outputs. With --out PREFIX it also writes PREFIX.tsv, PREFIX.mae-by-size.png (MAE against atom count, one
line per model; with --by-size) and PREFIX.parity.png (predicted against true, first output).
A model's name is its file name without .safetensors, or NAME in --model NAME=FILE.

options:
  --model [NAME=]FILE   a model file (QDF or GCN); repeat for several; default: the shipped published model
  --linear-fit FILE     also evaluate the per-element linear fit (least squares of the targets on element counts)
                        fitted on FILE's molecules, as the model "linear fit"
  --by-size             per atom count rows and the MAE-by-size plot
  --out PREFIX          write PREFIX.tsv and the PNG plots
  --format F            input format: qdf (default), xyz or auto
  -h, --help            this help`,
  options: {
    model: { type: "string" as const, multiple: true }, "linear-fit": { type: "string" as const },
    "by-size": { type: "boolean" as const }, out: { type: "string" as const }, format: { type: "string" as const, default: "qdf" },
  },
};

/** NAME=FILE or FILE (named by its file name without .safetensors); repeated names get a suffix. */
function modelNames(specs: string[]): { name: string; file: string }[] {
  const seen = new Map<string, number>();
  return specs.map((s) => {
    const eq = s.indexOf("=");
    const file = eq > 0 ? s.slice(eq + 1) : s;
    let name = eq > 0 ? s.slice(0, eq) : basename(file).replace(/\.safetensors$/i, "");
    const k = seen.get(name) ?? 0;
    seen.set(name, k + 1);
    if (k > 0) name = `${name}#${k + 1}`;
    return { name, file };
  });
}

async function run(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args) return 0;
  const v = args.values;
  // No --model (and no --linear-fit): the shipped default model, as in every command.
  const specs = (v.model as string[] | undefined) ?? (v["linear-fit"] ? [] : [defaultModelPath()]);
  if (args.positionals.length !== 1) throw new UsageError(`give exactly one DATA file\nusage: ${spec.usage}`);
  const dataPath = args.positionals[0]!;
  const format = choiceOption(v, "format", INPUT_FORMATS, "auto");
  const bySize = !!v["by-size"];
  const items = [...iterateMolecules(readFileSync(dataPath, "utf8"), { fileName: dataPath, format })];
  const molecules: Molecule[] = [];
  for (const item of items) {
    if ("error" in item) throw new Error(item.error.message);
    const m = "molecule" in item ? item.molecule : item;
    if (!m.properties) throw new Error(`${dataPath}: molecule ${m.id} has no property line (evaluate needs true values)`);
    molecules.push(m);
  }
  if (molecules.length === 0) throw new Error(`${dataPath}: no molecules`);

  const evaluated: (NamedErrors & { results: PredictionResult[] })[] = [];
  let property = "";
  for (const { name, file } of modelNames(specs)) {
    const model = await loadAnyModel(new Uint8Array(readFileSync(file)));
    try {
      property ||= model.config.property;
      const results = [...predictStream(model, molecules, { modelName: file })];
      const failed = results.filter((r) => r.error);
      if (failed.length > 0) process.stderr.write(`${name}: ${failed.length} molecules failed, e.g. ${failed[0]!.error}\n`);
      evaluated.push({ name, errors: modelErrors(results), results });
    } finally {
      model.dispose();
    }
  }
  if (v["linear-fit"]) {
    const ref = fitAtomref(parseSplit(readFileSync(v["linear-fit"] as string, "utf8"), v["linear-fit"] as string));
    const results = molecules.map((m): PredictionResult => {
      const r: PredictionResult = { id: m.id, nAtoms: m.symbols.length, true: m.properties! };
      try { r.predicted = atomrefOffset(m, ref, m.properties!.length); } catch (e) { r.error = (e as Error).message; }
      return r;
    });
    evaluated.push({ name: "linear fit", errors: modelErrors(results), results });
  }
  const tsv = errorsTsv(evaluated, bySize);
  process.stdout.write(tsv);
  if (v.out) {
    const prefix = v.out as string, unit = propertyUnit(property);
    writeFileAtomic(`${prefix}.tsv`, tsv);
    if (bySize) writeFileAtomic(`${prefix}.mae-by-size.png`, maeBySizePng(evaluated, unit, `MAE by size: ${basename(dataPath)}`));
    writeFileAtomic(`${prefix}.parity.png`, parityPng(evaluated, unit, `parity: ${basename(dataPath)}`));
  }
  return 0;
}

export const evaluateCommand: Command = { name: "evaluate", summary: "MAE, RMSE and bias of models on a labelled file, by molecule size", run };
