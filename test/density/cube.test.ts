// Cube files: number format, and the writer's output parsed back by the reader gives the same grid, atoms and values.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BOHR_PER_ANGSTROM, CubeFormatError, formatE, readCube, writeCube, type CubeData } from "../../src/io/cube.js";
import { gridCube } from "../../src/density/densityJob.js";
import { boxGrid } from "../../src/density/grid.js";
import type { Molecule } from "../../src/chem/molecule.js";

test("formatE is C's %13.5E", () => {
  assert.is(formatE(0.1234), "  1.23400E-01");
  assert.is(formatE(-2.5), " -2.50000E+00");
  assert.is(formatE(0), "  0.00000E+00");
  assert.is(formatE(6.02214076e23), "  6.02214E+23");
  assert.is(formatE(-1.5e-120), "-1.50000E-120");
  assert.is(formatE(123456789), "  1.23457E+08");
});

const water: Molecule = {
  id: "water", symbols: ["O", "H", "H"], atomicNumbers: Int32Array.from([8, 1, 1]),
  coords: Float64Array.from([-0.0343, 0.9775, 0.0076, 0.0648, 0.0206, 0.0015, 0.8718, 1.3008, 0.0007]),
};

test("round trip: grid, atoms (bohr) and values (5 significant digits)", () => {
  const grid = boxGrid(water.coords, 0.35, 1.5);
  const n = grid.shape[0] * grid.shape[1] * grid.shape[2];
  assert.ok(grid.shape[2] % 6 !== 0, "z rows that do not fill the last line of 6");
  const values = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 10 ** ((i % 9) - 6));
  const cube = gridCube(water, grid, values, ["water density", "test"]);
  const text = writeCube(cube);
  const back = readCube(text);
  assert.equal(back.comments, ["water density", "test"]);
  assert.equal(back.shape, grid.shape);
  back.origin.forEach((v, a) => assert.ok(Math.abs(v - grid.origin[a]! * BOHR_PER_ANGSTROM) < 1e-6));
  back.axes.forEach((axis, a) => axis.forEach((v, b) => assert.ok(Math.abs(v - (a === b ? grid.spacing * BOHR_PER_ANGSTROM : 0)) < 1e-6)));
  assert.is(back.atoms.length, 3);
  back.atoms.forEach((atom, i) => {
    assert.is(atom.z, water.atomicNumbers[i]);
    assert.is(atom.charge, water.atomicNumbers[i]);
    atom.position.forEach((v, a) => assert.ok(Math.abs(v / BOHR_PER_ANGSTROM - water.coords[3 * i + a]!) < 1e-6));
  });
  assert.is(back.values.length, n);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(back.values[i]! - values[i]!) <= 5e-6 * Math.abs(values[i]!) + 1e-300, `value ${i}`);
  // Writing what was read gives the same text (a fixed point).
  assert.is(writeCube({ ...back, values: Float32Array.from(back.values) }), text);
  // Layout: every data line has at most 6 values of 13 characters.
  const data = text.split("\n").slice(2 + 4 + 3).filter((l) => l !== "");
  assert.ok(data.every((l) => l.length % 13 === 0 && l.length <= 78));
});

test("reader: negative atom count (orbital cube) and errors", () => {
  const c: CubeData = {
    comments: ["a", "b"], origin: [0, 0, 0], shape: [1, 1, 2], axes: [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    atoms: [{ z: 1, charge: 1, position: [0, 0, 0] }], values: Float64Array.from([1, 2]),
  };
  const lines = writeCube(c).split("\n");
  lines[2] = lines[2]!.replace("    1", "   -1");
  lines.splice(7, 0, "    1    5");
  assert.equal([...readCube(lines.join("\n")).values], [1, 2]);
  assert.throws(() => readCube("x\ny\n  1 0 0 0\n"), (e: unknown) => e instanceof CubeFormatError);
  assert.throws(() => readCube(writeCube(c).replace("2.00000E+00", "")), /1 values/);
  assert.throws(() => writeCube({ ...c, values: Float64Array.from([1]) }), /shape needs 2/);
});

test.run();
