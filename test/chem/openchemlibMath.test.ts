// The engine-independent Math.pow that openchemlib runs with: the same operations on every engine, close to Math.pow.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { portablePow, withPortableMath } from "../../src/chem/openchemlibMath.js";

/** Distance in units in the last place between two positive finite doubles. */
function ulps(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Number(view.getBigInt64(0) > view.getBigInt64(8) ? view.getBigInt64(0) - view.getBigInt64(8) : view.getBigInt64(8) - view.getBigInt64(0));
}

test("integer powers are products by squaring (x^-6 = 1/((x^2)^2 x^2)), within |y| + 2 ulp of Math.pow", () => {
  let x = 0.3;
  for (let i = 0; i < 2000; i++) {
    x = 0.3 + ((x * 7919.123) % 2.7); // arguments like openchemlib's distance ratios, 0.3 to 3
    const x2 = x * x, x4 = x2 * x2;
    assert.is(portablePow(x, -6), 1 / (x4 * x2), `x = ${x}`);
    assert.is(portablePow(x, 6), x4 * x2, `x = ${x}`);
    assert.is(portablePow(x, 3), x * x2, `x = ${x}`);
    // Squaring loses up to ~|y|/2 ulp (each rounding is raised to the remaining power): 4 ulp seen at y = -6.
    for (const y of [-6, -52, 2, 7, 12]) assert.ok(ulps(portablePow(x, y), Math.pow(x, y)) <= Math.abs(y) + 2, `${x}^${y}`);
  }
  assert.is(portablePow(2, -52), Number.EPSILON);
});

test("fractional powers: x^0.25 as two square roots, others through exp and log, within 4 ulp of Math.pow", () => {
  assert.is(portablePow(0.25, 0.25), Math.SQRT1_2); // Node 20's Math.pow gives 1 ulp less, Chromium 150's this
  for (const x of [0.01, 0.37, 0.65, 1.5, 7.25, 40]) {
    assert.is(portablePow(x, 0.25), Math.sqrt(Math.sqrt(x)));
    assert.is(portablePow(x, 0.5), Math.sqrt(x));
    for (const y of [1.4, -0.0948, 0.33]) assert.ok(ulps(portablePow(x, y), Math.pow(x, y)) <= 4, `${x}^${y}`);
  }
});

test("special cases are the engine's: zero, negative and non-finite bases, zero exponents", () => {
  for (const [x, y] of [[0, -6], [-0, 3], [-2, 0.5], [-2, 3], [Infinity, -2], [NaN, 0], [2, NaN], [1e200, 6], [1e-200, -6], [5, 0]]) {
    assert.ok(Object.is(portablePow(x!, y!), Math.pow(x!, y!)), `${x}^${y}: ${portablePow(x!, y!)} vs ${Math.pow(x!, y!)}`);
  }
});

test("withPortableMath swaps Math.pow only while it runs, and restores it after a throw", () => {
  const native = Math.pow;
  assert.is(withPortableMath(() => Math.pow), portablePow);
  assert.is(Math.pow, native);
  assert.throws(() => withPortableMath(() => { throw new Error("inside"); }), /inside/);
  assert.is(Math.pow, native);
});

test.run();
