// Ridge regression against closed forms, cross-validation folds, synthetic recovery, and the head file's round trip.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { crossValidate, fitRidgePath, kFolds, predictRow, scores, standardisation, type Matrix } from "../../src/transfer/ridge.js";
import { applyHead, formatHead, HEAD_FORMAT, HeadFileError, parseHead, type TransferHead } from "../../src/transfer/head.js";
import { Rng } from "../../src/train/rng.js";

/** Solves A z = b by Gaussian elimination with partial pivoting (the test's own plain solver). */
function gauss(a: number[][], b: number[]): number[] {
  const n = b.length, m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    const p = m.slice(c).reduce((best, row, i) => (Math.abs(row[c]!) > Math.abs(m[best]![c]!) ? c + i : best), c);
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) { const f = m[r]![c]! / m[c]![c]!; for (let j = c; j <= n; j++) m[r]![j]! -= f * m[c]![j]!; }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) z[i] = (m[i]![n]! - m[i]!.slice(i + 1, n).reduce((s, v, j) => s + v * z[i + 1 + j]!, 0)) / m[i]![i]!;
  return z;
}

function matrix(rows: number[][]): Matrix {
  return { data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0]!.length };
}

/** The closed form on standardised Z: w = (Z^T Z + lambda I)^-1 Z^T (y - mean y). */
function closedForm(rows: number[][], y: number[], lambda: number): { w: number[]; c: number } {
  const x = matrix(rows), s = standardisation(x, rows.map((_, i) => i));
  const z = rows.map((r) => r.map((v, j) => (v - s.mean[j]!) * s.scale[j]!));
  const c = y.reduce((a, b) => a + b, 0) / y.length, p = rows[0]!.length;
  const a = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => z.reduce((t, r) => t + r[i]! * r[j]!, 0) + (i === j ? lambda : 0)));
  const b = Array.from({ length: p }, (_, i) => z.reduce((t, r, k) => t + r[i]! * (y[k]! - c), 0));
  return { w: gauss(a, b), c };
}

test("ridge = the closed form (Z^T Z + lambda I)^-1 Z^T y, primal (p < n) and dual (p > n), a constant column dropped", () => {
  const primal = [[1, 2, 7], [2, 1, 7], [3, 5, 7], [4, 3, 7], [5, 8, 7]], yp = [1.5, 2.1, 4.2, 3.9, 6.8];
  const dual = [[1, 0.5, 2, 3], [2, -1, 0, 1], [0.5, 3, 1, -2]], yd = [1, -2, 0.5];
  for (const [rows, y] of [[primal, yp], [dual, yd]] as const) {
    for (const lambda of [0.01, 1, 30]) {
      const [m] = fitRidgePath(matrix(rows), y, rows.map((_, i) => i), [lambda]);
      const expected = closedForm(rows, y, lambda);
      m!.weights.forEach((w, j) => assert.ok(Math.abs(w - expected.w[j]!) < 1e-9, `w${j} ${w} vs ${expected.w[j]} (lambda ${lambda})`));
      assert.ok(Math.abs(m!.intercept - expected.c) < 1e-12);
    }
  }
  const [m] = fitRidgePath(matrix(primal), yp, [0, 1, 2, 3, 4], [1]);
  assert.is(m!.scale[2], 0, "the constant column's scale");
  assert.is(m!.weights[2], 0);
  assert.ok(Number.isFinite(predictRow(m!, [9, 9, 100])), "a new value of a constant column changes nothing");
  assert.is(predictRow(m!, [9, 9, 100]), predictRow(m!, [9, 9, 7]));
});

test("one column, by hand: w = z.y / (z.z + lambda) on the standardised column", () => {
  const rows = [[1], [2], [3]], y = [2, 4, 7], lambda = 0.5;
  const sd = Math.sqrt(2 / 3), z = [-1 / sd, 0, 1 / sd];
  const w = (z[0]! * (2 - 13 / 3) + z[2]! * (7 - 13 / 3)) / (z[0]! ** 2 + z[2]! ** 2 + lambda);
  const [m] = fitRidgePath(matrix(rows), y, [0, 1, 2], [lambda]);
  assert.ok(Math.abs(m!.weights[0]! - w) < 1e-12);
  assert.ok(Math.abs(predictRow(m!, [4]) - (13 / 3 + w * (4 - 2) / sd)) < 1e-12);
});

