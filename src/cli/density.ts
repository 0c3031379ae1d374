// `qdf density`: the learned electron density (and orbitals, potentials) on a box grid as cube files, JSON and PNG.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadModel } from "../api/predict.js";
import { DENSITY_UNITS, densityJob } from "../density/densityJob.js";
import { DEFAULT_CUTOFF_TOL } from "../density/evaluate.js";
import { writeFileAtomic } from "../node/atomicWrite.js";
import { choiceOption, modelOption, numberOption, parseCommand, requiredOption, UsageError } from "./args.js";
import { inputOptionHelp, inputOptionSpec, inputSettings, readMolecules } from "./moleculeInput.js";
import { failureErrors } from "../chem/parseError.js";
import type { Command } from "./command.js";
import { parseByteSize } from "./byteSize.js";
import { DEFAULT_MAX_MEMORY } from "../model/memoryBudget.js";

const spec = {
  usage: "qdf density [--model FILE] INPUT... --out DIR [--spacing 0.2] [--padding 3.0] [--orbitals 0,1,2] [--potential] [--png] [--units model|electrons] [--max-memory SIZE]",
  help: `
Evaluates a QDF model's electron density rho(r) = sum_k psi_k(r)^2 (the learned LCAO, with the forward pass's
normalisations) on a regular box grid around each molecule and writes, per molecule, into DIR (each file atomically):
  <id>.rho.cube     rho as a Gaussian cube file (bohr units in the header; values in the units of --units, stated
                    in the file's second comment line)
  <id>.psi<k>.cube  molecular orbital psi_k, for each k of --orbitals
  <id>.V.cube       with --potential: the true Gaussian external potential V, and
  <id>.Vpred.cube   the Hohenberg-Kohn map's predicted potential from rho at each grid point
  <id>.json         summary: grid shape, sum of rho times the voxel volume, sum of rho on the field points, max rho
                    and where, cutoffs
  <id>.rho.png      with --png: a slice of rho through the plane of the three heaviest atoms (or --plane)
INPUT is a QDF text, .xyz, SDF/MOL or SMILES (.smi, CSV) file ("-" reads stdin); SMILES are embedded in 3D first. Ids are made file-safe (other characters become "_").

options:
  --model FILE      model file (.safetensors); default: the shipped published model (see qdf models)
  --out DIR         output folder (created if missing)
  --spacing A       grid spacing in angstrom; default 0.2
  --padding A       space around the atoms in angstrom; default 3.0
  --orbitals LIST   molecular orbitals k (0-based, comma-separated, < the model's dim) to write psi_k cubes for
  --potential       also write V and V_pred cubes
  --png             also write a PNG slice of rho
  --plane P         slice plane: heaviest (default), xy, xz, yz (through the centroid) or i,j,k (1-based atoms)
  --scale S         PNG colour scale: log (default, 4 decades) or linear
  --units U         rho's units: model (default): the model's own, in which rho summed over the molecule's QDF
                    field points is the electron count (the box integral is then much smaller: 2.6 for 40
                    electrons, say); electrons: electrons/bohr^3, rho scaled so that its integral over the box
                    is the electron count (comparable with DFT cubes; psi_k scaled by the square root)
  --max-memory SIZE memory limit per molecule (2G, 512M, ...; default 2G): estimated first (field points x
                    orbitals, the orbitals squared, the grid); a molecule over it is an error naming both, and
                    the others go on. Unlike predict, density holds the whole field at once (~450 atoms under 2G)
  --cutoff-tol T    orbital cutoff tolerance relative to the largest rho on the field points; default ${DEFAULT_CUTOFF_TOL}
                    (0 disables cutoffs)
${inputOptionHelp.slice(1)}
  -h, --help        this help`,
  options: {
    model: { type: "string" as const },
    out: { type: "string" as const },
    spacing: { type: "string" as const },
    padding: { type: "string" as const },
    orbitals: { type: "string" as const },
    potential: { type: "boolean" as const },
    png: { type: "boolean" as const },
    plane: { type: "string" as const },
    scale: { type: "string" as const, default: "log" },
    units: { type: "string" as const, default: "model" },
    "cutoff-tol": { type: "string" as const },
    "max-memory": { type: "string" as const },
    ...inputOptionSpec,
  },
};

