// SDF/MOL input: V2000 and V3000 records with 3D coordinates, and a bad SDF whose errors name file, line and id.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseMolecules } from "../../src/chem/parse.js";
import { repoRoot } from "../shared.js";

const fixture = (name: string) => join(repoRoot, "test", "fixtures", "sdf", name);

test("V2000 and V3000 records: ids, elements, coordinates", () => {
  const path = fixture("good.sdf");
  const { molecules, errors } = parseMolecules(readFileSync(path, "utf8"), { fileName: path });
  assert.equal(errors, []);
  assert.equal(molecules.map((m) => [m.id, m.symbols.join("")]), [["ethanol", "CCOHHHHHH"], ["methylamine", "CNHHHHH"]]);
  assert.equal(Array.from(molecules[0]!.coords.slice(0, 3)), [3.4011, 1.6294, 1.9237]);
  assert.equal(Array.from(molecules[1]!.coords.slice(3, 6)), [-0.5345, -2.4914, 2.6873]);
});

test("bad SDF: each bad record is an error at its line; the good records around them survive", () => {
  const path = fixture("bad.sdf");
  const { molecules, errors } = parseMolecules(readFileSync(path, "utf8"), { fileName: path });
  assert.equal(molecules.map((m) => m.id), ["ethanol", "methylamine"]);
  const expected: [number, string, RegExp][] = [
    [28, "no_hydrogens", /atom 1 \(C\) has 2 bonds: hydrogens must be explicit/],
    [38, "bad_coordinate", /coordinate y "abc" is not a number/],
    [48, "unknown_element", /unknown element "Xx"/],
    [54, "truncated", /counts line says 5 atoms and 0 bonds but the record ends after 2 lines/],
    [62, "flat", /all z coordinates are 0/],
  ];
  assert.equal(errors.map((e) => [e.line, e.moleculeId]), expected.map(([l, id]) => [l, id]));
  errors.forEach((e, i) => {
    assert.ok(expected[i]![2].test(e.reason), e.reason);
    assert.is(e.message, `${path}:${e.line}: molecule ${e.moleculeId}: ${e.reason}`);
  });
});

test("a MOL file without $$$$ is one record; an empty title gets <file>#1", () => {
  const mol = readFileSync(fixture("good.sdf"), "utf8").split("$$$$")[0]!.replace(/^ethanol/, "");
  const { molecules } = parseMolecules(mol, { fileName: "dir/x.mol" });
  assert.equal(molecules.map((m) => [m.id, m.atomicNumbers.length]), [["x.mol#1", 9]]);
});

test.run();