test("k folds: disjoint, covering every row once, seeded (same seed same folds), sizes within one", () => {
  for (const [n, k] of [[10, 5], [23, 5], [600, 5], [7, 2]] as const) {
    const folds = kFolds(n, k, 3);
    const all = folds.flat().sort((a, b) => a - b);
    assert.equal(all, Array.from({ length: n }, (_, i) => i));
    const sizes = folds.map((f) => f.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    assert.equal(kFolds(n, k, 3), folds);
  }
  assert.not.equal(kFolds(50, 5, 1), kFolds(50, 5, 2));
  assert.throws(() => kFolds(3, 5, 1), /2 <= k <= n/);
});

test("synthetic: a linear target through noise, constant and huge-scale columns is recovered out of fold (R^2 > 0.95)", () => {
  const rng = new Rng(7), n = 200, rows: number[][] = [], y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal(), b = rng.normal(), noise = Array.from({ length: 30 }, () => rng.normal());
    rows.push([a * 1e6, b, 5, 0, ...noise]);
    y.push(3 + 2 * a - 1.5 * b + 0.1 * rng.normal());
  }
  const cv = crossValidate(matrix(rows), y, 5, 1);
  assert.ok(cv.pooled.r2 > 0.95, `R^2 ${cv.pooled.r2}`);
  assert.ok(cv.pooled.mae < 0.2, `MAE ${cv.pooled.mae}`);
  assert.is(cv.folds.length, 5);
  // Pure noise features: R^2 near or below 0, never a large positive value (no leakage of the held-out fold).
  const yNoise = y.map(() => rng.normal());
  const noiseCv = crossValidate(matrix(rows), yNoise, 5, 1);
  assert.ok(noiseCv.pooled.r2 < 0.1 && noiseCv.pooled.r2 > -0.5, `noise R^2 ${noiseCv.pooled.r2}`);
});

test("scores: MAE, RMSE and R^2 of a small case by hand", () => {
  const s = scores([1, 2, 3, 4], [1.5, 2, 2, 4]);
  assert.ok(Math.abs(s.mae - 0.375) < 1e-15);
  assert.ok(Math.abs(s.rmse - Math.sqrt(1.25 / 4)) < 1e-15);
  assert.ok(Math.abs(s.r2 - (1 - 1.25 / 5)) < 1e-15);
});

test("head file: save/load round trip predicts the same; bad files are refused with the file's name", () => {
  const rows = [[1, 2], [2, 1], [3, 5], [4, 3], [5, 8], [6, 1]], y = [1, 2, 4, 4, 7, 5];
  const [ridge] = fitRidgePath(matrix(rows), y, rows.map((_, i) => i), [0.3]);
  const cv = crossValidate(matrix(rows), y, 2, 1, 2);
  const head: TransferHead = {
    format: HEAD_FORMAT, version: 1, model: { file: "m.safetensors", sha256: "ab".repeat(32) }, features: ["a", "b"],
    target: "t", units: "u", data: { file: "d.csv", rows: 6, skipped: [{ id: "x", line: 3, reason: "elements the model lacks: Si" }] },
    cv: { k: 2, seed: 1, pooled: cv.pooled, folds: cv.folds }, ridge: ridge!,
  };
  const back = parseHead(formatHead(head), "h.json");
  assert.equal(back, head);
  for (const r of [[0, 0], [2.5, 7], [10, -3]]) assert.is(applyHead(back, r), predictRow(ridge!, r));
  assert.throws(() => parseHead("{", "h.json"), (e: Error) => e instanceof HeadFileError && /h\.json: not JSON/.test(e.message));
  assert.throws(() => parseHead(JSON.stringify({ ...head, ridge: { ...ridge, weights: [1] } }), "h.json"), /one value per feature/);
  assert.throws(() => applyHead(back, [1, 2, 3]), /expects 2/);
});

test.run();
