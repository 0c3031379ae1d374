// The LCAO stage's training forms: what the next stage reads of Psi, computed straight from the basis B and coefficients
// C as single ops with hand-written gradients (the functional's first layer for the E step, the density for the V
// step). Psi itself is never formed; each is exact in real arithmetic against lcao.ts's Psi (test/model/stages.test.ts).
import * as tf from "#tfjs-core";
import { customOp } from "./customOp.js";
import { columnSumsT, reluGradT, transposeT } from "../kernels/tensorKernels.js";
import { fusedMatMul } from "../kernels/tfjsWasmHeap.js";
import type { DenseLayer } from "./functional.js";
import { EPS, orbitalScale, unfloored } from "./lcao.js";

type T2 = tf.Tensor2D;

/**
 * relu(Psi W^T + b) for Psi = B C S, S = diag(sqrt(N_elec / D) / max(||B c_j||, 1e-12)), computed as
 * relu(B (C S W^T) + b) with ||B c_j||^2 = c_j^T G c_j, G = B^T B. Exact in real arithmetic; it trades the
 * [N, D] x [D, D] layer and its two gradient products for [nOrb, D] x [D, D] ones and a Gram matrix (nOrb ~ D/2).
 * Gradient (g = dy * (y > 0), F = C S W^T, dq the norms' squares' gradient): dF = B^T g, db = colsums g,
 * dB = g F^T + 2 B (C diag(dq) C^T), dW = dF^T (C S), dC = (dF W) S + 2 (G C) diag(dq) (G symmetric).
 * basis [N, nOrb], coefficients [nOrb, D] (normalised over rows), layer W [D', D], b [D'].
 */
export function firstLayerFromBasis(basis: T2, coefficients: T2, nElectrons: number, layer: DenseLayer): T2 {
  const s = orbitalScale(nElectrons, coefficients.shape[1]);
  const op = customOp((B: T2, C: T2, W: T2, b: T2, save: tf.GradSaveFunc) => {
    const Bt = transposeT(B);
    const GC = tf.matMul(tf.matMul(Bt, B), C);
    const norm = tf.sqrt(tf.relu(columnSumsT(tf.mul(C, GC) as T2)));
    const m = tf.maximum(norm, EPS);
    const scale = tf.div(s, m);
    const Cs = tf.mul(C, scale);
    const F = tf.matMul(Cs, transposeT(W));
    const y = fusedMatMul(B, F as T2, tf.reshape(b, [-1]), "relu");
    save([B, Bt, C, W, GC, m, scale, unfloored(norm), Cs, F, y]);
    return {
      value: y,
      gradFunc: (dy: T2, saved: T2[]) => {
        const [Bs, Bts, Cv, Wv, GCv, ms, scales, free, Css, Fs, ys] = saved as T2[] as [T2, T2, T2, T2, T2, T2, T2, T2, T2, T2, T2];
        const g = reluGradT(dy, ys);
        const dF = tf.matMul(Bts, g) as T2;
        const dCs = tf.matMul(dF, Wv);
        // scale = s / m: d(scale) -> dm = -d(scale) scale / m -> dq = dm / (2 m) where unfloored.
        const dScale = columnSumsT(tf.mul(dCs, Cv) as T2);
        const dq2 = tf.div(tf.mul(tf.mul(dScale, scales), free), tf.neg(tf.square(ms))); // 2 dq
        const dB = tf.add(tf.matMul(g, transposeT(Fs)), tf.matMul(Bs, tf.matMul(tf.mul(Cv, dq2), transposeT(Cv))));
        const dC = tf.add(tf.mul(dCs, scales), tf.mul(GCv, dq2));
        return [dB, dC, tf.matMul(transposeT(dF), Css), tf.reshape(columnSumsT(g as T2), b.shape)];
      },
    };
  });
  return op(basis, coefficients, layer.weight, tf.reshape(layer.bias, [1, -1])) as T2;
}

/**
 * rho(p) = sum_j Psi(p, j)^2 as an [N, 1] column, Psi = P S, P = B C, S = diag(sqrt(N_elec / D) / max(||p_j||, 1e-12)):
 * rho = P^2 w with w = S^2 [D]. Gradient: dP = 2 P (drho w^T + dq) (drho w^T: a broadcast product, not a matmul), dq from dw = (P^2)^T drho through the norms;
 * dC = B^T dP, dB = dP C^T.
 */
export function densityFromBasis(basis: T2, coefficients: T2, nElectrons: number): T2 {
  const s2 = nElectrons / coefficients.shape[1];
  const op = customOp((B: T2, C: T2, save: tf.GradSaveFunc) => {
    const P = tf.matMul(B, C);
    const P2 = tf.square(P);
    const norm = tf.sqrt(columnSumsT(P2 as T2));
    const m = tf.maximum(norm, EPS);
    const w = tf.div(s2, tf.square(m)); // [1, D]
    save([B, C, P, P2, m, w, unfloored(norm)]);
    return {
      value: tf.matMul(P2, transposeT(w as T2)) as T2,
      gradFunc: (drho: T2, saved: T2[]) => {
        const [Bs, Cs, Ps, P2s, ms, ws, free] = saved as [T2, T2, T2, T2, T2, T2, T2];
        // w = s^2 / m^2: dm = -2 dw w / m -> dq = dm / (2 m) where unfloored = -dw w / m^2.
        const dw = columnSumsT(P2s, drho);
        const dq = tf.div(tf.mul(tf.mul(dw, ws), free), tf.neg(tf.square(ms)));
        const dP = tf.mul(tf.mul(Ps, 2), tf.add(tf.mul(drho, ws), dq));
        return [tf.matMul(dP, transposeT(Cs)), tf.matMul(transposeT(Bs), dP)];
      },
    };
  });
  return op(basis, coefficients) as T2;
}
