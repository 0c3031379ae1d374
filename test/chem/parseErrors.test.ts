// Bad molecule input: each error names file, line and molecule id, and the good molecules around it survive.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MoleculeParseError, parseMolecules } from "../../src/chem/parse.js";
import { repoRoot } from "../shared.js";

/** [line, molecule id, a piece of the reason] */
type Expected = [number, string | undefined, string];

/** Parses test/fixtures/bad/<name> and checks the good molecules' ids and every error. */
function check(name: string, goodIds: string[], expected: Expected[]) {
  const path = join(repoRoot, "test", "fixtures", "bad", name);
  const { molecules, errors } = parseMolecules(readFileSync(path, "utf8"), { fileName: path });
  assert.equal(
    molecules.map((m) => m.id),
    goodIds,
    `${name}: good molecules`,
  );
  assert.equal(
    errors.map((e) => [e.line, e.moleculeId]),
    expected.map(([line, id]) => [line, id]),
    `${name}: error lines and ids`,
  );
  errors.forEach((e, i) => {
    const [line, id, reason] = expected[i]!;
    assert.instance(e, MoleculeParseError);
    assert.instance(e, Error);
    assert.is(e.file, path);
    assert.ok(e.reason.includes(reason), `${name}: "${e.reason}" should mention "${reason}"`);
    assert.is(e.message, `${path}:${line}: molecule ${id ?? "(unknown id)"}: ${e.reason}`);
  });
}

test("QDF: unknown element symbol", () => {
  check("unknown-element.txt", ["good1", "good2"], [[8, "bad", 'unknown element "Xx"']]);
});

test("QDF: wrong number of columns", () => {
  check(
    "columns.txt",
    ["good1", "good2"],
    [
      [6, "threecols", "expected 4 columns"],
      [10, "fivecols", "found 5"],
    ],
  );
});

test("QDF: non-numeric and non-finite coordinates", () => {
  check(
    "coordinates.txt",
    ["good1", "good2"],
    [
      [6, "word", 'coordinate x "abc" is not a number'],
      [9, "nan", 'coordinate y "NaN" is not a finite number'],
      [12, "infinity", 'coordinate z "Infinity" is not a finite number'],
      [15, "overflow", '"1e999" is not a finite number'],
      [18, "hex", '"0x10" is not a number'],
    ],
  );
});

test("QDF: molecule without atoms", () => {
  check(
    "no-atoms.txt",
    ["good1", "good2"],
    [
      [6, "empty", "no atom lines"],
      [8, "onlyprops", "no atom lines"],
    ],
  );
});

test("QDF: property count differs from the first molecule's", () => {
  check(
    "property-count.txt",
    ["first", "good", "last"],
    [
      [8, "two", "2 value(s), the file's first molecule has 1"],
      [16, "none", "missing property line"],
    ],
  );
});

test("QDF: first molecule without properties, a later one with", () => {
  check("property-first-none.txt", ["first", "good"], [[7, "withprop", "first molecule has none"]]);
});

test("QDF: non-numeric and non-finite property values", () => {
  check(
    "property-value.txt",
    ["good1", "good2"],
    [
      [7, "word", 'property value "abc" is not a number'],
      [11, "overflow", '"-1e999" is not a finite number'],
      [15, "nan", 'property value "nan" is not a finite number'],
    ],
  );
});

test("xyz: atom-count line that is not a positive integer", () => {
  check(
    "xyz-count.xyz",
    ["good1", "good2"],
    [
      [4, "word", '"three" is not a positive integer'],
      [7, "zero", '"0" is not a positive integer'],
      [9, "negative", '"-2" is not a positive integer'],
      [12, "fraction", '"2.5" is not a positive integer'],
    ],
  );
});

test("xyz: atom count disagrees with the atom lines", () => {
  check(
    "xyz-mismatch.xyz",
    ["good1", "good2"],
    [
      [5, "tooFew", "says 3 atom(s) but 2 atom line(s) follow"],
      [9, "tooMany", "says 2 atom(s) but 3 atom line(s) follow"],
    ],
  );
});

test("xyz: bad atom lines", () => {
  check(
    "xyz-atoms.xyz",
    ["good1", "xyz-atoms.xyz#5"],
    [
      [6, "unknown", 'unknown element "Q"'],
      [10, "columns", "found 5"],
      [14, "coord", 'coordinate z "inf" is not a finite number'],
    ],
  );
});

test("inline cases: misplaced property line, split molecule, truncated xyz, default file name", () => {
  const mid = parseMolecules("a\nH 0 0 0\n1.0\nH 1 0 0\n2.0\n\nb\nH 0 0 0\n3.0\n");
  assert.equal(
    mid.molecules.map((m) => m.id),
    ["b"],
  );
  assert.equal(
    mid.errors.map((e) => [e.file, e.line, e.moleculeId]),
    [["<input>", 3, "a"]],
  );
  assert.ok(mid.errors[0]!.reason.includes("property line must be the molecule's last line"));

  // A stray blank line inside a molecule: the second half has no id.
  const split = parseMolecules("a\nC 0 0 0\n\nH 1 0 0\n-1.0\n\nb\nH 0 0 0\n", { fileName: "s.txt" });
  assert.equal(
    split.molecules.map((m) => m.id),
    ["a", "b"],
  );
  assert.equal(
    split.errors.map((e) => [e.file, e.line, e.moleculeId]),
    [["s.txt", 4, undefined]],
  );
  assert.match(split.errors[0]!.message, /^s\.txt:4: molecule \(unknown id\): expected a molecule id/);

  const truncated = parseMolecules("1\nok\nH 0 0 0\n2\n", { fileName: "t.xyz" });
  assert.equal(
    truncated.molecules.map((m) => m.id),
    ["ok"],
  );
  assert.equal(
    truncated.errors.map((e) => [e.line, e.moleculeId]),
    [[4, "t.xyz#2"]],
  );
});

test.run();
