// The density grid kernels (points and box) against a plain TypeScript version of the same formula.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { densityAtPoints, densityOnBox, type DensityOperator } from "../../src/kernels/density.js";
import { loadKernels } from "../../src/kernels/instance.js";
import { mulberry32 } from "../random.js";

await loadKernels();

const rng = mulberry32;

/** rho = g^T P g and psi_s = g . S[:, s] in float64, g_o = d^(q-1) exp(-zeta d^2), 0 where d^2 > cut2. */
function plain(op: DensityOperator, x: number, y: number, z: number): { rho: number; psi: number[] } {
  const n = op.q.length;
  const g = new Float64Array(n);
  for (let o = 0; o < n; o++) {
    const dx = x - op.centres[3 * o]!, dy = y - op.centres[3 * o + 1]!, dz = z - op.centres[3 * o + 2]!;
    const d2 = dx * dx + dy * dy + dz * dz;
    g[o] = d2 > op.cut2[o]! ? 0 : Math.sqrt(d2) ** (op.q[o]! - 1) * Math.exp(-op.zeta[o]! * d2);
  }
  let rho = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rho += g[i]! * op.P[i * n + j]! * g[j]!;
  const psi = Array.from({ length: op.nSel }, (_, s) => g.reduce((a, gi, o) => a + gi * op.S[o * op.nSel + s]!, 0));
  return { rho, psi };
}

/** A random operator: P = A A^T (so rho >= 0, like the model's), some cutoffs finite, one orbital unused. */
function randomOperator(nOrb: number, nSel: number, seed: number): DensityOperator {
  const r = rng(seed);
  const A = Array.from({ length: nOrb * 7 }, () => r() - 0.5);
  const P = new Float32Array(nOrb * nOrb);
  for (let i = 0; i < nOrb; i++) for (let j = 0; j < nOrb; j++) {
    let s = 0;
    for (let k = 0; k < 7; k++) s += A[i * 7 + k]! * A[j * 7 + k]!;
    P[i * nOrb + j] = s;
  }
  const cut2 = Float32Array.from({ length: nOrb }, (_, o) => (o % 3 === 0 ? Infinity : (1.5 + 3 * r()) ** 2));
  cut2[1] = -1;
  return {
    centres: Float32Array.from({ length: nOrb * 3 }, () => 1 + 4 * r()),
    q: Float32Array.from({ length: nOrb }, () => (r() < 0.5 ? 1 : 2)),
    zeta: Float32Array.from({ length: nOrb }, () => 0.3 + 2 * r()),
    cut2, P, nSel,
    S: Float32Array.from({ length: nOrb * nSel }, () => r() - 0.5),
  };
}

/** Largest error relative to the largest |value| (values near a cutoff sphere make pointwise ratios meaningless). */
function check(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string): void {
  let err = 0, scale = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  assert.ok(err <= tol * scale, `${what}: max error ${err} vs scale ${scale}`);
}

for (const [nOrb, nSel] of [[1, 0], [7, 2], [33, 3], [61, 1]] as const) {
  test(`densityPoints and densityBox match plain TypeScript (nOrb ${nOrb}, nSel ${nSel})`, () => {
    const op = randomOperator(nOrb, nSel, 17 + nOrb);
    // Box grid 11 x 9 x 13 at 0.45 (bricks of 8 partly filled) and the same points as a point list.
    const shape = [11, 9, 13] as const, h = 0.45;
    const n = shape[0] * shape[1] * shape[2];
    const points = new Float32Array(n * 3);
    const wantRho = new Float64Array(n), wantPsi = new Float64Array(n * nSel);
    for (let ix = 0, i = 0; ix < shape[0]; ix++) for (let iy = 0; iy < shape[1]; iy++) for (let iz = 0; iz < shape[2]; iz++, i++) {
      points.set([ix * h, iy * h, iz * h], i * 3);
      // Plain evaluation at the float32 coordinates the kernels see.
      const p = plain(op, Math.fround(ix * h), Math.fround(iy * h), Math.fround(iz * h));
      wantRho[i] = p.rho;
      p.psi.forEach((v, s) => (wantPsi[i * nSel + s] = v));
    }
    const box = densityOnBox(shape, h, op);
    const pts = densityAtPoints(points, op);
    check(box.rho, wantRho, 2e-5, "box rho");
    check(pts.rho, wantRho, 2e-5, "points rho");
    check(box.psi, wantPsi, 2e-5, "box psi");
    check(pts.psi, wantPsi, 2e-5, "points psi");
  });
}

test("scattered points in random order (chunks with wide bounding boxes)", () => {
  const op = randomOperator(40, 2, 5);
  const r = rng(99);
  const n = 1300;
  const points = Float32Array.from({ length: n * 3 }, () => -1 + 8 * r());
  const got = densityAtPoints(points, op);
  const want = Array.from({ length: n }, (_, i) => plain(op, points[3 * i]!, points[3 * i + 1]!, points[3 * i + 2]!));
  check(got.rho, want.map((w) => w.rho), 2e-5, "rho");
  check(got.psi, want.flatMap((w) => w.psi), 2e-5, "psi");
});

test("shape mismatches are refused", () => {
  const op = randomOperator(5, 1, 1);
  assert.throws(() => densityAtPoints(new Float32Array(3), { ...op, P: new Float32Array(24) }), /shape mismatch/);
});

test.run();
