// Geometry checks: atoms closer than 0.1 A and coordinates beyond 1e6 A are errors naming the atoms and the molecule;
// the cell search finds exactly the pairs a brute-force search finds; centring is the centroid, in float64.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Molecule } from "../../src/chem/molecule.js";
import { centroid, checkGeometry, geometryProblem, MAX_COORDINATE_A, MIN_ATOM_DISTANCE_A } from "../../src/chem/geometryChecks.js";
import { elementSymbol } from "../../src/chem/elements.js";
import { prepareData } from "../../src/train/dataset.js";
import { predict } from "../../src/predict/predictor.js";
import { pretrainedModel } from "../model/reference.js";
import { mulberry32 } from "../random.js";
import { loadKernels } from "../../src/kernels/instance.js";

await loadKernels(); // the training data's field context builds its sphere template in the kernels

function molecule(id: string, zs: number[], coords: number[]): Molecule {
  return { id, symbols: zs.map(elementSymbol), atomicNumbers: Int32Array.from(zs), coords: Float64Array.from(coords) };
}

test("a duplicated atom line is an error naming both atoms and the molecule", () => {
  const m = molecule("dup", [6, 1, 1], [0, 0, 0, 1.09, 0, 0, 1.09, 0, 0]);
  assert.throws(() => checkGeometry(m), (e: Error) =>
    /molecule dup: atom 2 \(H\) and atom 3 \(H\) are 0\.00+ A apart, closer than 0\.1 A/.test(e.message));
});

test("atoms 1e-8 A apart and just under 0.1 A are errors; 0.1 A and more is not", () => {
  for (const d of [1e-8, 0.0999, MIN_ATOM_DISTANCE_A * (1 - 1e-12)]) {
    assert.ok(geometryProblem(molecule("close", [1, 1], [0, 0, 0, 0, d, 0])), `${d} A`);
  }
  for (const d of [MIN_ATOM_DISTANCE_A, 0.74, 50]) assert.is(geometryProblem(molecule("fine", [1, 1], [0, 0, 0, 0, 0, d])), null, `${d} A`);
  // Across a cell boundary: 0.09 A apart, one atom each side of 0.1 and of 0.
  assert.ok(geometryProblem(molecule("across", [1, 1], [0.095, -0.04, 0, 0.105, 0.04, 0.05])));
  assert.ok(geometryProblem(molecule("negative", [1, 1], [-0.01, -0.01, -0.01, 0.01, 0.01, 0.01])));
});

test("coordinates beyond 1e6 A, infinite or NaN are errors naming the atom and the axis", () => {
  for (const v of [1e308, -2e6, MAX_COORDINATE_A * 1.000001, Infinity, NaN]) {
    const p = geometryProblem(molecule("far", [6, 8], [0, 0, 0, 0, v, 1]));
    assert.ok(p && /atom 2 \(O\) has y = /.test(p) && /1e\+6 A bound/.test(p), `${v}: ${p}`);
  }
  assert.is(geometryProblem(molecule("edge", [6, 8], [MAX_COORDINATE_A, 0, 0, -MAX_COORDINATE_A, 0, 0])), null);
});

test("the cell search agrees with all pairs on random clusters (some pairs under 0.1 A, some not)", () => {
  const rand = mulberry32(15);
  for (let trial = 0; trial < 200; trial++) {
    const n = 2 + Math.floor(rand() * 40), side = 0.2 + rand() * 3, off = (rand() - 0.5) * 1e5;
    const coords = Array.from({ length: 3 * n }, () => off + rand() * side);
    const m = molecule(`r${trial}`, Array(n).fill(1), coords);
    let brute = false;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const d = Math.hypot(coords[3 * i]! - coords[3 * j]!, coords[3 * i + 1]! - coords[3 * j + 1]!, coords[3 * i + 2]! - coords[3 * j + 2]!);
      if (d < MIN_ATOM_DISTANCE_A) brute = true;
    }
    assert.is(geometryProblem(m) !== null, brute, `trial ${trial} (${n} atoms in ${side.toFixed(2)} A)`);
  }
});

test("the centroid is the mean position", () => {
  assert.equal(centroid(Float64Array.from([1, 2, 3, 3, 6, -3])), [2, 4, 0]);
});

test("training data with a duplicated atom is refused at read time, naming the split and the molecule", () => {
  const ok = molecule("ok", [1, 1], [0, 0, 0, 0.74, 0, 0]);
  const bad = { ...molecule("bad", [1, 1], [0, 0, 0, 0, 0, 0]), properties: [1], file: "val.txt", line: 9 };
  const field = { basisSet: "6-31G", field: "grid" as const, radius: 0.75, gridInterval: 0.3 };
  assert.throws(() => prepareData({ train: [{ ...ok, properties: [1] }], val: [bad], test: [] }, field, null),
    (e: Error) => /^val: val\.txt:9: molecule bad: atom 1 \(H\) and atom 2 \(H\)/.test(e.message));
});

test("prediction: the molecule with a duplicated atom gets an error with its file, line and id; the others go on", async () => {
  const model = await pretrainedModel();
  const water = (id: string, h2: number[]) => ({ ...molecule(id, [8, 1, 1], [0, 0, 0, 0.96, 0, 0, ...h2]), file: "in.txt", line: 1 });
  const results = predict(model, [water("a", [-0.24, 0.93, 0]), water("dup", [0.96, 0, 0]), water("c", [-0.24, 0.93, 0])]);
  assert.ok(results[0]!.predicted && results[2]!.predicted);
  assert.equal(results[0]!.predicted, results[2]!.predicted);
  assert.is(results[1]!.predicted, undefined);
  assert.is(results[1]!.error, "in.txt:1: molecule dup: atom 2 (H) and atom 3 (H) are 0.00 A apart, closer than 0.1 A (a duplicated atom line?)");
});

test.run();
