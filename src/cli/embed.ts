// `qdf embed`: SMILES (or any molecule input) to 3D structures in an xyz file, with openchemlib's conformer and MMFF94s.
import { availableParallelism } from "node:os";
import { formatXyz } from "../chem/xyzWrite.js";
import { writeFileAtomic } from "../node/atomicWrite.js";
import { parseCommand, UsageError, workersOption } from "./args.js";
import type { Command } from "./command.js";
import { inputOptionHelp, inputOptionSpec, inputSettings, readMolecules } from "./moleculeInput.js";
import { Progress } from "./progress.js";

const spec = {
  usage: "qdf embed INPUT... [--out FILE.xyz] [--workers N] [--oligomer N] [--seed S] [--smiles-column C]",
  help: `
Builds 3D structures from SMILES and writes them as one multi-molecule xyz file (the id is the comment line).
Each SMILES gets hydrogens, one conformer from openchemlib's ConformerGenerator (seeded: the same SMILES and seed give
the same coordinates) and an MMFF94s minimisation. Polymer repeat units: every * (or [*]) becomes a hydrogen, or with
--oligomer N a chain of N units is built (unit k's second * joined to unit k+1's first, both ends capped with H).
INPUT: a .smi file ("id<TAB>SMILES" or "SMILES id" per line), a CSV with a SMILES column, or any other molecule input
(QDF text, xyz, SDF), which is written unchanged. A SMILES that cannot be parsed or embedded is reported on stderr with
its file, line and id; the others are still written, and the exit code is 1.

options:
  --out FILE          the xyz file (written atomically when complete); default: stdout
  --workers N         embed in N worker threads; 0 embeds in this thread; default: the number of cores
                      (${availableParallelism()} here). The output is the same for any N.${inputOptionHelp}
  -h, --help          this help`,
  options: {
    out: { type: "string" as const },
    workers: { type: "string" as const },
    ...inputOptionSpec,
  },
};

async function run(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args) return 0;
  if (args.positionals.length === 0) throw new UsageError(`no INPUT given\nusage: ${spec.usage}`);
  const settings = inputSettings(args.values);
  const workers = workersOption(args.values, availableParallelism());
  const out = args.values.out as string | undefined;
  const blocks: string[] = [];
  const progress = new Progress("embed", undefined);
  let done = 0, failed = 0;
  for await (const item of readMolecules(args.positionals, settings, { workers })) {
    done++;
    if ("error" in item) {
      failed++;
      process.stderr.write(`error: ${item.error.message}\n`);
      continue;
    }
    const block = formatXyz(item.molecule);
    if (out) blocks.push(block);
    else process.stdout.write(block);
    progress.update(done);
  }
  if (out) writeFileAtomic(out, blocks.join(""));
  if (done > 20) progress.finish(done);
  if (failed > 0) process.stderr.write(`${failed} of ${done} molecules failed (see above)\n`);
  return failed > 0 ? 1 : 0;
}

export const embedCommand: Command = { name: "embed", summary: "3D structures from SMILES (openchemlib, MMFF94s) as xyz", run };
