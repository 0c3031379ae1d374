// Each SIMD kernel against a plain TypeScript version of the same formula.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadKernels } from "../../src/kernels/instance.js";
import { fieldPoints, sphereTemplate } from "../../src/kernels/field.js";
import { basisValues, basisZetaGrad, distances } from "../../src/kernels/basis.js";
import { externalPotential } from "../../src/kernels/potential.js";
import { columnNorms, columnSums, scaleColumnsByNorm } from "../../src/kernels/columns.js";

await loadKernels();

/** Deterministic pseudo-random numbers in [lo, hi). */
function rng(seed: number) {
  let s = seed >>> 0;
  return (lo = 0, hi = 1) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * s) / 2 ** 32;
  };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, abs: number, what: string) {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (!(Math.abs(a - e) <= abs + rel * Math.abs(e))) assert.unreachable(`${what}[${i}]: ${a} vs ${e}`);
  }
}

test("sphere template: 56 points for r=0.75, g=0.3, none at the origin, all inside r", () => {
  const t = sphereTemplate(0.75, 0.3);
  assert.is(t.length / 3, 56);
  // Plain version: numpy.arange(-r, r + 1e-3, g) on each axis.
  const axis: number[] = [];
  for (let i = 0; -0.75 + i * 0.3 < 0.75 + 1e-3; i++) axis.push(-0.75 + i * 0.3);
  const expected: number[] = [];
  for (const x of axis) for (const y of axis) for (const z of axis) {
    if (x * x + y * y + z * z <= 0.75 * 0.75 && !(x === 0 && y === 0 && z === 0)) expected.push(x, y, z);
  }
  assert.equal(Array.from(t), expected);
  // Other radii/intervals too (0 on the axis must be excluded).
  for (const [r, g] of [[0.6, 0.3], [1.0, 0.25], [0.9, 0.3]] as const) {
    assert.is(sphereTemplate(r, g).length / 3, countSphere(r, g), `r=${r} g=${g}`);
  }
});

function countSphere(r: number, g: number): number {
  let n = 0;
  const axis: number[] = [];
  for (let i = 0; -r + i * g < r + 1e-3; i++) axis.push(-r + i * g);
  for (const x of axis) for (const y of axis) for (const z of axis) {
    if (x * x + y * y + z * z <= r * r && !(x === 0 && y === 0 && z === 0)) n++;
  }
  return n;
}

test("field: template translated to each atom in atom order", () => {
  const r = rng(1);
  const coords = Float64Array.from({ length: 5 * 3 }, () => r(-3, 3));
  const t = sphereTemplate(0.75, 0.3);
  const f = fieldPoints(coords, t);
  const expected: number[] = [];
  for (let a = 0; a < 5; a++) for (let p = 0; p < t.length / 3; p++) {
    for (let c = 0; c < 3; c++) expected.push(t[3 * p + c]! + coords[3 * a + c]!);
  }
  assert.equal(Array.from(f), expected);
});

test("distances: float64 norm rounded to float32, exactly 0 -> 1e6", () => {
  const r = rng(2);
  const points = Float64Array.from({ length: 37 * 3 }, () => r(-2, 2));
  const centres = Float64Array.from({ length: 11 * 3 }, () => r(-2, 2));
  centres.set(points.subarray(3, 6), 6); // centre 2 sits on point 1
  const d = distances(points, centres);
  const expected: number[] = [];
  for (let p = 0; p < 37; p++) for (let c = 0; c < 11; c++) {
    const dx = points[3 * p]! - centres[3 * c]!, dy = points[3 * p + 1]! - centres[3 * c + 1]!;
    const dz = points[3 * p + 2]! - centres[3 * c + 2]!;
    const v = Math.sqrt(dx * dx + dy * dy + dz * dz);
    expected.push(Math.fround(v === 0 ? 1e6 : v));
  }
  assert.equal(Array.from(d), expected);
  assert.is(d[1 * 11 + 2], 1e6);
});

test("basis: d^(q-1) exp(-zeta d^2), columns normalised (SIMD body and scalar tail)", () => {
  const r = rng(3);
  for (const nOrb of [1, 4, 7, 14, 37]) {
    const nP = 53;
    const dist = Float32Array.from({ length: nP * nOrb }, () => r(0.05, 3));
    dist[5] = 1e6; // a zero distance after the 0 -> 1e6 rule: its Gaussian vanishes
    const q = Float32Array.from({ length: nOrb }, (_, i) => (i % 3 === 0 ? 1 : 2));
    const zeta = Float32Array.from({ length: nOrb }, () => r(0.2, 4));
    const { values, norms } = basisValues(dist, q, zeta, nP);
    const raw = new Float64Array(nP * nOrb), n2 = new Float64Array(nOrb);
    for (let p = 0; p < nP; p++) for (let o = 0; o < nOrb; o++) {
      const d = dist[p * nOrb + o]!;
      const g = d ** (q[o]! - 1) * Math.exp(-zeta[o]! * d * d);
      raw[p * nOrb + o] = g;
      n2[o] += g * g;
    }
    const expected = raw.map((g, i) => g / Math.max(Math.sqrt(n2[i % nOrb]!), 1e-12));
    assertClose(values, expected, 2e-6, 1e-12, `basis nOrb=${nOrb}`);
    assertClose(norms, Array.from(n2, Math.sqrt), 2e-6, 1e-30, `norms nOrb=${nOrb}`);
  }
});

