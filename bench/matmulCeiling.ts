// The tfjs-wasm matmul ceiling on QDF's shapes: fused [M x 250] x [250 x 250] + bias + relu, GFLOP/s in this process.
import * as tf from "#tfjs-core";

/** Measures the fused-layer GFLOP/s for `seconds` (after warm-up); call after initBackend(). */
export function matmulCeiling(rows = 729, dim = 250, seconds = 2): number {
  const a = tf.randomNormal([rows, dim]) as tf.Tensor2D;
  const w = tf.randomNormal([dim, dim]) as tf.Tensor2D;
  const b = tf.randomNormal([dim]) as tf.Tensor1D;
  const layer = () => tf.fused.matMul({ a, b: w, bias: b, activation: "relu" }).dispose();
  for (let i = 0; i < 5; i++) layer();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < 10; i++) layer();
    n += 10;
  }
  const dt = (performance.now() - t0) / 1000;
  a.dispose(); w.dispose(); b.dispose();
  return (2 * rows * dim * dim * n) / dt / 1e9;
}

/** Floating-point work of predicting one molecule (the matmuls: LCAO's B C, the functional, the readout). */
export function predictFlops(nField: number, nOrb: number, dim: number, layers: number, outputs: number): number {
  return 2 * nField * nOrb * dim + layers * 2 * nField * dim * dim + 2 * dim * outputs;
}

/**
 * Floating-point work the native field path does for one molecule of nOrb orbitals of nTypes types: the basis summed
 * per type (model/lcao.ts, orbitalTypes), then the field graph (io/onnxFieldModel.ts) on those nTypes columns: the
 * Gram matrix and its product with T for the norms, the first layer reassociated as (B S) (T F W0^T), the other
 * layers. Fewer than predictFlops when nTypes < dim.
 */
export function fieldGraphFlops(nField: number, nOrb: number, nTypes: number, dim: number, layers: number,
                                outputs: number): number {
  const k = nTypes;
  return nField * nOrb + 2 * nField * k * k + 2 * k * k * dim + 2 * k * dim * dim + 2 * nField * k * dim +
    (layers - 1) * 2 * nField * dim * dim +
    2 * dim * outputs;
}
