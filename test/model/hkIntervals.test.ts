// The HK map's second layer by intervals of rho against the plain two dense layers: values and every gradient.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "#tfjs-core";
import { initBackend } from "../../src/model/backend.js";
import { hkSecondLayer, isActive, rhoIntervals } from "../../src/model/hkIntervals.js";
import { registerTrainingGradients } from "../../src/train/gradients.js";
import { mulberry32 } from "../random.js";

await initBackend();
registerTrainingGradients();

/** relu(relu(rho a + c) W^T + b) with plain tfjs ops. */
function plain(rho: tf.Tensor2D, a: tf.Tensor2D, c: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.relu(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(rho, a), c)) as tf.Tensor2D, tf.transpose(w)), b)) as tf.Tensor2D;
}

/** Largest |x - y| over the largest |y|. */
function relDiff(x: tf.Tensor, y: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]! / Math.max(tf.max(tf.abs(y)).dataSync()[0]!, 1e-30));
}

function inputs(seed: number, n: number, h: number, hOut: number, onKink = false) {
  const rand = mulberry32(seed);
  const normal = (len: number) => Float32Array.from({ length: len }, () => (rand() + rand() + rand() - 1.5) * 2);
  const a = normal(h), c = normal(h);
  for (let j = 0; j < h; j += 7) a[j] = 0; // units without a breakpoint
  c[3] = c[5]!; a[3] = a[5]!; // a repeated breakpoint
  const rho = Float32Array.from({ length: n }, () => rand() * 3 - 0.5);
  if (onKink) rho[0] = -c[1]! / a[1]!; // a point on a breakpoint
  return [tf.tensor2d(rho, [n, 1]), tf.tensor2d(a, [1, h]), tf.tensor2d(c, [1, h]),
          tf.tensor2d(normal(hOut * h), [hOut, h]), tf.tensor1d(normal(hOut))] as const;
}

test("rhoIntervals: every point's interval has the sign pattern of rho a + c there", () => {
  const rand = mulberry32(3);
  const h = 40, n = 300;
  const a = Float32Array.from({ length: h }, (_, j) => (j % 9 === 0 ? 0 : rand() - 0.5));
  const c = Float32Array.from({ length: h }, () => rand() - 0.5);
  const rho = Float32Array.from({ length: n }, () => rand() * 4 - 2);
  const iv = rhoIntervals(rho, a, c);
  assert.is(iv.count, h - 5 + 1); // 5 units have a = 0
  for (let p = 0; p < n; p++) {
    for (let j = 0; j < h; j++) {
      assert.is(isActive(iv, a, c, j, iv.idx[p]!), rho[p]! * a[j]! + c[j]! > 0, `point ${p} unit ${j}`);
    }
  }
});

test("hkSecondLayer equals the two dense layers, values and gradients (rho, a, c, W, b)", () => {
  for (const [seed, n, h, hOut] of [[1, 600, 64, 48], [2, 37, 9, 5], [3, 1, 16, 16]] as const) tf.tidy(() => {
    const args = inputs(seed, n, h, hOut);
    const r = tf.randomNormal([n, hOut], 0, 1, "float32", seed) as tf.Tensor2D;
    assert.ok(relDiff(hkSecondLayer(...args), plain(...args)) < 1e-5, `values, seed ${seed}`);
    const ours = tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(hkSecondLayer(...(x as unknown as typeof args)), r)))([...args]);
    const ref = tf.grads((...x: tf.Tensor[]) => tf.sum(tf.mul(plain(...(x as unknown as typeof args)), r)))([...args]);
    ["rho", "a", "c", "W", "b"].forEach((name, i) => {
      const d = relDiff(ours[i]!, ref[i]!);
      assert.ok(d < 1e-4, `d/d${name}, seed ${seed}: ${d.toExponential(2)}`);
    });
  });
});

test("a point on a breakpoint: the same value, and a finite gradient (either one-sided derivative is a subgradient)", () => {
  tf.tidy(() => {
    const args = inputs(4, 50, 12, 8, true);
    assert.ok(relDiff(hkSecondLayer(...args), plain(...args)) < 1e-5);
    const g = tf.grads((...x: tf.Tensor[]) => tf.sum(hkSecondLayer(...(x as unknown as typeof args))))([...args]);
    for (const t of g) assert.ok(Number.isFinite(tf.sum(t).dataSync()[0]!));
  });
});

test.run();
