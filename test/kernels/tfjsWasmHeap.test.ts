// The adapter to tfjs-backend-wasm's internals: the private fused kernel, heap reads, and why W^T is passed explicitly.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "#tfjs-core";
import { initBackend } from "../../src/model/backend.js";
import { fusedMatMul, plainHeap, readTensor } from "../../src/kernels/tfjsWasmHeap.js";

await initBackend();

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

test("fusedMatMul equals matMul + bias (+ relu) on odd shapes", () => {
  for (const [n, k, m] of [[1, 1, 1], [5, 3, 7], [37, 29, 13], [250, 250, 250]] as const) tf.tidy(() => {
    const x = tf.randomNormal([n, k]) as tf.Tensor2D, wT = tf.randomNormal([k, m]) as tf.Tensor2D;
    const b = tf.randomNormal([m]) as tf.Tensor1D;
    const linear = tf.add(tf.matMul(x, wT), b);
    assert.ok(maxDiff(fusedMatMul(x, wT, b, "linear"), linear) <= 1e-4, `linear [${n}, ${k}] x [${k}, ${m}]`);
    assert.ok(maxDiff(fusedMatMul(x, wT, b, "relu"), tf.relu(linear)) <= 1e-4, `relu [${n}, ${k}] x [${k}, ${m}]`);
  });
});

test("tf.fused.matMul with transposeB and a bias is what the adapter avoids (wrong rows in tfjs-backend-wasm 4.22)", () => {
  // If this starts to pass with equal results, the workaround (an explicit W^T) can go: this test says so by failing.
  const diff = tf.tidy(() => {
    const x = tf.randomNormal([37, 29]) as tf.Tensor2D, w = tf.randomNormal([13, 29]) as tf.Tensor2D;
    const b = tf.randomNormal([13]) as tf.Tensor1D;
    return maxDiff(tf.fused.matMul({ a: x, b: w, transposeB: true, bias: b }), tf.add(tf.matMul(x, w, false, true), b));
  });
  assert.ok(diff > 1e-3, `transposeB + bias now agrees (max diff ${diff}): drop the explicit transpose`);
});

test("readTensor copies a tensor's values from the heap, and refuses a wrong length or dtype", () => {
  assert.ok(plainHeap(), "tfjs-wasm's heap is a plain WebAssembly.Memory in Node");
  const t = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
  const out = new Float32Array(6);
  readTensor(t, out);
  assert.equal(Array.from(out), [1, 2, 3, 4, 5, 6]);
  assert.throws(() => readTensor(t, new Float32Array(5)), /into 5 floats/);
  const i = tf.tensor1d([1, 2], "int32");
  assert.throws(() => readTensor(i, new Float32Array(2)), /int32/);
  tf.dispose([t, i]);
});

test.run();
