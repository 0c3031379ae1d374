// The HK map's second layer without its [N, H] x [H, H] products: on each interval of rho between the first layer's
// breakpoints the first layer is affine in rho, so the second layer's pre-activation is rho * alpha_k + beta_k.
import * as tf from "#tfjs-core";
import { customOp } from "./customOp.js";
import { gatherAffineReluT, reluGradT, rowDotsT, segmentSumsT } from "../kernels/tensorKernels.js";

type T2 = tf.Tensor2D;

/**
 * The intervals of rho cut by the breakpoints t_j = -c_j / a_j of relu(rho a + c). With the m breakpoints sorted
 * (`order`: units by breakpoint, `rank`: each unit's place there, -1 where a_j = 0), interval k in 0..m holds
 * t_(k-1) < rho <= t_(k); idx gives each point's.
 */
export interface RhoIntervals {
  idx: Int32Array;
  order: Int32Array;
  rank: Int32Array;
  /** m + 1. */
  count: number;
}

export function rhoIntervals(rho: Float32Array, a: Float32Array, c: Float32Array): RhoIntervals {
  const h = a.length;
  const t = new Float64Array(h);
  const units: number[] = [];
  for (let j = 0; j < h; j++) if (a[j] !== 0) { t[j] = -c[j]! / a[j]!; units.push(j); }
  units.sort((x, y) => t[x]! - t[y]! || x - y);
  const order = Int32Array.from(units), rank = new Int32Array(h).fill(-1);
  order.forEach((j, r) => (rank[j] = r));
  const sorted = Float64Array.from(order, (j) => t[j]!);
  const idx = new Int32Array(rho.length);
  for (let p = 0; p < rho.length; p++) {
    const r = rho[p]!;
    let lo = 0, hi = sorted.length; // the number of breakpoints < r
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid]! < r) lo = mid + 1; else hi = mid; }
    idx[p] = lo;
  }
  return { idx, order, rank, count: sorted.length + 1 };
}

/**
 * Whether unit j is active (rho a_j + c_j > 0) on interval k: a_j > 0 once rho is past t_j (rank_j < k), a_j < 0
 * until rho reaches t_j (rank_j >= k), a_j = 0 where c_j > 0. (On an interval that holds points; ties between
 * breakpoints only make empty intervals.)
 */
export function isActive(iv: RhoIntervals, a: Float32Array, c: Float32Array, j: number, k: number): boolean {
  const [from, to] = activeRange(iv, a, c, j);
  return from <= k && k < to;
}

/** Unit j's active intervals as a range [from, to) (empty for a never-active unit). */
function activeRange(iv: RhoIntervals, a: Float32Array, c: Float32Array, j: number): [number, number] {
  if (a[j]! > 0) return [iv.rank[j]! + 1, iv.count];
  if (a[j]! < 0) return [0, iv.rank[j]! + 1];
  return c[j]! > 0 ? [0, iv.count] : [0, 0];
}

/**
 * Per interval k, alpha_k = sum of a_j W[:, j] and beta_k = b + sum of c_j W[:, j] over the units active there, as
 * running sums along the sorted breakpoints (each unit switches once), in float64: O(K H') rather than a matmul.
 * W: [H', H] row-major; returns [K, H'] each.
 */
function intervalTables(iv: RhoIntervals, a: Float32Array, c: Float32Array, w: Float32Array, b: Float32Array) {
  const h = a.length, hOut = b.length, K = iv.count;
  const alpha = new Float32Array(K * hOut), beta = new Float32Array(K * hOut);
  const sa = new Float64Array(hOut), sb = new Float64Array(hOut);
  // Start at interval 0: the units active there (a < 0 ones, and a = 0 ones with c > 0), then switch along k.
  for (let j = 0; j < h; j++) if (isActive(iv, a, c, j, 0)) addColumn(sa, sb, w, h, j, a[j]!, c[j]!, 1);
  for (let k = 0; k < K; k++) {
    if (k > 0) {
      const j = iv.order[k - 1]!; // the unit whose breakpoint separates k - 1 and k switches on (a > 0) or off (a < 0)
      addColumn(sa, sb, w, h, j, a[j]!, c[j]!, a[j]! > 0 ? 1 : -1);
    }
    for (let i = 0; i < hOut; i++) { alpha[k * hOut + i] = sa[i]!; beta[k * hOut + i] = sb[i]! + b[i]!; }
  }
  return { alpha, beta };
}

