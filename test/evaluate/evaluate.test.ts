// `qdf evaluate`: per-size bins, counts, MAE / RMSE / mean signed error against a hand computation; PNGs written.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { modelErrors } from "../../src/evaluate/errors.js";
import { sharedPath } from "../shared.js";
import { qdf } from "../cli/run.js";

const tmp = mkdtempSync(join(tmpdir(), "qdf-evaluate-"));

// The fit file is exactly linear in the counts: H -0.5, C -38 (H2 -1, CH4 -40, CH -38.5).
const FIT = `h2
H 0 0 0
H 0.74 0 0
-1.0

ch4
C 0 0 0
H 1.09 0 0
H -1.09 0 0
H 0 1.09 0
H 0 -1.09 0
-40.0

ch
C 0 0 0
H 1.12 0 0
-38.5
`;
// Predicted by the fit: H2 -1 (true -1.1: error +0.1; true -0.7: -0.3), CH2 -39 (true -39.2: +0.2), CH4 -40 (true -39.5: -0.5).
const DATA = `a
H 0 0 0
H 0.74 0 0
-1.1

b
H 0 0 0
H 0.75 0 0
-0.7

c
C 0 0 0
H 1.09 0 0
H -1.09 0 0
-39.2

d
C 0 0 0
H 1.09 0 0
H -1.09 0 0
H 0 1.09 0
H 0 -1.09 0
-39.5
`;

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

test("bins, counts and the three statistics match a hand computation", () => {
  writeFileSync(join(tmp, "fit.txt"), FIT);
  writeFileSync(join(tmp, "data.txt"), DATA);
  const r = qdf(["evaluate", "--linear-fit", join(tmp, "fit.txt"), join(tmp, "data.txt"), "--by-size", "--out", join(tmp, "ev")]);
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split("\n").map((l) => l.split("\t"));
  assert.equal(rows[0], ["model", "atoms", "n", "MAE", "RMSE", "mean_signed_error"]);
  const want: [string, number, number, number, number][] = [
    ["all", 4, 0.275, Math.sqrt(0.0975), -0.125],
    ["2", 2, 0.2, Math.sqrt(0.05), -0.1],
    ["3", 1, 0.2, 0.2, 0.2],
    ["5", 1, 0.5, 0.5, -0.5],
  ];
  assert.is(rows.length, 1 + want.length);
  want.forEach(([atoms, n, mae, rmse, mse], i) => {
    const row = rows[i + 1]!;
    assert.is(row[0], "linear fit");
    assert.is(row[1], atoms);
    assert.is(Number(row[2]), n);
    close(Number(row[3]), mae, `MAE ${atoms}`);
    close(Number(row[4]), rmse, `RMSE ${atoms}`);
    close(Number(row[5]), mse, `mean signed error ${atoms}`);
  });
  assert.is(readFileSync(join(tmp, "ev.tsv"), "utf8"), r.stdout);
  for (const png of ["ev.mae-by-size.png", "ev.parity.png"]) {
    assert.equal([...readFileSync(join(tmp, png)).subarray(0, 4)], [137, 80, 78, 71], png);
  }
});

test("a model's bins agree with its qdf predict table (n per atom count, per-bin MAE)", () => {
  const model = sharedPath("reference", "pretrained_under14.safetensors");
  const data = sharedPath("data", "QM9under7atoms_atomizationenergy_eV", "test.txt");
  const ev = qdf(["evaluate", "--model", `pre=${model}`, "--model", model, data, "--by-size"]);
  assert.is(ev.code, 0, ev.stderr);
  const pr = qdf(["predict", "--model", model, data, "--workers", "0"]);
  assert.is(pr.code, 0, pr.stderr);
  // Atom counts from the data file itself: lines between the id and the property line.
  const atoms = readFileSync(data, "utf8").trim().split(/\n\s*\n/).map((b) => b.trim().split("\n").length - 2);
  // The predict table's abs_error_eV column (6 decimals, so the bins' MAE agree to 1e-6).
  const [head, ...lines] = pr.stdout.trim().split("\n").map((l) => l.split("\t"));
  const errors = lines.map((cells) => Number(cells[head!.indexOf("abs_error_eV")]));
  const bins = new Map<number, number[]>();
  atoms.forEach((n, i) => bins.set(n, [...(bins.get(n) ?? []), errors[i]!]));
  const rows = ev.stdout.trim().split("\n").slice(1).map((l) => l.split("\t"));
  for (const name of ["pre", "pretrained_under14"]) {
    const mine = rows.filter((r) => r[0] === name && r[1] !== "all");
    assert.equal(mine.map((r) => Number(r[1])), [...bins.keys()].sort((a, b) => a - b), name);
    for (const r of mine) {
      const e = bins.get(Number(r[1]))!;
      assert.is(Number(r[2]), e.length);
      const mae = e.reduce((a, b) => a + b, 0) / e.length;
      assert.ok(Math.abs(Number(r[3]) - mae) <= 1e-6, `${name} MAE at ${r[1]} atoms: ${r[3]} vs ${mae}`);
    }
  }
});

test("molecules without a prediction are skipped, not counted", () => {
  const e = modelErrors([
    { id: "x", nAtoms: 3, predicted: [1], true: [2] },
    { id: "y", nAtoms: 3, error: "bad" },
    { id: "z", nAtoms: 4, predicted: [1, 3], true: [1, 1] },
  ]);
  assert.is(e.skipped, 1);
  assert.equal(e.bySize.map((b) => [b.atoms, b.stats.n]), [[3, 1], [4, 1]]);
  close(e.overall.mae, (1 + 0 + 2) / 3, "MAE over outputs");
});

test.run();
