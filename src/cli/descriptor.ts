// `qdf descriptor`: the quantum deep descriptor of each molecule, as a TSV table or a .npy matrix.
import { availableParallelism } from "node:os";
import { readFileSync } from "node:fs";
import type { ParseItem } from "../chem/parse.js";
import { loadModel } from "../predict/predictor.js";
import { descriptorNames, descriptorStream, type DescriptorResult } from "../predict/descriptor.js";
import { descriptorIdentity, descriptorTableHeader, descriptorTableRow } from "../predict/descriptorTable.js";
import { DescriptorPool } from "../workers/descriptorPool.js";
import { encodeNpy } from "../io/npy.js";
import { writeFileAtomic } from "../node/atomicWrite.js";
import { modelOption, numberOption, parseCommand, UsageError } from "./args.js";
import { batches, inputOptionHelp, inputOptionSpec, inputSettings, readMolecules } from "./moleculeInput.js";
import type { Command } from "./command.js";
import { checkOutPath } from "./outputFile.js";
import { Progress } from "./progress.js";
import { readModelFile } from "../model/modelFile.js";
import { modelMetadata, requireQdf } from "../predict/architecture.js";
import { DEFAULT_MAX_MEMORY, type MemoryBudget } from "../model/memoryBudget.js";
import { parseByteSize } from "./byteSize.js";

const spec = {
  usage: "qdf descriptor [--model FILE] INPUT... [--out FILE.tsv|FILE.npy] [--workers N] [--max-memory SIZE]",
  help: `
Computes each molecule's quantum deep descriptor (README "Quantum deep descriptor") with a QDF model: the
functional's last hidden layer summed and averaged over the field points (hsum_*, hmean_*: 2 x dim columns), the
electron and atom counts, the model's predicted property and per atom, and the density's sum of squares and maximum
over the field points. One row per input molecule in input order, failed ones included (empty values, the error).
--out FILE.npy writes a float64 matrix instead (numpy.load), one row per input molecule, NaN rows for failures; the
ids then go to FILE.npy.ids.tsv (file, line, id, error).

options:
  --model FILE     a QDF model file; default: the shipped published model
  --out FILE       .tsv (default: stdout) or .npy; written atomically when complete
  --workers N      compute in N worker threads (0: this thread); default the number of cores (${availableParallelism()} here);
                   the output is the same for any N
  --max-memory SIZE  memory limit per molecule, in each worker (2G, 512M, ...; default 2G), as for qdf predict:
                   estimated before each molecule; one over it gets an error row naming the estimate and the
                   limit, and the others go on. Large molecules are taken in chunks of field points (same values).${inputOptionHelp}
  -h, --help       this help`,
  options: {
    model: { type: "string" as const },
    out: { type: "string" as const },
    workers: { type: "string" as const },
    "max-memory": { type: "string" as const },
    ...inputOptionSpec,
  },
};

/** Descriptor results of a stream of molecules, in this thread (workers 0) or in a worker pool; input order. */
export async function* describeItems(modelBytes: Uint8Array, items: AsyncIterable<ParseItem>, workers: number,
                                     budget: MemoryBudget = {}): AsyncGenerator<DescriptorResult> {
  if (workers === 0) {
    const model = await loadModel(modelBytes);
    try {
      for await (const batch of batches(items, 64)) yield* descriptorStream(model, batch, budget);
    } finally {
      model.dispose();
    }
    return;
  }
  const pool = new DescriptorPool(modelBytes, { workers, budget });
  try {
    for await (const batch of batches(items, 256)) yield* pool.describeStream(batch);
  } finally {
    await pool.close();
  }
}

async function run(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args) return 0;
  const inputs = args.positionals;
  if (inputs.length === 0) throw new UsageError(`no INPUT given\nusage: ${spec.usage}`);
  const modelPath = modelOption(args.values);
  const out = args.values.out as string | undefined;
  if (out !== undefined) checkOutPath(out, inputs, [modelPath]);
  const workers = numberOption(args.values, "workers", availableParallelism(), { integer: true, min: 0 });
  const maxBytes = typeof args.values["max-memory"] === "string" ? parseByteSize(args.values["max-memory"], "max-memory") : DEFAULT_MAX_MEMORY;
  const settings = inputSettings(args.values);
  const bytes = readFileSync(modelPath);
  requireQdf(modelMetadata(bytes));
  const names = descriptorNames(readModelFile(bytes).config);
  const npy = out !== undefined && /\.npy$/i.test(out);
  const lines = [descriptorTableHeader(npy ? [] : names)];
  const rows: number[][] = [];
  const progress = new Progress("descriptor", undefined);
  let done = 0, failed = 0;
  for await (const r of describeItems(bytes, readMolecules(inputs, settings, { workers }), workers, { maxBytes })) {
    done++;
    if (r.error) { failed++; process.stderr.write(`error: ${r.error}\n`); }
    if (npy) {
      rows.push(r.descriptor ?? names.map(() => NaN));
      lines.push(descriptorIdentity(r) + "\n");
    } else {
      const line = descriptorTableRow(r, names);
      if (out) lines.push(line);
      else process.stdout.write(lines.length ? lines.splice(0).join("") + line : line);
    }
    progress.update(done);
  }
  if (done === 0) throw new Error(`no molecules in ${inputs.join(", ")}`);
  if (npy) {
    writeFileAtomic(out!, encodeNpy(Float64Array.from(rows.flat()), rows.length, names.length));
    writeFileAtomic(`${out}.ids.tsv`, lines.join(""));
  } else if (out) {
    writeFileAtomic(out, lines.join(""));
  } else if (lines.length) {
    process.stdout.write(lines.join(""));
  }
  if (done > 50) progress.finish(done);
  if (failed > 0) process.stderr.write(`${failed} of ${done} molecules failed (see the error column)\n`);
  return failed > 0 ? 1 : 0;
}

export const descriptorCommand: Command = { name: "descriptor", summary: "quantum deep descriptors of molecules (TSV or .npy)", run };