test("basisZetaGrad: matches the analytic derivative of the normalised basis, in float64", () => {
  const r = rng(4);
  const nP = 40, nOrb = 9;
  const dist = Float32Array.from({ length: nP * nOrb }, () => r(0.1, 2.5));
  const q = Float32Array.from({ length: nOrb }, (_, i) => (i < 3 ? 1 : 2));
  const zeta = Float32Array.from({ length: nOrb }, () => r(0.3, 2));
  const upstream = Float32Array.from({ length: nP * nOrb }, () => r(-1, 1));
  const grad = basisZetaGrad(dist, basisValues(dist, q, zeta, nP), upstream, nP);
  // Plain: L(zeta) = sum G * g/||g||, differentiated by central differences in float64.
  const loss = (o: number, z: number) => {
    let n2 = 0, s = 0;
    const g = new Float64Array(nP);
    for (let p = 0; p < nP; p++) {
      const d = dist[p * nOrb + o]!;
      g[p] = d ** (q[o]! - 1) * Math.exp(-z * d * d);
      n2 += g[p]! ** 2;
    }
    for (let p = 0; p < nP; p++) s += upstream[p * nOrb + o]! * g[p]! / Math.sqrt(n2);
    return s;
  };
  const h = 1e-6;
  const expected = Array.from({ length: nOrb }, (_, o) => (loss(o, zeta[o]! + h) - loss(o, zeta[o]! - h)) / (2 * h));
  assertClose(grad, expected, 1e-3, 1e-5, "dL/dzeta");
});

test("potential: -sum Z exp(-d^2) in float64, 0 -> 1e6", () => {
  const r = rng(5);
  const atoms = Float64Array.from({ length: 4 * 3 }, () => r(-2, 2));
  const charges = Float64Array.from([6, 1, 8, 1]);
  const points = Float64Array.from({ length: 30 * 3 }, () => r(-3, 3));
  points.set(atoms.subarray(0, 3), 0); // a point on an atom: that atom contributes 0
  const v = externalPotential(points, atoms, charges);
  const expected = Array.from({ length: 30 }, (_, p) => {
    let s = 0;
    for (let a = 0; a < 4; a++) {
      const d = Math.hypot(points[3 * p]! - atoms[3 * a]!, points[3 * p + 1]! - atoms[3 * a + 1]!, points[3 * p + 2]! - atoms[3 * a + 2]!);
      s += charges[a]! * Math.exp(-((d === 0 ? 1e6 : d) ** 2));
    }
    return Math.fround(-s);
  });
  assertClose(v, expected, 1e-7, 1e-30, "V");
});

test("columnNorms and scaleColumnsByNorm: float64 norms, column * factor(norm) in place (SIMD body and tail, zero column)", () => {
  const r = rng(7);
  for (const cols of [1, 5, 8, 250]) {
    const rows = 33;
    const m = Float32Array.from({ length: rows * cols }, () => r(-1, 1));
    for (let p = 0; p < rows; p++) m[p * cols] = 0; // an all-zero column stays zero (the 1e-12 floor)
    const original = Float64Array.from(m);
    const want = Array.from({ length: cols }, (_, c) => {
      let n2 = 0;
      for (let p = 0; p < rows; p++) n2 += original[p * cols + c]! ** 2;
      return Math.sqrt(n2);
    });
    assertClose(columnNorms(m, rows), want, 1e-15, 1e-300, `columnNorms cols=${cols}`);
    const norms = scaleColumnsByNorm(m, rows, (n) => 0.7 / Math.max(n, 1e-12));
    assertClose(norms, want, 1e-15, 1e-300, `scaleColumnsByNorm's norms cols=${cols}`);
    const expected = Array.from(original, (v, i) => v * Math.fround(0.7 / Math.max(want[i % cols]!, 1e-12)));
    assertClose(m, expected, 1e-7, 1e-12, `scaleColumnsByNorm cols=${cols}`);
  }
});

test("columnSums: sums over rows in float64 (SIMD body and tail)", () => {
  const r = rng(8);
  for (const cols of [3, 4, 250, 251]) {
    const rows = 29;
    const m = Float32Array.from({ length: rows * cols }, () => r(-5, 5));
    const expected = Array.from({ length: cols }, (_, c) => {
      let s = 0;
      for (let p = 0; p < rows; p++) s += m[p * cols + c]!;
      return s;
    });
    assertClose(columnSums(m, rows), expected, 1e-12, 1e-12, `columnSums cols=${cols}`);
  }
});

test.run();
