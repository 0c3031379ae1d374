// `qdf import-torch`: converts a PyTorch QDF checkpoint and its orbital table into a QDF model file, safely (nothing in them runs).
import { readFileSync } from "node:fs";
import { IMPORT_DEFAULTS, importTorchCheckpoint, readOrbitalTable } from "../io/torch/importCheckpoint.js";
import { writeModelFile } from "../model/modelFile.js";
import { writeFileAtomic } from "../node/atomicWrite.js";
import { CONFIG_BOUNDS as B, MAX_RADIUS_OVER_INTERVAL } from "../model/configBounds.js";
import { choiceOption, numberOption, parseCommand, READOUTS, requiredOption, UsageError, type CommandSpec } from "./args.js";

const spec: CommandSpec = {
  usage: "qdf import-torch CHECKPOINT --orbitals ORBITAL_DICT --out MODEL.safetensors [options]",
  help: `
Imports a model trained with the authors' PyTorch QDF: a state_dict saved by torch.save (legacy or zip format)
and the orbital table (the pickled orbital_dict, or the same as a JSON object). The files are read as data
only: a pickle that names anything besides tensors and storages is refused, and nothing in it is executed.
Sizes (dim, layers, hidden width, outputs, orbital count) come from the tensors; the checkpoint does not
record the rest, so give it if it differs from the defaults.

Options:
  --orbitals FILE    orbital table: pickled dict or JSON object, name -> row of coefficient.weight (required)
  --out FILE         model file to write (.safetensors) (required)
  --basis NAME       basis set (default ${IMPORT_DEFAULTS.basisSet})
  --radius R         radius of the field around each atom, in angstrom (default ${IMPORT_DEFAULTS.radius})
  --grid G           grid interval, in angstrom (default ${IMPORT_DEFAULTS.gridInterval})
  --readout OP       sum (extensive properties) or mean (intensive ones) (default ${IMPORT_DEFAULTS.operation})
  --property TEXT    the predicted property (default "${IMPORT_DEFAULTS.property}")
  --atom-range A-B   fewest and most atoms of a training molecule (e.g. 3-14), stored as "atom_count_range"
                     for applicability checks; default: not recorded (the checkpoint does not say)
  -h, --help         show this help
`,
  options: {
    orbitals: { type: "string" },
    out: { type: "string" },
    basis: { type: "string" },
    radius: { type: "string" },
    grid: { type: "string" },
    readout: { type: "string" },
    property: { type: "string" },
    "atom-range": { type: "string" },
  },
};

function readInput(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

function withPath<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** "--atom-range 3-14" -> [3, 14]. */
function atomRangeOption(v: unknown): [number, number] | undefined {
  if (v === undefined) return undefined;
  const m = typeof v === "string" ? /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(v) : null;
  const range = m ? [Number(m[1]), Number(m[2])] as [number, number] : null;
  if (!range || range[0] < 1 || range[0] > range[1]) {
    throw new UsageError(`--atom-range needs MIN-MAX atom counts with 1 <= MIN <= MAX (e.g. 3-14), got ${JSON.stringify(v)}`);
  }
  return range;
}

async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (parsed === null) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`expected one CHECKPOINT file, got ${positionals.length}\nusage: ${spec.usage}`);
  const checkpointPath = positionals[0]!;
  const orbitalsPath = requiredOption(values, "orbitals");
  const outPath = requiredOption(values, "out");
  const readout = choiceOption(values, "readout", READOUTS, IMPORT_DEFAULTS.operation);
  const basis = values.basis ?? IMPORT_DEFAULTS.basisSet;
  const property = values.property ?? IMPORT_DEFAULTS.property;
  if (typeof basis !== "string" || basis.trim() === "") throw new UsageError("--basis needs a basis set name");
  if (typeof property !== "string") throw new UsageError("--property needs a text");
  const radius = numberOption(values, "radius", IMPORT_DEFAULTS.radius, { min: B.radius[0], max: B.radius[1] });
  const gridInterval = numberOption(values, "grid", IMPORT_DEFAULTS.gridInterval, { min: B.gridInterval[0], max: B.gridInterval[1] });
  if (radius / gridInterval > MAX_RADIUS_OVER_INTERVAL) {
    throw new UsageError(`--radius / --grid must be at most ${MAX_RADIUS_OVER_INTERVAL}, got ${radius} / ${gridInterval}`);
  }

  const atomRange = atomRangeOption(values["atom-range"]);

  const orbitalBytes = readInput(orbitalsPath, "orbital table");
  const checkpointBytes = readInput(checkpointPath, "checkpoint");
  // The file name goes in front of the reader's message, which says what is wrong inside it.
  const orbitals = withPath(orbitalsPath, () => readOrbitalTable(orbitalBytes));
  const model = withPath(checkpointPath, () =>
    importTorchCheckpoint(checkpointBytes, orbitals, { basisSet: basis.trim(), radius, gridInterval, operation: readout, property }),
  );
  if (atomRange) model.config.atomCountRange = atomRange;
  // No qdf_sha256 here: the published models are this command's output byte for byte (models/README.md's sha256).
  writeFileAtomic(outPath, writeModelFile(model));

  const c = model.config;
  let params = 0;
  for (const t of model.weights.values()) params += t.data.length;
  process.stderr.write(
    `imported ${model.weights.size} tensors (${params} parameters): ${Object.keys(c.orbitalDict).length} orbitals, dim ${c.dim}, ` +
      `${c.layerFunctional} functional layers, HK hidden ${c.hiddenHK} x ${c.layerHK} layers, ${c.outputs} output(s), ` +
      `${c.basisSet} r ${c.radius} g ${c.gridInterval} ${c.operation}` +
      `${c.atomCountRange ? `, trained on ${c.atomCountRange[0]}-${c.atomCountRange[1]} atoms` : ""} -> ${outPath}\n`,
  );
  return 0;
}

export const importTorchCommand = {
  name: "import-torch",
  summary: "import a PyTorch QDF checkpoint (state_dict + orbital table) as a model file, executing nothing",
  run,
};
