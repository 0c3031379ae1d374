// `qdf predict --engine` and `qdf --version`: native agrees with wasm for every --workers (failed molecules included),
// a missing onnxruntime-node is a clear error.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ONNXRUNTIME_INSTALL } from "../../src/node/nativeEngine.js";
import { repoRoot, sharedPath } from "../shared.js";
import { table } from "../cli/run.js";

const INPUT = sharedPath("data", "QM9under7atoms_atomizationenergy_eV", "val.txt");

function qdf(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin", "qdf.js"), ...args], {
    cwd: repoRoot, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 2 ** 20,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test("--engine native and auto give wasm's ids in its order, values within 1e-4 eV", () => {
  const wasm = qdf(["predict", "--engine", "wasm", "--workers", "0", INPUT]);
  assert.is(wasm.code, 0, wasm.stderr);
  const expected = table(wasm.stdout);
  assert.ok(expected.length >= 4, `${expected.length} rows`);
  for (const engine of ["native", "auto"]) {
    const r = qdf(["predict", "--engine", engine, "--threads", "2", INPUT]);
    assert.is(r.code, 0, r.stderr);
    const rows = table(r.stdout);
    assert.equal(rows.map((x) => x.id), expected.map((x) => x.id));
    rows.forEach((row, i) => {
      const d = Math.abs(Number(row.predicted_eV) - Number(expected[i]!.predicted_eV));
      assert.ok(d <= 1e-4, `${engine}: ${row.id} differs by ${d} eV`);
    });
  }
});

// 30 val molecules of up to 14 atoms with a broken block and an unseen element among them (each fails alone).
const tmp = mkdtempSync(join(tmpdir(), "qdf-engine-"));
const MIXED = join(tmp, "mixed.txt");
const blocks = readFileSync(sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt"), "utf8").split(/\n\s*\n/).slice(0, 30);
blocks.splice(5, 0, "broken_block\nC 0 0\n-1.0");
blocks.splice(12, 0, "silane\nSi 0 0 0\nH 0.85 0.85 0.85\nH -0.85 -0.85 0.85\nH -0.85 0.85 -0.85\nH 0.85 -0.85 -0.85\n-13.0");
writeFileSync(MIXED, blocks.join("\n\n") + "\n");

test("--engine native with --workers 0, 1 and 2 (1 and 2 threads): wasm's rows, errors included, values within 1e-4 eV", () => {
  const wasm = qdf(["predict", "--engine", "wasm", "--workers", "0", MIXED]);
  assert.is(wasm.code, 1, wasm.stderr); // the two bad molecules
  const expected = table(wasm.stdout);
  assert.is(expected.length, 32);
  assert.ok(expected[5]!.error && expected[12]!.error!.includes("Si"), `${expected[5]!.error} / ${expected[12]!.error}`);
  for (const [workers, threads] of [["0", "2"], ["1", "1"], ["2", "1"], ["2", "2"]] as const) {
    const label = `--workers ${workers} --threads ${threads}`;
    const r = qdf(["predict", "--engine", "native", "--workers", workers, "--threads", threads, MIXED]);
    assert.is(r.code, 1, `${label}: ${r.stderr}`);
    const rows = table(r.stdout);
    assert.equal(rows.map((x) => x.id), expected.map((x) => x.id), label);
    rows.forEach((row, i) => {
      const want = expected[i]!;
      assert.is(row.error, want.error, `${label}: ${row.id}'s error`);
      assert.is(row.predicted_eV === "", want.predicted_eV === "", `${label}: ${row.id} has a value in one table only`);
      const d = Math.abs(Number(row.predicted_eV) - Number(want.predicted_eV));
      assert.ok(d <= 1e-4, `${label}: ${row.id} differs by ${d} eV`);
    });
  }
});

test("without onnxruntime-node: --engine native fails naming the install command, auto falls back to wasm", () => {
  const env = { QDF_ONNXRUNTIME_DIR: join(repoRoot, "no-such-folder") };
  const r = qdf(["predict", "--engine", "native", INPUT], env);
  assert.is(r.code, 1);
  assert.ok(r.stderr.includes(ONNXRUNTIME_INSTALL), r.stderr);
  assert.is(r.stdout, "");
  const auto = qdf(["predict", "--engine", "auto", "--workers", "0", INPUT], env);
  assert.is(auto.code, 0, auto.stderr);
  assert.is(auto.stdout, qdf(["predict", "--workers", "0", INPUT]).stdout);
  const version = qdf(["--version"], env);
  assert.match(version.stdout, new RegExp(`native: not installed \\(${ONNXRUNTIME_INSTALL.replace(/[.]/g, "\\.")}`));
  assert.match(qdf(["--version"]).stdout, /native: onnxruntime-node 1\.30\.0/);
});

test("--engine must be auto, wasm or native", () => {
  const r = qdf(["predict", "--engine", "gpu", INPUT]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--engine/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
