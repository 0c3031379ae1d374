// Applicability warnings, the Hill formula, and extended XYZ input.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { applicabilityWarnings, FRAGMENT_DISTANCE_A, MIN_DISTANCE_A } from "../../src/chem/applicability.js";
import { hillFormula } from "../../src/chem/formula.js";
import { iterateMolecules, parseMolecules } from "../../src/chem/parse.js";
import type { Molecule } from "../../src/chem/molecule.js";

function molecule(atoms: [string, number, number, number][]): Molecule {
  const { molecules } = parseMolecules(`m\n${atoms.map((a) => a.join(" ")).join("\n")}\n`);
  return molecules[0]!;
}
const WATER: [string, number, number, number][] = [["O", 0, 0, 0], ["H", 0.96, 0, 0], ["H", -0.24, 0.93, 0]];

test("thresholds: 0.5 A and 3 A, as documented", () => {
  assert.is(MIN_DISTANCE_A, 0.5);
  assert.is(FRAGMENT_DISTANCE_A, 3);
});

test("a normal molecule has no warnings; each condition gives its own", () => {
  assert.equal(applicabilityWarnings(molecule(WATER), [3, 14]), []);
  assert.equal(applicabilityWarnings(molecule([["H", 0, 0, 0]])), ["a single atom, not a molecule (the model was trained on molecules)"]);
  assert.equal(applicabilityWarnings(molecule(WATER), [1, 2]), ["3 atoms, more than the 2 of the largest molecule the model was trained on"]);
  assert.equal(applicabilityWarnings(molecule(WATER)), [], "no range: no atom-count check");
  assert.equal(applicabilityWarnings(molecule([...WATER, ["H", 0.96, 0.49, 0]])), ["atoms 2 (H) and 4 (H) are 0.49 A apart, closer than 0.5 A"]);
  assert.equal(applicabilityWarnings(molecule([...WATER, ["H", 0.96, 0.51, 0]])), []);
  // A lone atom 3.1 A from its nearest neighbour is a fragment; at 2.9 A it is not.
  assert.equal(applicabilityWarnings(molecule([...WATER, ["Cl", 4.06, 0, 0]])), ["2 fragments (3 + 1 atoms) more than 3 A apart"]);
  assert.equal(applicabilityWarnings(molecule([...WATER, ["Cl", 3.86, 0, 0]])), []);
  // A chain of atoms each within 3 A of the next is one fragment, however long.
  const chain = Array.from({ length: 8 }, (_, i): [string, number, number, number] => ["C", 1.5 * i, 0, 0]);
  assert.equal(applicabilityWarnings(molecule(chain)), []);
  const two = [...WATER, ...WATER.map(([s, x, y, z]): [string, number, number, number] => [s, x + 10, y, z])];
  assert.equal(applicabilityWarnings(molecule(two), [1, 5]), [
    "6 atoms, more than the 5 of the largest molecule the model was trained on",
    "2 fragments (3 + 3 atoms) more than 3 A apart",
  ]);
});

test("Hill formula: C, H, then alphabetical; without C all alphabetical", () => {
  assert.is(hillFormula([6, 1, 1, 1, 1]), "CH4");
  assert.is(hillFormula([8, 1, 1]), "H2O");
  assert.is(hillFormula([17, 6, 1, 1, 1, 8, 7]), "CH3ClNO");
  assert.is(hillFormula([14, 1, 1, 1, 1]), "H4Si");
  assert.is(hillFormula([7, 7]), "N2");
  assert.is(hillFormula([]), "");
});

test("extended XYZ: species and pos read from Properties=, extra columns ignored, id from id= then name=", () => {
  const text = [
    "3", 'Properties=species:S:1:pos:R:3:forces:R:3 id=w1 energy=-14.2 pbc="F F F"',
    "O 0 0 0 0.1 0.2 0.3", "H 0.96 0 0 0 0 0", "H -0.24 0.93 0 0 0 0",
    "2", 'Lattice="10 0 0 0 10 0 0 0 10" Properties=Z:I:1:charge:R:1:pos:R:3 name="hydrogen molecule"',
    "1 0.0 0 0 0", "1 0.0 0.74 0 0",
    "2", "Properties=species:S:1:pos:R:3",
    "H 0 0 0", "H 0.74 0 0",
  ].join("\n");
  const { molecules, errors } = parseMolecules(text, { fileName: "dir/a.extxyz" });
  assert.equal(errors, []);
  assert.equal(molecules.map((m) => m.id), ["w1", "hydrogen molecule", "a.extxyz#3"]);
  assert.equal([...molecules[0]!.coords], [0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0]);
  assert.equal(molecules[1]!.symbols, ["H", "H"]);
  assert.equal([...molecules[1]!.coords], [0, 0, 0, 0.74, 0, 0]);
  assert.equal(molecules.map((m) => [m.file, m.line]), [["dir/a.extxyz", 1], ["dir/a.extxyz", 6], ["dir/a.extxyz", 10]]);
});

test("extended XYZ errors: wrong column count, no species or pos column; one item per molecule", () => {
  const text = [
    "2", "Properties=species:S:1:pos:R:3:forces:R:3 id=short", "O 0 0 0", "H 0.96 0 0 0 0 0",
    "1", "Properties=mass:R:1:pos:R:3 id=nospecies", "1.0 0 0 0",
    "1", "Properties=species:S:1 id=nopos", "H",
  ].join("\n");
  const items = [...iterateMolecules(text, { fileName: "e.xyz" })];
  assert.is(items.length, 3);
  const reasons = items.map((it) => ("error" in it ? (it.errors ?? []).map((e) => `${e.line}:${e.reason}`) : []));
  assert.match(reasons[0]![0]!, /^3:expected 7 columns \(as the comment's Properties= says\), found 4/);
  assert.match(reasons[1]![0]!, /^6:extended xyz comment: .*has no species:S:1 \(or Z:I:1\) column/);
  assert.match(reasons[2]![0]!, /has no pos:R:3 column/);
  assert.equal(items.map((it) => ("error" in it ? [it.line, it.error.moleculeId] : null)), [[1, "short"], [5, "nospecies"], [8, "nopos"]]);
});

test("a molecule with several bad lines is one parser item holding all its errors, with where it starts", () => {
  const items = [...iterateMolecules("a\nO 0 0 0\n\nbad\nXx 0 0 0\nH 1 1 q\nH 0 0\n\nc\nN 0 0 0\n", { fileName: "f.txt" })];
  assert.is(items.length, 3);
  const bad = items[1]!;
  assert.ok("error" in bad);
  if (!("error" in bad)) return;
  assert.is(bad.line, 4);
  assert.equal(bad.errors!.map((e) => e.line), [5, 6, 7]);
  assert.is(bad.error, bad.errors![0]);
  const { errors } = parseMolecules("a\nO 0 0 0\n\nbad\nXx 0 0 0\nH 1 1 q\nH 0 0\n");
  assert.is(errors.length, 3, "parseMolecules still lists every error");
});

test.run();
