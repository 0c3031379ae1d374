// Matmul ceilings beside tfjs-wasm's: the native engine's layer (onnxruntime-node) and numpy's (python3 -c, if present).
import { execFileSync } from "node:child_process";
import type { DenseEngine } from "../src/model/denseEngine.js";

function random(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** GFLOP/s of one [rows x dim] x [dim x dim] + bias + relu layer in `engine` (the functional's shape), for `seconds`. */
export function engineCeiling(engine: DenseEngine, rows = 729, dim = 250, seconds = 2): number {
  const stack = engine.stack([{ weight: { data: random(dim * dim), shape: [dim, dim] }, bias: { data: random(dim), shape: [dim] } }]);
  const x = random(rows * dim);
  for (let i = 0; i < 5; i++) stack.hidden(x, rows);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < 10; i++) stack.hidden(x, rows);
    n += 10;
  }
  const dt = (performance.now() - t0) / 1000;
  stack.dispose();
  return (2 * rows * dim * dim * n) / dt / 1e9;
}

/** numpy's float32 GFLOP/s on the same layer with `threads` BLAS threads, or why there is none (no python3 or numpy). */
export function numpyCeiling(threads: number, rows = 729, dim = 250, seconds = 2): number | string {
  const script = `
import time, numpy as np
a = np.random.rand(${rows}, ${dim}).astype(np.float32); w = np.random.rand(${dim}, ${dim}).astype(np.float32)
b = np.random.rand(${dim}).astype(np.float32)
for _ in range(5): np.maximum(a @ w + b, 0)
n = 0; t0 = time.perf_counter()
while time.perf_counter() - t0 < ${seconds}:
    for _ in range(10): np.maximum(a @ w + b, 0)
    n += 10
print(2 * ${rows} * ${dim} * ${dim} * n / (time.perf_counter() - t0) / 1e9)`;
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  try {
    return Number(execFileSync("python3", ["-c", script], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim());
  } catch (e) {
    const err = e as { code?: string; stderr?: string };
    return err.code === "ENOENT" ? "python3 is absent" : /No module named .?numpy/.test(err.stderr ?? "") ? "numpy is absent" : `python3 failed: ${(err.stderr ?? String(e)).trim().split("\n").pop()}`;
  }
}
