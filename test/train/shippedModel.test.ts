// The shipped model (models/qdf-small.safetensors): its MAE stated in models/README.md, reproduced with `qdf predict`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, sharedPath } from "../shared.js";

const model = join(repoRoot, "models", "qdf-small.safetensors");
const readme = readFileSync(join(repoRoot, "models", "README.md"), "utf8");
const examples = join(repoRoot, "examples", "molecules.txt");

/** A number the README states on a line matching `label`. */
function stated(label: RegExp): number {
  const m = label.exec(readme);
  if (!m) throw new Error(`models/README.md has no line matching ${label}`);
  return Number(m[1]);
}

function predictMae(input: string): { mae: number; rows: string[] } {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin", "qdf.js"), "predict", "--model", model, input], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  const m = /MAE ([0-9.eE+-]+) eV/.exec(r.stderr);
  assert.ok(m, `no MAE line in: ${r.stderr}`);
  return { mae: Number(m![1]), rows: r.stdout.trim().split("\n").slice(1) };
}

/** The README's split of QM9under14's val.txt: molecule i (0-based) goes to test if i % 10 == 0, val if 1, else train. */
function splitOf(text: string): { test: string[]; train: string[] } {
  const blocks = text.trim().split(/\n\s*\n/);
  return { test: blocks.filter((_, i) => i % 10 === 0), train: blocks.filter((_, i) => i % 10 > 1) };
}

test("the model file is at most 2 MB", () => {
  assert.ok(statSync(model).size <= 2 * 1024 * 1024, `${statSync(model).size} bytes`);
});

test("qdf predict on examples/molecules.txt gives the MAE models/README.md states", () => {
  const { mae, rows } = predictMae(examples);
  assert.is(rows.length, 10);
  const want = stated(/MAE on examples\/molecules\.txt[^:\n]*: ([0-9.]+) eV/);
  assert.ok(Math.abs(mae - want) < 5e-4, `MAE ${mae} vs stated ${want}`);
});

const under14 = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
test("qdf predict on the held-out test split gives the MAE models/README.md states; the examples are held out", () => {
  assert.ok(existsSync(under14), `${under14} not found: the tests read ../shared`);
  const { test: held, train } = splitOf(readFileSync(under14, "utf8"));
  const trainIds = new Set(train.map((b) => b.split("\n")[0]!.trim()));
  const heldIds = new Set(held.map((b) => b.split("\n")[0]!.trim()));
  for (const b of readFileSync(examples, "utf8").trim().split(/\n\s*\n/)) {
    const id = b.split("\n")[0]!.trim();
    assert.ok(heldIds.has(id) && !trainIds.has(id), `example ${id} is not a held-out test molecule`);
  }
  const dir = mkdtempSync(join(tmpdir(), "qdf-shipped-"));
  try {
    const file = join(dir, "test.txt");
    writeFileSync(file, held.join("\n\n") + "\n");
    const { mae, rows } = predictMae(file);
    assert.is(rows.length, stated(/held-out test split \((\d+) molecules\)/));
    const want = stated(/MAE on the held-out test split \(\d+ molecules\): ([0-9.]+) eV/);
    assert.ok(Math.abs(mae - want) < 5e-4, `MAE ${mae} vs stated ${want}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
