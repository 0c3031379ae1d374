// `qdf train --architecture gcn` end to end: resume continues exactly, --atomref fit is stored and added back by predict and evaluate.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors.js";
import { atomrefOffset, parseAtomref } from "../../src/chem/atomref.js";
import { parseSplit } from "../../src/train/dataset.js";
import { sharedPath } from "../shared.js";
import { qdf, table } from "../cli/run.js";
import { repoRoot } from "../shared.js";

const DATA = sharedPath("data", "QM9under7atoms_atomizationenergy_eV");
const tmp = mkdtempSync(join(tmpdir(), "qdf-gcn-"));
const SMALL = ["--architecture", "gcn", "--data", DATA, "--dim", "8", "--layers", "2", "--output-layers", "1", "--batch", "8", "--seed", "3"];

test("two epochs in one run equal one epoch, then --resume to two (weights bit-identical)", () => {
  const a = join(tmp, "a.safetensors"), b = join(tmp, "b.safetensors");
  let r = qdf(["train", ...SMALL, "--out", a, "--epochs", "2"]);
  assert.is(r.code, 0, r.stderr);
  r = qdf(["train", ...SMALL, "--out", b, "--epochs", "1"]);
  assert.is(r.code, 0, r.stderr);
  r = qdf(["train", ...SMALL, "--out", b, "--epochs", "2", "--resume"]);
  assert.is(r.code, 0, r.stderr);
  const ta = readSafetensors(new Uint8Array(readFileSync(a))), tb = readSafetensors(new Uint8Array(readFileSync(b)));
  assert.is(ta.metadata.architecture, "gcn");
  for (const [name, t] of ta.tensors) assert.equal(Array.from(tb.tensors.get(name)!.data), Array.from(t.data), name);
  assert.is(readFileSync(join(tmp, "b.log.tsv"), "utf8").trim().split("\n").length, 3);
  // A QDF checkpoint option mix is refused, and a GCN checkpoint does not resume another configuration.
  r = qdf(["train", ...SMALL, "--out", b, "--epochs", "3", "--resume", "--dim", "9"]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /does not belong to this run: its dim is 8, this run's is 9/);
  r = qdf(["train", ...SMALL, "--out", b, "--basis", "3-21G"]);
  assert.is(r.code, 2);
});

test("--atomref fit: stored in the model; predict adds it to the network's output", () => {
  const out = join(tmp, "ref.safetensors");
  const r = qdf(["train", ...SMALL, "--out", out, "--epochs", "1", "--atomref", "fit"]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /atomref \(least squares on 34 training molecules\)/);
  const file = readSafetensors(new Uint8Array(readFileSync(out)));
  const ref = parseAtomref(file.metadata.atomref!, 1);
  assert.equal(Object.keys(ref).sort(), ["C", "F", "H", "N", "O"]);
  // The same weights without the atomref: the network's own (residual) output.
  const { atomref: _, ...rest } = file.metadata;
  const bare = join(tmp, "bare.safetensors");
  writeFileSync(bare, writeSafetensors(file.tensors, rest));
  const test = join(DATA, "test.txt");
  const p1 = qdf(["predict", "--model", out, test, "--workers", "0"]), p0 = qdf(["predict", "--model", bare, test, "--workers", "0"]);
  assert.is(p1.code, 0, p1.stderr);
  const mols = parseSplit(readFileSync(test, "utf8"), test);
  // A column of a predict table by name (values have 6 decimals of eV).
  const column = (s: string, name: string) => {
    const [head, ...lines] = s.trim().split("\n").map((l) => l.split("\t"));
    return lines.map((cells) => Number(cells[head!.indexOf(name)]));
  };
  const col = (s: string) => column(s, "predicted_eV");
  const withRef = col(p1.stdout), without = col(p0.stdout);
  mols.forEach((m, i) => {
    const want = without[i]! + atomrefOffset(m, ref, 1)[0]!;
    assert.ok(Math.abs(withRef[i]! - want) <= 1.5e-6, `${m.id}: ${withRef[i]} vs ${want}`);
  });
  // The training run's test table is in the user's units too (true column = the file's values).
  const trueCol = column(readFileSync(join(tmp, "ref.test.tsv"), "utf8"), "true_eV");
  trueCol.forEach((t, i) => assert.ok(Math.abs(t - mols[i]!.properties![0]!) <= 5e-7, "true column"));
});

test("the model records its training atom-count range; predict warns beyond it, as for QDF", () => {
  const out = join(tmp, "range.safetensors");
  let r = qdf(["train", ...SMALL, "--out", out, "--epochs", "1"]);
  assert.is(r.code, 0, r.stderr);
  const train = parseSplit(readFileSync(join(DATA, "train.txt"), "utf8"), "train.txt").map((m) => m.symbols.length);
  const want = [train.reduce((a, b) => Math.min(a, b)), train.reduce((a, b) => Math.max(a, b))];
  const meta = readSafetensors(new Uint8Array(readFileSync(out))).metadata;
  assert.is(meta.atom_count_range, JSON.stringify(want));
  // examples/molecules.txt: QM9 molecules of up to 14 atoms, beyond this training set's largest.
  const input = join(repoRoot, "examples", "molecules.txt");
  r = qdf(["predict", "--model", out, input, "--workers", "0"]);
  assert.is(r.code, 0, r.stderr);
  const mols = parseSplit(readFileSync(input, "utf8"), input);
  const rows = table(r.stdout);
  assert.is(rows.length, mols.length);
  let beyond = 0;
  mols.forEach((m, i) => {
    const big = m.symbols.length > want[1]!;
    if (big) beyond++;
    assert.is(rows[i]!.warnings!.includes(`more than the ${want[1]} of the largest molecule`), big, m.id);
  });
  assert.ok(beyond > 0, "the input has molecules beyond the range");
});

/** Largest |a - b| over a tensor, as a fraction of a's largest magnitude, by name. */
function weightDiffs(a: string, b: string): [string, number][] {
  const ta = readSafetensors(new Uint8Array(readFileSync(a))), tb = readSafetensors(new Uint8Array(readFileSync(b)));
  return [...ta.tensors].map(([name, t]) => {
    const u = tb.tensors.get(name)!.data;
    let max = 0, diff = 0;
    t.data.forEach((x, i) => { max = Math.max(max, Math.abs(x)); diff = Math.max(diff, Math.abs(x - u[i]!)); });
    return [name, diff / Math.max(max, 1e-30)];
  });
}

test("--workers 2: the one-thread weights up to float rounding (1e-5 of a tensor's largest magnitude), also resumed with --workers 1", () => {
  const one = join(tmp, "w1.safetensors"), two = join(tmp, "w2.safetensors"), mixed = join(tmp, "wm.safetensors");
  for (const [out, extra] of [[one, ["--epochs", "2"]], [two, ["--epochs", "2", "--workers", "2"]], [mixed, ["--epochs", "1", "--workers", "2"]],
                              [mixed, ["--epochs", "2", "--workers", "1", "--resume"]]] as const) {
    const r = qdf(["train", ...SMALL, "--out", out, ...extra]);
    assert.is(r.code, 0, r.stderr);
  }
  for (const [what, file] of [["--workers 2", two], ["--workers 2 then --resume --workers 1", mixed]] as const) {
    for (const [name, err] of weightDiffs(one, file)) assert.ok(err <= 1e-5, `${what}: ${name} differs by ${err.toExponential(2)} of its largest magnitude`);
  }
  assert.is(readFileSync(join(tmp, "wm.log.tsv"), "utf8").trim().split("\n").length, 3);
});

test.run();