function addColumn(sa: Float64Array, sb: Float64Array, w: Float32Array, h: number, j: number, aj: number, cj: number, sign: number) {
  for (let i = 0; i < sa.length; i++) {
    const wij = w[i * h + j]! * sign;
    sa[i]! += aj * wij;
    sb[i]! += cj * wij;
  }
}

/**
 * The gradient of the tables: with dalpha, dbeta [K, H'], each unit's column of dW and its da, dc come from the sums
 * of dalpha and dbeta over the unit's active intervals (prefix sums, float64): dW[:, j] = a_j SA_j + c_j SB_j,
 * da_j = W[:, j] . SA_j, dc_j = W[:, j] . SB_j; db = the sum of dbeta over all intervals.
 */
function tableGradients(iv: RhoIntervals, a: Float32Array, c: Float32Array, w: Float32Array, dAlpha: Float32Array, dBeta: Float32Array) {
  const h = a.length, K = iv.count, hOut = dAlpha.length / K;
  const pa = new Float64Array((K + 1) * hOut), pb = new Float64Array((K + 1) * hOut); // prefix sums over k
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < hOut; i++) {
      pa[(k + 1) * hOut + i] = pa[k * hOut + i]! + dAlpha[k * hOut + i]!;
      pb[(k + 1) * hOut + i] = pb[k * hOut + i]! + dBeta[k * hOut + i]!;
    }
  }
  const dW = new Float32Array(hOut * h), da = new Float32Array(h), dc = new Float32Array(h), db = new Float32Array(hOut);
  for (let i = 0; i < hOut; i++) db[i] = pb[K * hOut + i]!;
  for (let j = 0; j < h; j++) {
    const [from, to] = activeRange(iv, a, c, j);
    if (from >= to) continue;
    let sa = 0, sc = 0;
    for (let i = 0; i < hOut; i++) {
      const ra = pa[to * hOut + i]! - pa[from * hOut + i]!, rb = pb[to * hOut + i]! - pb[from * hOut + i]!;
      const wij = w[i * h + j]!;
      dW[i * h + j] = a[j]! * ra + c[j]! * rb;
      sa += wij * ra;
      sc += wij * rb;
    }
    da[j] = sa;
    dc[j] = sc;
  }
  return { dW, da, dc, db };
}

/**
 * relu(relu(rho a + c) W^T + b): rho [N, 1], a and c [1, H] (the HK map's input layer folded into its first layer),
 * W [H', H], b [H']. Exact in real arithmetic; the [N, H] x [H, H] product and its two gradient products become
 * O(N H) row operations (SIMD kernels) and O(H H') table work. Gradient (g = dy * (y > 0)): dalpha_k and dbeta_k
 * are the sums of rho g and g over interval k, drho = g . alpha_k, the rest through the tables (tableGradients).
 */
export function hkSecondLayer(rho: T2, a: T2, c: T2, weight: T2, bias: tf.Tensor1D): T2 {
  const op = customOp((r: T2, av: T2, cv: T2, w: T2, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const A = av.dataSync() as Float32Array, C = cv.dataSync() as Float32Array, W = w.dataSync() as Float32Array;
    const iv = rhoIntervals(r.dataSync() as Float32Array, A, C);
    const hOut = b.shape[0];
    const { alpha, beta } = intervalTables(iv, A, C, W, b.dataSync() as Float32Array);
    const index = tf.tensor1d(iv.idx, "int32");
    const alphaT = tf.tensor2d(alpha, [iv.count, hOut]);
    const y = gatherAffineReluT(r, index, alphaT, tf.tensor2d(beta, [iv.count, hOut]));
    save([r, index, alphaT, y]);
    return {
      value: y,
      gradFunc: (dy: T2, saved: tf.Tensor[]) => {
        const [rs, is, alphas, ys] = saved as [T2, tf.Tensor1D, T2, T2];
        const g = reluGradT(dy, ys);
        const [dAlpha, dBeta] = segmentSumsT(g, rs, is, iv.count);
        const t = tableGradients(iv, A, C, W, dAlpha.dataSync() as Float32Array, dBeta.dataSync() as Float32Array);
        return [rowDotsT(g, alphas, is), tf.tensor2d(t.da, [1, A.length]), tf.tensor2d(t.dc, [1, A.length]),
                tf.tensor2d(t.dW, w.shape), tf.tensor1d(t.db)];
      },
    };
  });
  return op(rho, a, c, weight, bias) as T2;
}
