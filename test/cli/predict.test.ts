// `qdf predict` end to end: the table, the MAE line, per-molecule errors, atomic output, K outputs, usage errors.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { sharedPath } from "../shared.js";
import { qdf, table } from "./run.js";

const MODEL = sharedPath("reference", "pretrained_under14.safetensors");
const UNDER7_TEST = sharedPath("data", "QM9under7atoms_atomizationenergy_eV", "test.txt");
const tmp = mkdtempSync(join(tmpdir(), "qdf-cli-"));


test("table with file, line, id, atoms, formula, values in eV, error, warnings; MAE with unit as stderr's last line", () => {
  const r = qdf(["predict", "--model", MODEL, UNDER7_TEST]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.split("\n")[0], "file\tline\tid\tatoms\tformula\tpredicted_eV\ttrue_eV\tabs_error_eV\terror\twarnings");
  const rows = table(r.stdout);
  assert.is(rows.length, 5);
  assert.equal(rows[0], {
    file: UNDER7_TEST, line: "1", id: "dsgdb9nsd_000004", atoms: "4", formula: "C2H2",
    predicted_eV: rows[0]!.predicted_eV!, true_eV: "-16.716970", abs_error_eV: rows[0]!.abs_error_eV!, error: "", warnings: "",
  });
  // 6 decimals of the float32 value (the reference's is -16.70547866821289).
  assert.match(rows[0]!.predicted_eV!, /^-16\.7054\d\d$/);
  assert.ok(Math.abs(+rows[0]!.predicted_eV! - -16.70547866821289) < 1e-5);
  let mae = 0;
  for (const row of rows) {
    assert.match(row.predicted_eV!, /^-\d+\.\d{6}$/);
    assert.ok(Math.abs(Math.abs(+row.predicted_eV! - +row.true_eV!) - +row.abs_error_eV!) <= 1.5e-6, "abs_error column");
    mae += +row.abs_error_eV! / 5;
  }
  assert.equal(rows.map((row) => row.line), ["1", "8", "16", "26", "36"]);
  const last = r.stderr.trim().split("\n").at(-1)!;
  const m = /^MAE (\S+) eV$/.exec(last);
  assert.ok(m, `last stderr line: ${last}`);
  assert.ok(Math.abs(+m![1]! - mae) < 2e-6);
});

test("input without property lines: no true or abs_error columns, no MAE", () => {
  const r = qdf(["predict", "--model", MODEL, sharedPath("data", "demo", "input.txt")]);
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split("\n");
  assert.is(rows[0], "file\tline\tid\tatoms\tformula\tpredicted_eV\terror\twarnings");
  assert.is(rows.length, 11);
  assert.not.match(r.stderr, /MAE/);
});

test("--out writes atomically: the file appears whole, no temp file left; same content as stdout", () => {
  const out = join(tmp, "pred.tsv");
  const r = qdf(["predict", "--model", MODEL, UNDER7_TEST, "--out", out]);
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(out, "utf8"), qdf(["predict", "--model", MODEL, UNDER7_TEST]).stdout);
  assert.equal(readdirSync(tmp).filter((f) => f.includes(".tmp")), []);
});

test("a failing run leaves an existing --out file untouched", () => {
  const out = join(tmp, "keep.tsv");
  writeFileSync(out, "previous result\n");
  const bad = join(tmp, "bad.safetensors");
  writeFileSync(bad, new Uint8Array([1, 2, 3]));
  const r = qdf(["predict", "--model", bad, UNDER7_TEST, "--out", out]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /safetensors/);
  assert.is(readFileSync(out, "utf8"), "previous result\n");
});

