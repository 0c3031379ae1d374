// `qdf predict` options: --format csv/jsonl, --unit, --strict and warnings, ensembles, --out checks, empty input.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readModelFile, writeModelFile } from "../../src/model/modelFile.js";
import { ENERGY_UNITS } from "../../src/io/units.js";
import { sharedPath } from "../shared.js";
import { qdf, table } from "./run.js";

// Small models (dim 16) keep each run short; two different ones make a real ensemble.
const A = sharedPath("reference", "train_under7_small_final.safetensors");
const B = sharedPath("reference", "train_under7_small_init.safetensors");
const UNDER7_TEST = sharedPath("data", "QM9under7atoms_atomizationenergy_eV", "test.txt");
const tmp = mkdtempSync(join(tmpdir(), "qdf-cli-opt-"));


test("--output-format csv quotes what needs it; jsonl has the same fields, numbers and null; TSV values agree", () => {
  const input = join(tmp, "quoted.txt");
  writeFileSync(input, 'water, "wet"\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n\nbad\nXx 0 0 0\n');
  const tsv = qdf(["predict", "--model", A, "--workers", "0", input]);
  const csv = qdf(["predict", "--model", A, "--workers", "0", "--output-format", "csv", input]);
  const jsonl = qdf(["predict", "--model", A, "--workers", "0", "--output-format", "jsonl", input]);
  assert.is(csv.code, 1, csv.stderr);
  const lines = csv.stdout.trimEnd().split("\n");
  assert.is(lines[0], "file,line,id,atoms,formula,predicted_eV,error,warnings");
  const value = table(tsv.stdout)[0]!.predicted_eV!;
  assert.is(lines[1], `${input},1,"water, ""wet""",3,H2O,${value},,`);
  assert.ok(lines[2]!.startsWith(`${input},6,bad,,,,"${input}:7: molecule bad: unknown element ""Xx"""`), lines[2]);
  const objs = jsonl.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.equal(objs[0], { file: input, line: 1, id: 'water, "wet"', atoms: 3, formula: "H2O", predicted_eV: Number(value), error: null, warnings: [] });
  assert.is(objs[1].predicted_eV, null);
  assert.match(objs[1].error, /unknown element "Xx"/);
  // --out's extension picks the format when --format is absent.
  const out = join(tmp, "p.jsonl");
  assert.is(qdf(["predict", "--model", A, "--workers", "0", input, "--out", out]).code, 1);
  assert.is(readFileSync(out, "utf8"), jsonl.stdout);
});

test("--unit converts energies (header, values, MAE) and refuses what it cannot convert", () => {
  const ev = qdf(["predict", "--model", A, "--workers", "0", UNDER7_TEST]);
  const kcal = qdf(["predict", "--model", A, "--workers", "0", "--unit", "kcal/mol", UNDER7_TEST]);
  const ha = qdf(["predict", "--model", A, "--workers", "0", "--unit", "hartree", UNDER7_TEST]);
  assert.is(kcal.code, 0, kcal.stderr);
  const [e, k, h] = [table(ev.stdout), table(kcal.stdout), table(ha.stdout)];
  assert.ok("predicted_kcal_mol" in k[0]! && "abs_error_kcal_mol" in k[0]! && "true_hartree" in h[0]!, kcal.stdout.split("\n")[0]);
  e.forEach((row, i) => {
    const eV = +row.predicted_eV!;
    assert.ok(Math.abs(+k[i]!.predicted_kcal_mol! - eV / ENERGY_UNITS["kcal/mol"]) <= 2e-5, "kcal/mol");
    assert.ok(Math.abs(+h[i]!.predicted_hartree! - eV / 27.211386245988) <= 2e-7, "hartree");
    assert.match(k[i]!.predicted_kcal_mol!, /\.\d{5}$/);
    assert.match(h[i]!.predicted_hartree!, /\.\d{7}$/);
  });
  // 1 eV = 23.0605 kcal/mol
  assert.ok(Math.abs(1 / ENERGY_UNITS["kcal/mol"] - 23.0605478) < 1e-6);
  assert.match(kcal.stderr.trim().split("\n").at(-1)!, /^MAE \d+\.\d{5} kcal\/mol$/);
  const bad = qdf(["predict", "--model", A, "--unit", "kJ", UNDER7_TEST]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--unit must be eV, kcal\/mol, hartree/);
  // A property with no energy unit converts to nothing.
  const m = readModelFile(readFileSync(A));
  const dipole = join(tmp, "dipole.safetensors");
  writeFileSync(dipole, writeModelFile({ ...m, config: { ...m.config, property: "dipole moment (D)" } }));
  const d = qdf(["predict", "--model", dipole, "--unit", "eV", "--workers", "0", UNDER7_TEST]);
  assert.is(d.code, 2, d.stderr);
  assert.match(d.stderr, /cannot be converted to eV/);
  assert.is(table(qdf(["predict", "--model", dipole, "--workers", "0", UNDER7_TEST]).stdout)[0]!.predicted_D!.length > 0, true);
});

