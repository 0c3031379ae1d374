// Benchmark: the density grid of QM9under14 molecules (13+ atoms) at 0.2 angstrom spacing, 3.0 padding, one process.
import { readFileSync } from "node:fs";
import { iterateMolecules } from "../src/chem/parse.js";
import type { Molecule } from "../src/chem/molecule.js";
import { loadModel } from "../src/api/predict.js";
import { evaluateOnGrid } from "../src/density/evaluate.js";
import { boxGrid, gridSize } from "../src/density/grid.js";
import { lcaoFunction } from "../src/density/lcaoFunction.js";
import { predictedV, trueV } from "../src/density/potentials.js";
import { gridCube } from "../src/density/densityJob.js";
import { writeCube } from "../src/io/cube.js";
import { sharedPath } from "../test/shared.js";

const dataPath = process.argv[2] ?? sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
const modelPath = process.argv[3] ?? sharedPath("reference", "pretrained_under14.safetensors");
const count = Number(process.argv[4] ?? 5);
const SPACING = 0.2, PADDING = 3.0, TARGET_S = 2;

const model = await loadModel(readFileSync(modelPath));
const molecules: Molecule[] = [];
for (const item of iterateMolecules(readFileSync(dataPath, "utf8"), { fileName: dataPath })) {
  if ("molecule" in item && item.molecule.atomicNumbers.length >= 13) molecules.push(item.molecule);
  if (molecules.length === count) break;
}

// One warm-up molecule (wasm compilation, tfjs start-up) outside the timings.
evaluateOnGrid(lcaoFunction(model, molecules[0]!), boxGrid(molecules[0]!.coords, 0.5, PADDING));

let totalS = 0, totalPoints = 0, worst = 0;
console.log(`density grid: ${molecules.length} molecules with 13+ atoms, spacing ${SPACING} A, padding ${PADDING} A`);
for (const m of molecules) {
  const t0 = performance.now();
  const fn = lcaoFunction(model, m);
  const t1 = performance.now();
  const grid = boxGrid(m.coords, SPACING, PADDING);
  const { rho } = evaluateOnGrid(fn, grid);
  const t2 = performance.now();
  const s = (t2 - t0) / 1000;
  totalS += s;
  totalPoints += rho.length;
  worst = Math.max(worst, s);
  console.log(`  ${m.id}: ${m.atomicNumbers.length} atoms, ${fn.nOrb} orbitals, grid ${grid.shape.join("x")} = ` +
    `${gridSize(grid)} points: ${s.toFixed(3)} s (setup ${((t1 - t0) / 1000).toFixed(3)} s, grid ${((t2 - t1) / 1000).toFixed(3)} s)`);
}
console.log(`  seconds per molecule   ${(totalS / molecules.length).toFixed(3)}   (worst ${worst.toFixed(3)}; target < ${TARGET_S})`);
console.log(`  grid points per second ${(totalPoints / totalS / 1e6).toFixed(2)} M`);

// The optional extras on the first molecule, for scale: potentials (--potential) and the cube text.
{
  const m = molecules[0]!;
  const grid = boxGrid(m.coords, SPACING, PADDING);
  const { rho } = evaluateOnGrid(lcaoFunction(model, m), grid);
  const t0 = performance.now();
  trueV(m, grid);
  const t1 = performance.now();
  predictedV(model, rho);
  const t2 = performance.now();
  const text = writeCube(gridCube(m, grid, rho, ["bench", "bench"]));
  const t3 = performance.now();
  console.log(`  extras on ${m.id} (${rho.length} points): true V ${((t1 - t0) / 1000).toFixed(3)} s, ` +
    `HK map V_pred ${((t2 - t1) / 1000).toFixed(3)} s, cube text ${((t3 - t2) / 1000).toFixed(3)} s (${(text.length / 1e6).toFixed(1)} MB)`);
}
