// `qdf models`: the models shipped with the package, what each predicts, what it was trained on, how accurate it is.
import { readFileSync } from "node:fs";
import { readModelFile } from "../model/modelFile.js";
import { readGcnModelFile } from "../gcn/modelFile.js";
import { modelArchitecture, modelMetadata } from "../predict/architecture.js";
import { shippedModels } from "../node/shippedModels.js";
import { parseCommand, UsageError } from "./args.js";
import type { Command } from "./command.js";

const spec = {
  usage: "qdf models",
  help: `
Lists the models shipped in the package's models/ folder (models/models.json) with the property and unit they
predict, the architecture (QDF or the 3D GCN), the data they were trained on (and its range of atom counts, from the file's metadata), the elements they
know and their measured mean absolute error. The default one is what --model means when it is not given.

options:
  -h, --help   this help`,
  options: {},
};

/** The elements an orbital table covers ("C2p3" -> C), in the table's order. */
function elements(orbitalDict: Record<string, number>): string[] {
  const seen: string[] = [];
  for (const name of Object.keys(orbitalDict)) {
    const el = /^[A-Z][a-z]?/.exec(name)?.[0];
    if (el && !seen.includes(el)) seen.push(el);
  }
  return seen;
}

async function run(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args) return 0;
  if (args.positionals.length > 0) throw new UsageError(`qdf models takes no arguments\nusage: ${spec.usage}`);
  const out: string[] = [];
  for (const m of shippedModels()) {
    const bytes = new Uint8Array(readFileSync(m.path));
    const arch = modelArchitecture(modelMetadata(bytes));
    // Both architectures record property, outputs and atom-count range; their element tables differ in form.
    const config = arch === "gcn" ? readGcnModelFile(bytes).config : readModelFile(bytes).config;
    const known = "orbitalDict" in config ? elements(config.orbitalDict) : Object.keys(config.atomDict);
    const range = config.atomCountRange ? `${config.atomCountRange[0]}-${config.atomCountRange[1]} atoms` : "not recorded";
    out.push(
      `${m.file}${m.default ? "  (default)" : ""}`,
      `  property   ${m.property} (${m.unit}); metadata: "${config.property}", ${config.outputs} output(s)`,
      `  model      ${arch === "gcn" ? "3D GCN (qdf train --architecture gcn)" : "QDF"}`,
      `  trained on ${m.trainingData}`,
      `  atoms      ${range}; elements ${known.join(" ")}`,
      `  MAE        ${m.mae}`,
      `  source     ${m.source} (${m.licence})`,
      `  path       ${m.path}`,
      "",
    );
  }
  process.stdout.write(out.join("\n"));
  return 0;
}

export const modelsCommand: Command = { name: "models", summary: "list the shipped models (property, units, training data, MAE)", run };
