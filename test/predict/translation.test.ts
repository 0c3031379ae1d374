// Translation: a molecule moved by 1e5 A predicts what it predicts in place (featurize centres it on its centroid in
// float64 before anything is rounded to float32), and its density cube stays in the input's frame.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Molecule } from "../../src/chem/molecule.js";
import { parseMolecules } from "../../src/chem/parse.js";
import { predictMolecule } from "../../src/predict/predictor.js";
import { densityJob } from "../../src/density/densityJob.js";
import { featurize } from "../../src/model/features.js";
import { BOHR_PER_ANGSTROM, readCube } from "../../src/io/cube.js";
import { sharedPath } from "../shared.js";
import { pretrainedModel } from "../model/reference.js";

const model = await pretrainedModel();
const path = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
const molecules = parseMolecules(readFileSync(path, "utf8"), { fileName: path }).molecules.slice(0, 40);

const moved = (m: Molecule, by: readonly number[]): Molecule =>
  ({ ...m, id: `${m.id}+shift`, coords: Float64Array.from(m.coords, (v, i) => v + by[i % 3]!) });

test("a molecule shifted by 1e5 A (on each axis, diagonally; and by 9e5, near the bound) predicts the same energy to 1e-5 eV", () => {
  let worst = 0;
  for (const m of molecules) {
    const here = predictMolecule(model, m).predicted![0]!;
    for (const by of [[1e5, 0, 0], [0, -1e5, 0], [0, 0, 1e5], [1e5, -1e5, 1e5], [9e5, 9e5, -9e5]]) {
      const r = predictMolecule(model, moved(m, by));
      assert.not.ok(r.error, r.error);
      const d = Math.abs(r.predicted![0]! - here);
      worst = Math.max(worst, d);
      assert.ok(d <= 1e-5, `${m.id} moved by [${by}]: ${r.predicted![0]} vs ${here} eV (${d} eV apart)`);
    }
  }
  console.log(`  translation by 1e5 to 9e5 A: max |diff| ${worst.toExponential(2)} eV over ${molecules.length} molecules`);
});

test("the features are the centred molecule's: the field is relative to the centroid, which is recorded", () => {
  const m = molecules[0]!, f = featurize(m, model.ctx), g = featurize(moved(m, [1e5, 2e5, -3e5]), model.ctx);
  const mean = (a: number) => m.coords.filter((_, i) => i % 3 === a).reduce((s, v) => s + v, 0) / m.atomicNumbers.length;
  [0, 1, 2].forEach((a) => assert.ok(Math.abs(f.origin[a]! - mean(a)) < 1e-12, `origin ${a}`));
  assert.ok(Math.abs(g.origin[0]! - f.origin[0]! - 1e5) < 1e-9 && Math.abs(g.origin[2]! - f.origin[2]! + 3e5) < 1e-9);
  let worst = 0;
  f.field.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - g.field[i]!))));
  assert.ok(worst < 1e-9, `the field points differ by ${worst} A`);
});

test("density cubes stay in the input's frame: atoms and origin move with the molecule, the values do not", () => {
  const m = molecules[1]!, by = [10, -20, 5];
  const cube = (x: Molecule) => densityJob(model, x, { spacing: 0.4, padding: 2 }).files.find((f) => f.suffix === ".rho.cube")!.data as string;
  const a = readCube(cube(m)), b = readCube(cube(moved(m, by)));
  a.origin.forEach((v, k) => assert.ok(Math.abs(b.origin[k]! - v - by[k]! * BOHR_PER_ANGSTROM) < 1e-4, `origin axis ${k}`));
  a.atoms.forEach((atom, i) => {
    for (let k = 0; k < 3; k++) {
      assert.ok(Math.abs(atom.position[k]! - m.coords[3 * i + k]! * BOHR_PER_ANGSTROM) < 1e-4, `atom ${i + 1} is where the input has it`);
      assert.ok(Math.abs(b.atoms[i]!.position[k]! - atom.position[k]! - by[k]! * BOHR_PER_ANGSTROM) < 1e-4, `atom ${i + 1} axis ${k}`);
    }
  });
  assert.equal(b.shape, a.shape);
  let worst = 0, max = 0;
  a.values.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - b.values[i]!)); max = Math.max(max, Math.abs(v)); });
  assert.ok(max > 0 && worst <= 1e-4 * max, `rho differs by ${worst} (max ${max})`);
});

test.run();
