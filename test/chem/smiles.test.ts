// SMILES and CSV records (ids, line numbers, errors), attachment point marking, and format detection: no embedding here.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { iterateSmiles, markAttachmentPoints } from "../../src/chem/smiles.js";
import { iterateCsvRows, iterateCsvSmiles } from "../../src/chem/csv.js";
import { detectFormat, iterateInputItems, iterateMolecules } from "../../src/chem/parse.js";
import { repoRoot } from "../shared.js";

const fixture = (name: string) => join(repoRoot, "test", "fixtures", "smiles", name);

test(".smi: both line forms, comments and blanks skipped, ids and 1-based lines", () => {
  const path = fixture("mixed.smi");
  const items = [...iterateSmiles(readFileSync(path, "utf8"), path)];
  const records = items.flatMap((i) => ("record" in i ? [[i.record.id, i.record.smiles, i.record.line]] : []));
  assert.equal(records, [
    ["ethanol", "CCO", 2], ["bad_ring", "C1CC", 3], ["acetic_acid", "CC(=O)O", 5], ["charged", "[NH4+]", 6],
    ["mixed.smi#7", "no_smiles", 7], ["mixed.smi#8", "c1ccccc1", 8], ["styrene_unit", "*CC(*)c1ccccc1", 9],
  ]);
});

test(".smi: a tab line without SMILES and one with extra fields are errors naming file, line and id", () => {
  const items = [...iterateSmiles("a\tCC\nb\t\t\nc\tCC\tx\n", "in.smi")];
  const errors = items.flatMap((i) => ("error" in i ? [i.error] : []));
  assert.equal(errors.map((e) => [e.file, e.line, e.moleculeId]), [["in.smi", 3, "c"]]);
  assert.ok(errors[0]!.message.startsWith("in.smi:3: molecule c: "));
  // "b\t\t" loses its trailing tabs: a Daylight line whose SMILES is "b" (embedding reports it if it is no SMILES).
  assert.equal(items.flatMap((i) => ("record" in i ? [i.record.id] : [])), ["a", "in.smi#2"]);
});

test("CSV: quoted fields (commas, doubled quotes), chosen columns, row errors with their line", () => {
  const rows = [...iterateCsvRows('a,b\n"x, ""y""",2\r\n"multi\nline",3\n')];
  assert.equal(rows, [{ line: 1, fields: ["a", "b"] }, { line: 2, fields: ['x, "y"', "2"] }, { line: 3, fields: ["multi\nline", "3"] }]);
  const path = fixture("polymers.csv");
  const items = [...iterateCsvSmiles(readFileSync(path, "utf8"), path, { propertyColumns: ["value"] })];
  assert.equal(items.map((i) => ("record" in i ? [i.record.id, i.record.smiles, i.record.line, i.record.properties] : [i.error.moleculeId, i.error.line, i.error.reason])), [
    ["P1", "*CC*", 2, [1.5]], ["P2", "*CC(*)C", 3, [1.4]], ["P3", 4, 'empty "smiles" column'],
    ["P4", 5, 'column "value" is "abc", not a number'], ["P,5", "*C(F)(F)C(*)(F)F", 6, [1.35]],
  ]);
  assert.throws(() => [...iterateCsvSmiles("id,smi\n1,C\n", "x.csv")], /x\.csv: no column "smiles" \(columns: id, smi\)/);
});

test("attachment points: *, [*], [*:1], [1*] are marked in order; other bracket atoms kept", () => {
  assert.equal(markAttachmentPoints("*CC(*)c1ccccc1"), { smiles: "[At]CC([At])c1ccccc1", points: 2 });
  assert.equal(markAttachmentPoints("[*]OC(=O)[*:2]"), { smiles: "[At]OC(=O)[At]", points: 2 });
  assert.equal(markAttachmentPoints("[1*]C[NH3+]"), { smiles: "[At]C[NH3+]", points: 1 });
  assert.equal(markAttachmentPoints("CCO"), { smiles: "CCO", points: 0 });
  assert.throws(() => markAttachmentPoints("C[At]"), /reserved/);
});

test("format detection by extension and content; SMILES without an embedder is refused", () => {
  assert.is(detectFormat("", "a.smi"), "smiles");
  assert.is(detectFormat("", "a.SDF"), "sdf");
  assert.is(detectFormat("", "a.mol"), "sdf");
  assert.is(detectFormat("", "a.csv"), "csv");
  assert.is(detectFormat("", "a.txt", "smiles"), "csv");
  assert.is(detectFormat("title\nprog\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n", "<stdin>"), "sdf");
  assert.is(detectFormat("3\nwater\n", "<stdin>"), "xyz");
  assert.is(detectFormat("mol1\nH 0 0 0\n", "<stdin>"), "qdf");
  assert.equal([...iterateInputItems("x\tCCO\n", { fileName: "a.smi" })], [{ record: { id: "x", smiles: "CCO", file: "a.smi", line: 1 } }]);
  assert.throws(() => [...iterateMolecules("x\tCCO\n", { fileName: "a.smi" })], /a\.smi holds SMILES: they need 3D embedding/);
});

test.run();