test("warnings: single atom, close atoms, fragments, more atoms than trained on; --strict makes them errors", () => {
  const m = readModelFile(readFileSync(A));
  const ranged = join(tmp, "ranged.safetensors");
  writeFileSync(ranged, writeModelFile({ ...m, config: { ...m.config, atomCountRange: [2, 4] } }));
  const input = join(tmp, "odd.txt");
  writeFileSync(input, [
    "water", "O 0 0 0", "H 0.96 0 0", "H -0.24 0.93 0", "",
    "lone", "H 0 0 0", "",
    "clash", "O 0 0 0", "H 0.3 0 0", "H -0.24 0.93 0", "",
    "two", "O 0 0 0", "H 0.96 0 0", "H 5 0 0", "H 5.74 0 0", "",
    "methane", "C 0 0 0", "H 0.63 0.63 0.63", "H -0.63 -0.63 0.63", "H -0.63 0.63 -0.63", "H 0.63 -0.63 -0.63", "",
  ].join("\n"));
  const r = qdf(["predict", "--model", ranged, "--workers", "0", input]);
  assert.is(r.code, 0, r.stderr);
  const rows = table(r.stdout);
  assert.equal(rows.map((row) => row.warnings), [
    "",
    "a single atom, not a molecule (the model was trained on molecules)",
    "atoms 1 (O) and 2 (H) are 0.30 A apart, closer than 0.5 A",
    "2 fragments (2 + 2 atoms) more than 3 A apart",
    "5 atoms, more than the 4 of the largest molecule the model was trained on",
  ]);
  assert.ok(rows.every((row) => row.predicted_eV !== "" && row.error === ""));
  assert.ok(r.stderr.includes(`warning: ${input}:6: molecule lone: a single atom`), r.stderr);
  assert.match(r.stderr, /4 of 5 molecules have applicability warnings/);

  const s = qdf(["predict", "--model", ranged, "--workers", "0", "--strict", input]);
  assert.is(s.code, 1);
  const strict = table(s.stdout);
  assert.equal(strict.map((row) => row.predicted_eV === ""), [false, true, true, true, true]);
  assert.is(strict[1]!.error, `${input}:6: molecule lone: refused (strict): a single atom, not a molecule (the model was trained on molecules)`);
  assert.match(s.stderr, /4 of 5 molecules failed/);
});

