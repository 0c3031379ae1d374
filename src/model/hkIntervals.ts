// The HK map's second layer without its [N, H] x [H, H] products: on each interval of rho between the first layer's
// breakpoints the first layer is affine in rho, so the second layer's pre-activation is rho * alpha_k + beta_k.
import * as tf from "@tensorflow/tfjs-core";
import { columnSumsT, gatherAffineReluT, reluGradT, rowDotsT, segmentSumsT, transposeT } from "../kernels/tensorKernels.js";

type T2 = tf.Tensor2D;

/**
 * The intervals of rho between the breakpoints t_j = -c_j / a_j of relu(rho a + c), and which units are active on
 * each: interval k holds t_(k) < rho <= t_(k+1) (sorted), where unit j is active iff a_j > 0 and t_j <= t_(k), or
 * a_j < 0 and t_j >= t_(k+1), or a_j = 0 and c_j > 0. Only intervals holding points are kept (renumbered in order
 * of first use): idx [N] gives each point's, masks [K, H] their active units as 0/1.
 */
export function rhoIntervals(rho: Float32Array, a: Float32Array, c: Float32Array): { idx: Int32Array; masks: Float32Array; count: number } {
  const h = a.length;
  const t = new Float64Array(h);
  const cuts: number[] = [];
  for (let j = 0; j < h; j++) if (a[j] !== 0) cuts.push((t[j] = -c[j]! / a[j]!));
  const sorted = Float64Array.from(cuts).sort();
  const m = sorted.length;
  const idx = new Int32Array(rho.length);
  const slot = new Map<number, number>();
  const used: number[] = [];
  for (let p = 0; p < rho.length; p++) {
    const r = rho[p]!;
    let lo = 0, hi = m; // the number of breakpoints < r
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid]! < r) lo = mid + 1; else hi = mid; }
    let s = slot.get(lo);
    if (s === undefined) { s = used.length; slot.set(lo, s); used.push(lo); }
    idx[p] = s;
  }
  const masks = new Float32Array(used.length * h);
  used.forEach((k, s) => {
    for (let j = 0; j < h; j++) {
      const aj = a[j]!;
      const on = aj > 0 ? k >= 1 && t[j]! <= sorted[k - 1]! : aj < 0 ? k < m && t[j]! >= sorted[k]! : c[j]! > 0;
      masks[s * h + j] = on ? 1 : 0;
    }
  });
  return { idx, masks, count: used.length };
}

/**
 * relu(relu(rho a + c) W^T + b): rho [N, 1], a and c [1, H] (the HK map's input layer folded into its first layer),
 * W [H', H], b [H']. With M_k the interval masks: alpha = (M a) W^T, beta = (M c) W^T + b, [K, H'], K <= H + 1.
 * Gradient (g = dy * (y > 0)): dalpha_k and dbeta_k are sums of rho g and g over interval k, drho = g . alpha_k,
 * dW = dalpha^T (M a) + dbeta^T (M c), db = sums of dbeta, da and dc the column sums of (dalpha W) M and (dbeta W) M.
 * Exact in real arithmetic; the [N, H] x [H, H] forward and its two gradient products become [K, H] x [H, H] ones.
 */
export function hkSecondLayer(rho: T2, a: T2, c: T2, weight: T2, bias: tf.Tensor1D): T2 {
  const op = tf.customGrad(((r: T2, av: T2, cv: T2, w: T2, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const { idx, masks, count } = rhoIntervals(r.dataSync() as Float32Array, av.dataSync() as Float32Array, cv.dataSync() as Float32Array);
    const h = av.shape[1];
    const M = tf.tensor2d(masks, [count, h]);
    const index = tf.tensor1d(idx, "int32");
    const A = tf.mul(M, av) as T2, C = tf.mul(M, cv) as T2;
    const wT = transposeT(w);
    const alpha = tf.matMul(A, wT) as T2, beta = tf.add(tf.matMul(C, wT), b) as T2;
    const y = gatherAffineReluT(r, index, alpha, beta);
    save([r, index, M, A, C, w, alpha, y]);
    return {
      value: y,
      gradFunc: (dy: T2, saved: tf.Tensor[]) => {
        const [rs, is, Ms, As, Cs, ws, alphas, ys] = saved as [T2, tf.Tensor1D, T2, T2, T2, T2, T2, T2];
        const g = reluGradT(dy, ys);
        const [dAlpha, dBeta] = segmentSumsT(g, rs, is, Ms.shape[0]);
        const dW = tf.add(tf.matMul(transposeT(dAlpha), As), tf.matMul(transposeT(dBeta), Cs));
        const da = columnSumsT(tf.mul(tf.matMul(dAlpha, ws), Ms) as T2);
        const dc = columnSumsT(tf.mul(tf.matMul(dBeta, ws), Ms) as T2);
        return [rowDotsT(g, alphas, is), da, dc, dW, tf.reshape(columnSumsT(dBeta), [ws.shape[0]])];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(rho, a, c, weight, bias) as T2;
}
