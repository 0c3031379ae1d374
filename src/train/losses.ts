// The E and V losses and their parameter gradients as plain functions: one code path for the Trainer and the training workers.
import * as tf from "#tfjs-core";
import { readTensor } from "../kernels/tfjsWasmHeap.js";
import type { QdfConfig } from "../model/config.js";
import type { MoleculeFeatures } from "../model/features.js";
import type { QdfModel } from "../model/qdf.js";

/**
 * The squared errors' sum over `denominator` when given (a share of a batch: the full batch's count, so the
 * shares' losses and gradients add up to the batch's), else their mean. Sum / n gives every element the same
 * upstream gradient fl(1/n) as Mean does, so a share's gradients differ from the batch's only in summation order.
 */
function meanOrShare(sq: tf.Tensor, denominator?: number): tf.Scalar {
  return denominator === undefined ? tf.mean(sq) : tf.div(tf.sum(sq), denominator);
}

/** loss_E = mean over batch x K of (E - E_pred)^2 (or this share's part of it: see meanOrShare). */
export function lossE(model: QdfModel, batch: MoleculeFeatures[], outputs: number, denominator?: number): tf.Scalar {
  const target = tf.tensor2d(batch.flatMap((f) => f.properties!), [batch.length, outputs]);
  return meanOrShare(tf.squaredDifference(model.energyFromBasis(batch), target), denominator);
}

/** loss_V = mean over every field point of the batch of (V - V_pred)^2 (both [N, 1]: no broadcasting). */
export function lossV(model: QdfModel, batch: MoleculeFeatures[], denominator?: number): tf.Scalar {
  // Densities stacked, not orbitals: the gradient of a concat is a split, which costs ~2 ms per MB in tfjs-wasm.
  const rhos = model.densities(batch);
  const rho = rhos.length === 1 ? rhos[0]! : tf.concat(rhos, 0);
  const total = batch.reduce((n, f) => n + f.nField, 0);
  const v = new Float32Array(total);
  let at = 0;
  for (const f of batch) { v.set(f.potential!, at); at += f.nField; }
  return meanOrShare(tf.squaredDifference(model.potentialFromDensity(rho), tf.tensor2d(v, [total, 1])), denominator);
}

export interface LossGradients {
  value: number;
  /** By parameter name; a parameter the loss does not reach is absent (PyTorch's grad None: it matters to Adam). */
  grads: Map<string, Float32Array>;
}

/** Per model, gradient arrays reused from step to step (fresh ~1.6 MB of arrays per step cost page faults). */
const gradientBuffers = new WeakMap<QdfModel, Map<string, Float32Array>>();

/**
 * The loss and its gradients over every parameter of the model it reaches, read straight from tfjs's heap. The
 * arrays are the model's reused buffers: the next call for the same model overwrites them.
 */
export function lossGradients(model: QdfModel, loss: () => tf.Scalar): LossGradients {
  let buffers = gradientBuffers.get(model);
  if (!buffers) gradientBuffers.set(model, (buffers = new Map()));
  const grads = new Map<string, Float32Array>();
  const value = withLossGradients(model, loss, (name, g) => {
    let b = buffers.get(name);
    if (!b) buffers.set(name, (b = new Float32Array(g.size)));
    readTensor(g, b);
    grads.set(name, b);
  });
  return { value, grads };
}

/** The loss; `take` sees each gradient tensor (by parameter name, only those the loss reaches) while it is alive (any model: QDF or GCN). */
export function withLossGradients(model: { params: Map<string, tf.Variable> }, loss: () => tf.Scalar, take: (name: string, g: tf.Tensor) => void): number {
  const { value, grads } = tf.variableGrads(loss, [...model.params.values()]);
  try {
    for (const [name, v] of model.params) {
      const g = grads[v.name];
      if (g) take(name, g);
    }
    return value.dataSync()[0]!;
  } finally {
    tf.dispose(Object.values(grads));
    value.dispose();
  }
}

/**
 * Multiply-adds of one molecule's matmuls in a training step as qdf-wasm computes them, forward and gradient. E: the
 * functional's later layers (3 N D^2 each) and its first layer through the basis (src/model/factoredLayer.ts:
 * N nOrb^2 twice, N nOrb D three times, nOrb D^2 three times, nOrb^2 D twice). V: the density (3 N nOrb D) and the
 * HK layers after the interval one (3 N H^2 each; src/model/hkMap.ts). Balances the training workers' shares, and
 * bench/train.ts counts its FLOPs with it.
 */
export function stepWork(f: MoleculeFeatures, which: "E" | "V", c: QdfConfig): number {
  const N = f.nField, n = f.orbitalIndex.length, D = c.dim, H = c.hiddenHK;
  if (which === "E") return 3 * (c.layerFunctional - 1) * N * D * D + 2 * N * n * n + 3 * N * n * D + 3 * n * D * D + 2 * n * n * D;
  return 3 * N * n * D + 3 * Math.max(0, c.layerHK - 2) * N * H * H;
}

/**
 * Splits items 0..n-1 with the given costs into min(workers, n) non-empty shares of near-equal total cost (largest
 * first, each to the least loaded share; ties by position), each share's items in order, shares ordered by their
 * first item: deterministic for a given batch. The step is the same whatever the split (the gradients are summed).
 */
export function balancedShares(costs: number[], workers: number): number[][] {
  const w = Math.max(1, Math.min(workers, costs.length));
  const shares: number[][] = Array.from({ length: w }, () => []);
  const load = new Array<number>(w).fill(0);
  const order = costs.map((_, i) => i).sort((a, b) => costs[b]! - costs[a]! || a - b);
  for (const i of order) {
    let s = 0;
    for (let k = 1; k < w; k++) if (load[k]! < load[s]!) s = k;
    shares[s]!.push(i);
    load[s]! += costs[i]!;
  }
  return shares.map((share) => share.sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
}
