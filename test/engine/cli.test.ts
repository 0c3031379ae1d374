// `qdf predict --engine` and `qdf --version`: native agrees with wasm, a missing onnxruntime-node is a clear error.
import { spawnSync } from "node:child_process";
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

test.run();
