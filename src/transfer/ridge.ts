// Ridge regression on standardised features, its penalty chosen by inner cross-validation, and k-fold scores.
import { Rng } from "../train/rng.js";

/** Rows x cols features, row-major f64. */
export interface Matrix { data: Float64Array; rows: number; cols: number }

/** Column means and scales from training rows; a constant column gets scale 0 (it is dropped, never divided by 0). */
export interface Standardisation { mean: number[]; scale: number[] }

export interface RidgeModel extends Standardisation {
  /** Weights on the standardised columns. */
  weights: number[];
  intercept: number;
  lambda: number;
}

/** The penalties tried: n * 10^(e/2), e = -8..6 (standardised columns make the Gram's diagonal ~ n). */
export function lambdaGrid(n: number): number[] {
  return Array.from({ length: 15 }, (_, i) => n * 10 ** ((i - 8) / 2));
}

export function standardisation(x: Matrix, rows: ArrayLike<number>): Standardisation {
  const mean = new Array<number>(x.cols).fill(0), sq = new Array<number>(x.cols).fill(0);
  for (let i = 0; i < rows.length; i++) for (let j = 0; j < x.cols; j++) mean[j]! += x.data[rows[i]! * x.cols + j]!;
  for (let j = 0; j < x.cols; j++) mean[j] = mean[j]! / rows.length;
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < x.cols; j++) { const d = x.data[rows[i]! * x.cols + j]! - mean[j]!; sq[j]! += d * d; }
  }
  const scale = sq.map((s, j) => {
    const std = Math.sqrt(s / rows.length);
    return std > 1e-10 * (1 + Math.abs(mean[j]!)) ? 1 / std : 0;
  });
  return { mean, scale };
}

/** The standardised rows as a dense matrix. */
function standardised(x: Matrix, rows: ArrayLike<number>, s: Standardisation): Float64Array {
  const out = new Float64Array(rows.length * x.cols);
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < x.cols; j++) out[i * x.cols + j] = (x.data[rows[i]! * x.cols + j]! - s.mean[j]!) * s.scale[j]!;
  }
  return out;
}

/** Solves (A + lambda I) z = b for symmetric positive semi-definite A [n x n] by Cholesky (f64). */
export function solveShifted(a: Float64Array, n: number, lambda: number, b: Float64Array): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]! + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / l[j * n + j]!;
    }
  }
  const z = Float64Array.from(b);
  for (let i = 0; i < n; i++) { let s = z[i]!; for (let k = 0; k < i; k++) s -= l[i * n + k]! * z[k]!; z[i] = s / l[i * n + i]!; }
  for (let i = n - 1; i >= 0; i--) { let s = z[i]!; for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * z[k]!; z[i] = s / l[i * n + i]!; }
  return z;
}

/**
 * Ridge fits for each penalty on the same training rows: min |y - 1 c - Z w|^2 + lambda |w|^2 on the standardised Z,
 * the intercept c = mean(y) (Z's columns are centred). Primal (Z^T Z, p x p) or dual (Z Z^T, n x n), whichever is smaller.
 */
export function fitRidgePath(x: Matrix, y: ArrayLike<number>, rows: ArrayLike<number>, lambdas: number[]): RidgeModel[] {
  const s = standardisation(x, rows), n = rows.length, p = x.cols, z = standardised(x, rows, s);
  let intercept = 0;
  for (let i = 0; i < n; i++) intercept += y[rows[i]!]!;
  intercept /= n;
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) yc[i] = y[rows[i]!]! - intercept;
  const primal = p <= n, m = primal ? p : n, gram = new Float64Array(m * m), rhs = new Float64Array(m);
  if (primal) {
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < p; a++) {
        const za = z[i * p + a]!;
        if (za === 0) continue;
        rhs[a]! += za * yc[i]!;
        for (let b = 0; b <= a; b++) gram[a * p + b]! += za * z[i * p + b]!;
      }
    }
  } else {
    rhs.set(yc);
    for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) {
      let d = 0;
      for (let j = 0; j < p; j++) d += z[i * p + j]! * z[k * p + j]!;
      gram[i * n + k] = d;
    }
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) gram[b * m + a] = gram[a * m + b]!;
  return lambdas.map((lambda) => {
    const sol = solveShifted(gram, m, lambda, rhs);
    let w: Float64Array;
    if (primal) w = sol;
    else {
      w = new Float64Array(p);
      for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) w[j]! += z[i * p + j]! * sol[i]!;
    }
    return { mean: s.mean, scale: s.scale, weights: Array.from(w), intercept, lambda };
  });
}

