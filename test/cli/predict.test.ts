// `qdf predict` end to end: the TSV, the MAE line, per-molecule errors, atomic output, K outputs, usage errors.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { sharedPath } from "../shared.js";
import { qdf } from "./run.js";

const MODEL = sharedPath("reference", "pretrained_under14.safetensors");
const UNDER7_TEST = sharedPath("data", "QM9under7atoms_atomizationenergy_eV", "test.txt");
const tmp = mkdtempSync(join(tmpdir(), "qdf-cli-"));

test("TSV with id, predicted, true, abs_error; MAE with unit as stderr's last line", () => {
  const r = qdf(["predict", "--model", MODEL, UNDER7_TEST]);
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split("\n").map((l) => l.split("\t"));
  assert.equal(rows[0], ["id", "predicted", "true", "abs_error"]);
  assert.is(rows.length, 6);
  assert.is(rows[1]![0], "dsgdb9nsd_000004");
  assert.ok(Math.abs(+rows[1]![1]! - -16.70547866821289) < 1e-4);
  let mae = 0;
  for (const row of rows.slice(1)) {
    assert.ok(Math.abs(Math.abs(+row[1]! - +row[2]!) - +row[3]!) < 1e-9, "abs_error column");
    mae += +row[3]! / 5;
  }
  const last = r.stderr.trim().split("\n").at(-1)!;
  const m = /^MAE (\S+) eV$/.exec(last);
  assert.ok(m, `last stderr line: ${last}`);
  assert.ok(Math.abs(+m![1]! - mae) < 1e-9);
});

test("input without property lines: id and predicted only, no MAE", () => {
  const r = qdf(["predict", "--model", MODEL, sharedPath("data", "demo", "input.txt")]);
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split("\n");
  assert.is(rows[0], "id\tpredicted");
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

test("an element the model never saw is an error for that molecule, named; the others are predicted", () => {
  const input = join(tmp, "with-si.txt");
  writeFileSync(input, [
    "good1", "C 0 0 0", "H 0.63 0.63 0.63", "H -0.63 -0.63 0.63", "H -0.63 0.63 -0.63", "H 0.63 -0.63 -0.63", "",
    "silane", "Si 0 0 0", "H 0.86 0.86 0.86", "H -0.86 -0.86 0.86", "H -0.86 0.86 -0.86", "H 0.86 -0.86 -0.86", "",
    "good2", "O 0 0 0", "H 0.96 0 0", "H -0.24 0.93 0", "",
  ].join("\n"));
  const r = qdf(["predict", "--model", MODEL, input]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /molecule silane: element\(s\) Si not in the model's orbital table/);
  const ids = r.stdout.trim().split("\n").slice(1).map((l) => l.split("\t")[0]);
  assert.equal(ids, ["good1", "good2"]);
});

test("a parse error names file and line; the other molecules are still predicted", () => {
  const input = join(tmp, "broken.txt");
  writeFileSync(input, "m1\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n\nm2\nO 0 0 zero\nH 0.96 0 0\n\nm3\nC 0 0 0\nO 1.2 0 0\n");
  const r = qdf(["predict", "--model", MODEL, input]);
  assert.is(r.code, 1);
  assert.match(r.stderr, new RegExp(`${input.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:7: molecule m2`));
  assert.equal(r.stdout.trim().split("\n").slice(1).map((l) => l.split("\t")[0]), ["m1", "m3"]);
});

test("a two-output model gets predicted_1/2, true_1/2, abs_error_1/2", () => {
  const r = qdf(["predict", "--model", sharedPath("reference", "train_under7homolumo_small_init.safetensors"),
    sharedPath("data", "QM9under7atoms_homolumo_eV", "test.txt")]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.split("\n")[0], "id\tpredicted_1\tpredicted_2\ttrue_1\ttrue_2\tabs_error_1\tabs_error_2");
  assert.is(r.stdout.trim().split("\n").length, 6);
});

test("xyz input works like QDF text", () => {
  const input = join(tmp, "water.xyz");
  writeFileSync(input, "3\nwater\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n");
  const a = qdf(["predict", "--model", MODEL, input]);
  const b = qdf(["predict", "--model", MODEL, "--format", "qdf", "-"], "water\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n");
  assert.is(a.code, 0, a.stderr);
  assert.is(a.stdout, b.stdout);
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