function parseOrbitals(text: string | undefined): number[] {
  if (text === undefined || text.trim() === "") return [];
  return text.split(",").map((s) => {
    const k = Number(s.trim());
    if (s.trim() === "" || !Number.isInteger(k) || k < 0) throw new UsageError(`--orbitals needs comma-separated integers >= 0, got "${text}"`);
    return k;
  });
}

/** A file-safe version of a molecule id. */
export function safeName(id: string): string {
  const s = id.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  return s === "" ? "molecule" : s.slice(0, 200);
}

async function run(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args) return 0;
  const modelPath = modelOption(args.values);
  const outDir = requiredOption(args.values, "out");
  if (args.positionals.length === 0) throw new UsageError(`no INPUT given\nusage: ${spec.usage}`);
  const spacing = numberOption(args.values, "spacing", 0.2, { above: 0, max: 10 });
  const padding = numberOption(args.values, "padding", 3.0, { min: 0, max: 100 });
  const cutoffTol = numberOption(args.values, "cutoff-tol", DEFAULT_CUTOFF_TOL, { min: 0, max: 1 });
  const scale = choiceOption(args.values, "scale", ["log", "linear"] as const, "log");
  const units = choiceOption(args.values, "units", DENSITY_UNITS, "model");
  const settings = inputSettings(args.values);
  const orbitals = parseOrbitals(args.values.orbitals as string | undefined);
  const maxMemory = typeof args.values["max-memory"] === "string" ? parseByteSize(args.values["max-memory"], "max-memory") : DEFAULT_MAX_MEMORY;

  const model = await loadModel(readFileSync(modelPath));
  const bad = orbitals.filter((k) => k >= model.config.dim);
  if (bad.length) model.dispose();
  if (bad.length) throw new UsageError(`--orbitals ${bad.join(",")} out of range: the model has ${model.config.dim} orbitals (0..${model.config.dim - 1})`);
  let done = 0, failed = 0;
  const used = new Set<string>();
  try {
    for await (const item of readMolecules(args.positionals, settings, { workers: 0 })) {
      done++;
      if ("error" in item) {
        failed++;
        for (const e of failureErrors(item)) process.stderr.write(`error: ${e.message}\n`);
        continue;
      }
      const m = item.molecule;
      try {
        const { summary, files } = densityJob(model, m, {
          spacing, padding, orbitals, potential: Boolean(args.values.potential), png: Boolean(args.values.png),
          plane: args.values.plane as string | undefined, scale, cutoffTol, units, maxMemory,
        });
        // Two molecules with the same id get distinct names (a numeric suffix), never one overwriting the other.
        let name = safeName(m.id);
        for (let i = 2; used.has(name); i++) name = `${safeName(m.id)}_${i}`;
        used.add(name);
        summary.files = files.map((f) => `${name}${f.suffix}`);
        for (const f of files) writeFileAtomic(join(outDir, `${name}${f.suffix}`), f.data);
        writeFileAtomic(join(outDir, `${name}.json`), JSON.stringify(summary, null, 2) + "\n");
        const s = summary as { grid: { shape: number[] }; seconds: number; maxRho: number };
        process.stderr.write(`${m.id}: grid ${s.grid.shape.join("x")}, max rho ${s.maxRho}, ${s.seconds} s -> ${join(outDir, name)}.*\n`);
      } catch (e) {
        failed++;
        process.stderr.write(`error: ${(e as Error).message}\n`);
      }
    }
  } finally {
    model.dispose(); // frees its tfjs variables, whose names are global to the process
  }
  if (failed > 0) process.stderr.write(`${failed} of ${done} molecules failed (see above)\n`);
  return failed > 0 ? 1 : 0;
}

export const densityCommand: Command = { name: "density", summary: "electron density and orbitals on a grid: cube files, JSON, PNG slices", run };
