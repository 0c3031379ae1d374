// Evaluating the LCAO function (rho and chosen psi_k) on points and box grids with the SIMD kernel, with cutoffs.
import { densityAtPoints, densityOnBox, type DensityOperator } from "../kernels/density.js";
import type { BoxGrid } from "./grid.js";
import type { LcaoFunction } from "./lcaoFunction.js";

export interface EvaluateOptions {
  /** Molecular orbitals k (0 <= k < D) whose psi_k to evaluate besides rho. */
  orbitals?: number[];
  /**
   * Cutoff tolerance (default 1e-7; 0 = no cutoffs): orbital o is dropped where |g_o(r)| times its largest possible
   * weight in rho (2 sum_j |P_oj| max g_j), or in any chosen psi_k (|C_ok| / n_o), is below this fraction of the
   * largest rho (or |psi_k|) on the field points.
   */
  cutoffTol?: number;
}

export const DEFAULT_CUTOFF_TOL = 1e-7;

/** Largest value of the raw d^m exp(-zeta d^2) over d >= 0, and where it is. */
function gaussianPeak(m: number, zeta: number): { at: number; value: number } {
  if (m === 0) return { at: 0, value: 1 };
  const at = Math.sqrt(m / (2 * zeta));
  return { at, value: at ** m * Math.exp(-zeta * at * at) };
}

/**
 * Cutoff radius per orbital, angstrom (Infinity: never cut; -1: the orbital never reaches the tolerance).
 * Past the radius the raw value d^m exp(-zeta d^2) is below the orbital's threshold (it decreases past its peak).
 */
export function cutoffRadii(fn: LcaoFunction, orbitals: number[], tol: number): Float64Array {
  const { nOrb, dim: D } = fn;
  const out = new Float64Array(nOrb).fill(Infinity);
  if (!(tol > 0)) return out;
  const peak = Array.from({ length: nOrb }, (_, o) => gaussianPeak(fn.q[o]! - 1, fn.zeta[o]!));
  const rhoScale = fn.fieldRho.reduce((a, b) => Math.max(a, b), 0);
  for (let o = 0; o < nOrb; o++) {
    const zeta = fn.zeta[o]!, m = fn.q[o]! - 1;
    if (!(zeta > 0)) continue; // no decay: never cut
    let weight = 0;
    for (let j = 0; j < nOrb; j++) weight += Math.abs(fn.densityMatrix[o * nOrb + j]!) * peak[j]!.value;
    let threshold = (tol * rhoScale) / (2 * weight);
    for (const k of orbitals) {
      const w = Math.abs(fn.coefficients[o * D + k]!) / fn.basisNorms[o]!;
      if (w > 0) threshold = Math.min(threshold, (tol * fn.fieldPsiMax[k]!) / w);
    }
    const g = (d: number) => d ** m * Math.exp(-zeta * d * d);
    const { at, value } = peak[o]!;
    if (value <= threshold) { out[o] = -1; continue; }
    let lo = at, hi = Math.max(at, 1);
    while (g(hi) > threshold) hi *= 2;
    for (let it = 0; it < 60; it++) {
      const mid = (lo + hi) / 2;
      if (g(mid) > threshold) lo = mid; else hi = mid;
    }
    out[o] = hi;
  }
  return out;
}

/** The kernel's operator for the function, with centres relative to `origin` (f32 keeps ~1e-6 angstrom there). */
export function densityOperator(fn: LcaoFunction, origin: readonly number[], options: EvaluateOptions = {}): DensityOperator {
  const orbitals = checkOrbitals(fn, options.orbitals ?? []);
  const { nOrb, dim: D } = fn;
  const radii = cutoffRadii(fn, orbitals, options.cutoffTol ?? DEFAULT_CUTOFF_TOL);
  const centres = new Float32Array(nOrb * 3);
  for (let i = 0; i < nOrb * 3; i++) centres[i] = fn.centres[i]! - origin[i % 3]!;
  const S = new Float32Array(nOrb * orbitals.length);
  for (let o = 0; o < nOrb; o++) {
    orbitals.forEach((k, s) => (S[o * orbitals.length + s] = fn.coefficients[o * D + k]! / fn.basisNorms[o]!));
  }
  return {
    centres, q: fn.q, zeta: fn.zeta,
    cut2: Float32Array.from(radii, (r) => (r < 0 ? -1 : r * r)),
    P: Float32Array.from(fn.densityMatrix), S, nSel: orbitals.length,
  };
}

function checkOrbitals(fn: LcaoFunction, orbitals: number[]): number[] {
  for (const k of orbitals) {
    if (!Number.isInteger(k) || k < 0 || k >= fn.dim) throw new Error(`orbital ${k} out of range: the model has ${fn.dim} (0..${fn.dim - 1})`);
  }
  return orbitals;
}

export interface PointValues {
  /** rho, f32 [nPoints]. */
  rho: Float32Array;
  /** psi_k per chosen orbital, each f32 [nPoints], in the order asked. */
  psi: Float32Array[];
}

function splitPsi(psi: Float32Array, n: number, nSel: number): Float32Array[] {
  return Array.from({ length: nSel }, (_, s) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = psi[i * nSel + s]!;
    return out;
  });
}

/** rho and chosen psi at points f64 [n * 3] (angstrom). Keep nearby points consecutive for speed. */
export function evaluateAtPoints(fn: LcaoFunction, points: Float64Array, options: EvaluateOptions = {}): PointValues {
  const n = points.length / 3;
  // A local origin (the first point) keeps float32 coordinates small.
  const origin = n > 0 ? [points[0]!, points[1]!, points[2]!] : [0, 0, 0];
  const op = densityOperator(fn, origin, options);
  const local = new Float32Array(points.length);
  for (let i = 0; i < points.length; i++) local[i] = points[i]! - origin[i % 3]!;
  const v = densityAtPoints(local, op);
  return { rho: v.rho, psi: splitPsi(v.psi, n, op.nSel) };
}

/** rho and chosen psi on a box grid, f32 [nx * ny * nz] each in the grid's (cube) order. */
export function evaluateOnGrid(fn: LcaoFunction, grid: BoxGrid, options: EvaluateOptions = {}): PointValues {
  const op = densityOperator(fn, grid.origin, options);
  const v = densityOnBox(grid.shape, grid.spacing, op);
  return { rho: v.rho, psi: splitPsi(v.psi, v.rho.length, op.nSel) };
}