test("an element the model never saw: that molecule's row has the error with file, line and the model's elements", () => {
  const input = join(tmp, "with-si.txt");
  writeFileSync(input, [
    "good1", "C 0 0 0", "H 0.63 0.63 0.63", "H -0.63 -0.63 0.63", "H -0.63 0.63 -0.63", "H 0.63 -0.63 -0.63", "",
    "silane", "Si 0 0 0", "H 0.86 0.86 0.86", "H -0.86 -0.86 0.86", "H -0.86 0.86 -0.86", "H 0.86 -0.86 -0.86", "",
    "good2", "O 0 0 0", "H 0.96 0 0", "H -0.24 0.93 0", "",
  ].join("\n"));
  const r = qdf(["predict", "--model", MODEL, input]);
  assert.is(r.code, 1);
  const message = `${input}:8: molecule silane: element Si not in the model's orbital table; the model knows H, C, N, O, F`;
  assert.ok(r.stderr.includes(`error: ${message}\n`), r.stderr);
  const rows = table(r.stdout);
  assert.equal(rows.map((row) => [row.id, row.formula, row.error]), [["good1", "CH4", ""], ["silane", "H4Si", message], ["good2", "H2O", ""]]);
  assert.is(rows[1]!.predicted_eV, "");
  assert.match(r.stderr, /1 of 3 molecules failed/);
});

test("a parse error names file and line; the other molecules are still predicted", () => {
  const input = join(tmp, "broken.txt");
  writeFileSync(input, "m1\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n\nm2\nO 0 0 zero\nH 0.96 0\n\nm3\nC 0 0 0\nO 1.2 0 0\n");
  const r = qdf(["predict", "--model", MODEL, input]);
  assert.is(r.code, 1);
  assert.ok(r.stderr.includes(`${input}:7: molecule m2`), r.stderr);
  const rows = table(r.stdout);
  assert.equal(rows.map((row) => [row.id, row.line, row.atoms]), [["m1", "1", "3"], ["m2", "6", ""], ["m3", "10", "2"]]);
  assert.match(rows[1]!.error!, /:7: molecule m2: coordinate z "zero" is not a number; .*:8: molecule m2: expected 4 columns/);
  // Two bad lines, one molecule: one failure.
  assert.match(r.stderr, /\n1 of 3 molecules failed/);
});

test("a two-output model gets predicted_1/2, true_1/2, abs_error_1/2", () => {
  const r = qdf(["predict", "--model", sharedPath("reference", "train_under7homolumo_small_init.safetensors"),
    sharedPath("data", "QM9under7atoms_homolumo_eV", "test.txt")]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.split("\n")[0], "file\tline\tid\tatoms\tformula\tpredicted_1_eV\tpredicted_2_eV\t" +
    "true_1_eV\ttrue_2_eV\tabs_error_1_eV\tabs_error_2_eV\terror\twarnings");
  assert.is(r.stdout.trim().split("\n").length, 6);
});

test("xyz input works like QDF text", () => {
  const input = join(tmp, "water.xyz");
  writeFileSync(input, "3\nwater\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n");
  const a = qdf(["predict", "--model", MODEL, input]);
  const b = qdf(["predict", "--model", MODEL, "--format", "qdf", "-"], "water\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n");
  assert.is(a.code, 0, a.stderr);
  assert.is(b.code, 0, b.stderr);
  const [ra, rb] = [table(a.stdout)[0]!, table(b.stdout)[0]!];
  assert.equal([ra.file, rb.file], [input, "<stdin>"]);
  assert.equal({ ...ra, file: "" }, { ...rb, file: "" });
});

test("usage errors exit 2 with a message; --help for the tool and every command exits 0", () => {
  // No --model is fine (the shipped default, test/models/shipped.test.ts); an empty one is a usage error.
  const emptyModel = qdf(["predict", "--model", "", UNDER7_TEST]);
  assert.is(emptyModel.code, 2);
  assert.match(emptyModel.stderr, /--model needs a model file/);
  assert.is(qdf(["frobnicate"]).code, 2);
  const top = qdf(["--help"]);
  assert.is(top.code, 0);
  const names = [...top.stdout.matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]!);
  assert.ok(names.includes("predict"), top.stdout);
  for (const name of names) {
    const h = qdf([name, "--help"]);
    assert.is(h.code, 0, `${name} --help`);
    assert.match(h.stdout, new RegExp(`^usage: qdf ${name}`));
  }
});

test.run();