/** The model's prediction for one feature row (raw, unstandardised features). */
export function predictRow(model: RidgeModel, row: ArrayLike<number>): number {
  let v = model.intercept;
  for (let j = 0; j < model.weights.length; j++) v += (row[j]! - model.mean[j]!) * model.scale[j]! * model.weights[j]!;
  return v;
}

function rowOf(x: Matrix, i: number): Float64Array {
  return x.data.subarray(i * x.cols, (i + 1) * x.cols);
}

/** k disjoint folds covering 0..n-1 (a seeded shuffle, then round robin), each sorted. */
export function kFolds(n: number, k: number, seed: number): number[][] {
  if (k < 2 || k > n) throw new Error(`cross-validation needs 2 <= k <= n rows, got k = ${k}, n = ${n}`);
  const order = Array.from({ length: n }, (_, i) => i), rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(rng.next() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
  const folds: number[][] = Array.from({ length: k }, () => []);
  order.forEach((r, i) => folds[i % k]!.push(r));
  return folds.map((f) => f.sort((a, b) => a - b));
}

export interface Scores { mae: number; rmse: number; r2: number }

/** MAE, RMSE and R^2 = 1 - SS_res / SS_tot (about the mean of these true values). */
export function scores(truth: ArrayLike<number>, predicted: ArrayLike<number>): Scores {
  const n = truth.length;
  let mean = 0, abs = 0, sq = 0, tot = 0;
  for (let i = 0; i < n; i++) mean += truth[i]!;
  mean /= n;
  for (let i = 0; i < n; i++) {
    const e = predicted[i]! - truth[i]!;
    abs += Math.abs(e); sq += e * e; tot += (truth[i]! - mean) ** 2;
  }
  return { mae: abs / n, rmse: Math.sqrt(sq / n), r2: tot > 0 ? 1 - sq / tot : NaN };
}

/** Ridge on `rows` with the penalty chosen by `inner`-fold CV on those rows only (least mean squared error). */
export function fitRidgeCv(x: Matrix, y: ArrayLike<number>, rows: number[], inner: number, seed: number): RidgeModel {
  const lambdas = lambdaGrid(rows.length), err = new Array<number>(lambdas.length).fill(0);
  for (const fold of kFolds(rows.length, inner, seed)) {
    const held = new Set(fold), train = rows.filter((_, i) => !held.has(i)), test = fold.map((i) => rows[i]!);
    fitRidgePath(x, y, train, lambdas).forEach((m, l) => {
      for (const r of test) err[l]! += (predictRow(m, rowOf(x, r)) - y[r]!) ** 2;
    });
  }
  const best = err.indexOf(Math.min(...err));
  return fitRidgePath(x, y, rows, [lambdas[best]!])[0]!;
}

export interface CvResult {
  /** Pooled out-of-fold scores over every row. */
  pooled: Scores;
  /** Each outer fold's scores and chosen penalty. */
  folds: (Scores & { lambda: number; n: number })[];
  /** Out-of-fold prediction of every row. */
  predicted: Float64Array;
}

/** Outer k-fold CV of fitRidgeCv: each fold predicted by a model that never saw it (standardisation included). */
export function crossValidate(x: Matrix, y: ArrayLike<number>, k: number, seed: number, inner = 5): CvResult {
  const predicted = new Float64Array(x.rows), folds: CvResult["folds"] = [];
  const all = Array.from({ length: x.rows }, (_, i) => i);
  kFolds(x.rows, k, seed).forEach((fold, f) => {
    const held = new Set(fold), train = all.filter((i) => !held.has(i));
    const model = fitRidgeCv(x, y, train, inner, seed + 1000 + f);
    for (const r of fold) predicted[r] = predictRow(model, rowOf(x, r));
    folds.push({ ...scores(fold.map((r) => y[r]!), fold.map((r) => predicted[r]!)), lambda: model.lambda, n: fold.length });
  });
  return { pooled: scores(y, predicted), folds, predicted };
}
