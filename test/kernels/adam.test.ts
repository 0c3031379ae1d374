// The SIMD Adam update against a scalar version rounding every operation to float32 (PyTorch's float32 kernel): bit for bit.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadKernels } from "../../src/kernels/instance.js";
import { adamUpdate, type AdamScalars } from "../../src/kernels/adam.js";
import { mulberry32 } from "../random.js";

await loadKernels();
const f = Math.fround;

function scalarAdam(p: Float32Array, g: Float32Array | null, m: Float32Array, v: Float32Array, c: AdamScalars): void {
  for (let i = 0; i < p.length; i++) {
    const gi = g ? g[i]! : 0;
    const mi = (m[i] = f(f(m[i]! * c.b1) + f(gi * c.a1)));
    const vi = (v[i] = f(f(v[i]! * c.b2) + f(f(gi * gi) * c.a2)));
    const denom = f(f(f(Math.sqrt(vi)) / c.bc2) + c.eps);
    p[i] = f(p[i]! - f(c.stepSize * f(mi / denom)));
  }
}

test("adamStep: bit-identical to the float32 scalar rule, with and without a gradient, any length", () => {
  const rand = mulberry32(7);
  const c: AdamScalars = { b1: f(0.9), a1: f(0.1), b2: f(0.999), a2: f(1 - 0.999), eps: f(1e-8), bc2: f(Math.sqrt(1 - 0.999 ** 3)), stepSize: f(1e-3 / (1 - 0.9 ** 3)) };
  for (const n of [1, 3, 4, 7, 250, 1001]) {
    for (const withGrad of [true, false]) {
      const arr = (scale: number) => Float32Array.from({ length: n }, () => (rand() - 0.5) * scale);
      const p = arr(2), g = withGrad ? arr(1e-2) : null, m = arr(1e-3), v = arr(1e-5).map(Math.abs);
      const [p2, m2, v2] = [p.slice(), m.slice(), v.slice()];
      adamUpdate(p, g, m, v, c);
      scalarAdam(p2, g, m2, v2, c);
      for (const [a, b, what] of [[p, p2, "p"], [m, m2, "m"], [v, v2, "v"]] as const) {
        for (let i = 0; i < n; i++) {
          if (!Object.is(a[i], b[i])) assert.unreachable(`n ${n}, grad ${withGrad}: ${what}[${i}] ${a[i]} vs ${b[i]}`);
        }
      }
    }
  }
});

test.run();
