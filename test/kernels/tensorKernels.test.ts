// The kernels on tfjs-wasm's heap (transpose, column sums, relu gradients) against tfjs's own ops, on odd shapes too.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "#tfjs-core";
import { initBackend } from "../../src/model/backend.js";
import { columnSumsT, gatherAffineReluT, reluGradT, rowDotsT, segmentSumsT, tensorKernelsUnavailable,
  transposeT } from "../../src/kernels/tensorKernels.js";

await initBackend();

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
const shapes: [number, number][] = [[1, 1], [1, 4], [5, 1], [3, 9], [7, 5], [33, 35], [250, 250], [784, 116], [130, 67]];

test("transposeT equals tf.transpose exactly", () => {
  for (const [r, c] of shapes) tf.tidy(() => {
    const x = tf.randomNormal([r, c]) as tf.Tensor2D;
    const t = transposeT(x);
    assert.equal(t.shape, [c, r]);
    assert.is(maxDiff(t, tf.transpose(x)), 0, `[${r}, ${c}]`);
  });
});

test("columnSumsT equals sum over rows, weighted or not, within float32 rounding", () => {
  for (const [r, c] of shapes) tf.tidy(() => {
    const x = tf.randomNormal([r, c]) as tf.Tensor2D, w = tf.randomNormal([r, 1]) as tf.Tensor2D;
    assert.equal(columnSumsT(x).shape, [1, c]);
    assert.ok(maxDiff(columnSumsT(x), tf.sum(x, 0, true)) <= 1e-5 * Math.sqrt(r), `[${r}, ${c}]`);
    assert.ok(maxDiff(columnSumsT(x, w), tf.sum(tf.mul(x, w), 0, true)) <= 1e-5 * Math.sqrt(r), `weighted [${r}, ${c}]`);
  });
  assert.throws(() => columnSumsT(tf.zeros([4, 2]) as tf.Tensor2D, tf.zeros([3, 1]) as tf.Tensor2D), /weights/);
});

test("reluGradT: dy where y > 0, else 0, for a full dy and a broadcast row", () => {
  for (const [r, c] of shapes) tf.tidy(() => {
    const y = tf.randomNormal([r, c]) as tf.Tensor2D, dy = tf.randomNormal([r, c]) as tf.Tensor2D;
    const row = tf.randomNormal([1, c]) as tf.Tensor2D;
    assert.is(maxDiff(reluGradT(dy, y), tf.mul(dy, tf.step(y))), 0, `[${r}, ${c}]`);
    assert.is(maxDiff(reluGradT(row, y), tf.mul(tf.mul(tf.ones([r, 1]), row), tf.step(y))), 0, `row [${r}, ${c}]`);
  });
});

test("the kernels' outputs are ordinary tensors: no leak across a tidy", () => {
  const before = tf.memory().numTensors;
  tf.tidy(() => { const x = tf.ones([20, 30]) as tf.Tensor2D; transposeT(x); columnSumsT(x); reluGradT(x, x); });
  assert.is(tf.memory().numTensors, before);
});

test("loaded here; where they cannot load (tfjs's threaded build), plain tfjs ops give the same results", () => {
  assert.is(tensorKernelsUnavailable(), null);
  tf.tidy(() => {
    const [n, h, k] = [300, 24, 7];
    const x = tf.randomNormal([n, h]) as tf.Tensor2D, y = tf.randomNormal([n, h]) as tf.Tensor2D;
    const rho = tf.randomUniform([n, 1]) as tf.Tensor2D, w = tf.randomNormal([n, 1]) as tf.Tensor2D;
    const idx = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => (i * 5) % k), "int32");
    const alpha = tf.randomNormal([k, h]) as tf.Tensor2D, beta = tf.randomNormal([k, h]) as tf.Tensor2D;
    const all = () => [transposeT(x), columnSumsT(x), columnSumsT(x, w), reluGradT(x, y), reluGradT(tf.slice(x, 0, 1), y),
      gatherAffineReluT(rho, idx, alpha, beta), ...segmentSumsT(x, rho, idx, k), rowDotsT(x, alpha, idx)];
    const fast = all();
    try {
      tensorKernelsUnavailable("forced by a test");
      const plain = all();
      fast.forEach((t, i) => assert.ok(maxDiff(t, plain[i]!) <= 1e-4 * Math.max(1, tf.max(tf.abs(plain[i]!)).dataSync()[0]!), `output ${i}`));
    } finally {
      tensorKernelsUnavailable(null);
    }
  });
});

test.run();