test("ensemble: mean, sample std and per-model columns; the same with and without workers", () => {
  const one = (model: string) => table(qdf(["predict", "--model", model, "--workers", "0", UNDER7_TEST]).stdout);
  const [a, b] = [one(A), one(B)];
  const r0 = qdf(["predict", "--model", A, "--model", B, "--workers", "0", UNDER7_TEST]);
  const r2 = qdf(["predict", "--model", A, "--model", B, "--workers", "2", UNDER7_TEST]);
  assert.is(r0.code, 0, r0.stderr);
  assert.is(r0.stdout.split("\n")[0], "file\tline\tid\tatoms\tformula\tpredicted_eV\tstd_eV\ttrue_eV\tabs_error_eV\t" +
    "model1_eV\tmodel2_eV\terror\twarnings");
  assert.is(r2.stdout, r0.stdout);
  table(r0.stdout).forEach((row, i) => {
    const [x, y] = [+a[i]!.predicted_eV!, +b[i]!.predicted_eV!];
    assert.is(row.model1_eV, a[i]!.predicted_eV);
    assert.is(row.model2_eV, b[i]!.predicted_eV);
    assert.ok(Math.abs(+row.predicted_eV! - (x + y) / 2) <= 1.5e-6, "mean");
    // n - 1: for two models the sample std is |x - y| / sqrt(2) (the population one would be |x - y| / 2).
    assert.ok(Math.abs(+row.std_eV! - Math.abs(x - y) / Math.SQRT2) <= 2e-6, `std ${row.std_eV} for ${x}, ${y}`);
  });
  const other = qdf(["predict", "--model", A, "--model", sharedPath("reference", "train_under7homolumo_small_init.safetensors"), UNDER7_TEST]);
  assert.is(other.code, 2);
  assert.match(other.stderr, /cannot form an ensemble: model 2 predicts 2 value\(s\)/);
});

test("--out is checked before any work, naming the user's path; an empty input is an error", () => {
  const missing = join(tmp, "no-such-folder", "p.tsv");
  const r1 = qdf(["predict", "--model", A, UNDER7_TEST, "--out", missing]);
  assert.is(r1.code, 2);
  assert.ok(r1.stderr.includes(`--out ${missing}: the folder ${join(tmp, "no-such-folder")} does not exist`), r1.stderr);
  assert.not.match(r1.stderr, /\.tmp/);
  const dir = join(tmp, "adir");
  mkdirSync(dir);
  const r2 = qdf(["predict", "--model", A, UNDER7_TEST, "--out", dir]);
  assert.is(r2.code, 2);
  assert.match(r2.stderr, /is a folder/);
  const copy = join(tmp, "input-copy.txt");
  writeFileSync(copy, readFileSync(UNDER7_TEST));
  const r3 = qdf(["predict", "--model", A, copy, "--out", copy]);
  assert.is(r3.code, 2);
  assert.match(r3.stderr, /is also an INPUT/);
  assert.is(readFileSync(copy, "utf8"), readFileSync(UNDER7_TEST, "utf8"));
  const r4 = qdf(["predict", "--model", A, UNDER7_TEST, "--out", A]);
  assert.is(r4.code, 2);
  assert.match(r4.stderr, /is also a --model/);
  assert.equal(readdirSync(tmp).filter((f) => f.includes(".tmp")), []);

  const empty = join(tmp, "empty.txt");
  writeFileSync(empty, "\n  \n");
  const r5 = qdf(["predict", "--model", A, empty, "--out", join(tmp, "never.tsv")]);
  assert.is(r5.code, 1);
  assert.ok(r5.stderr.includes(`no molecules in ${empty} (the input is empty)`), r5.stderr);
  assert.is(r5.stdout, "");
  assert.not.ok(existsSync(join(tmp, "never.tsv")));
  assert.is(qdf(["predict", "--model", A, "-"], "").code, 1);
});

test("extended XYZ from ASE predicts like the plain form, its id from id=", () => {
  const ext = join(tmp, "water.extxyz");
  writeFileSync(ext, '3\nProperties=species:S:1:pos:R:3:forces:R:3 id=w1 energy=-14.2 pbc="F F F"\n' +
    "O 0 0 0 0.1 0.2 0.3\nH 0.96 0 0 0 0 0\nH -0.24 0.93 0 0 0 0\n");
  const plain = qdf(["predict", "--model", A, "--workers", "0", "--format", "qdf", "-"], "w1\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n");
  const r = qdf(["predict", "--model", A, "--workers", "0", ext]);
  assert.is(r.code, 0, r.stderr);
  const [x, p] = [table(r.stdout)[0]!, table(plain.stdout)[0]!];
  assert.equal([x.id, x.formula, x.predicted_eV], [p.id, p.formula, p.predicted_eV]);
});

test.run();
