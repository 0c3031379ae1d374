// The prediction fast path: the same forward pass as qdf.ts with frozen weights, arranged for speed.
import * as tf from "@tensorflow/tfjs-core";
import { basisValues } from "../kernels/basis.js";
import { columnSums, normalizeColumns } from "../kernels/columns.js";
import type { QdfConfig, Weights } from "./config.js";
import type { MoleculeFeatures } from "./features.js";
import { normalizedCoefficients, orbitalZeta } from "./lcao.js";

/**
 * Frozen weights for prediction. Differences from the differentiable path (qdf.ts), all exact in real arithmetic:
 * coefficients are gathered and normalised in JS; Psi's column norms, its scaling and the readout's column sums are
 * done by SIMD kernels on the matrices read back from tfjs. That is cheaper than tfjs-wasm's axis-0 reductions or a ones-row
 * matmul, which repack a fresh right-hand matrix on every call, whereas the layers' weights stay packed in
 * XNNPACK's cache. Molecules go one at a time: stacking them made the matmuls slower (cache).
 */
export class InferenceWeights {
  private readonly coefficient: Float32Array;
  private readonly zeta: Float32Array;
  private readonly layers: { weightT: tf.Tensor2D; bias: tf.Tensor1D }[] = [];
  private readonly propertyWeight: Float32Array;
  private readonly propertyBias: Float32Array;
  private readonly dim: number;

  constructor(readonly config: QdfConfig, weights: Weights) {
    const get = (name: string) => {
      const t = weights.get(name);
      if (!t) throw new Error(`model has no tensor ${name}`);
      return t;
    };
    this.dim = config.dim;
    this.coefficient = get("coefficient.weight").data;
    this.zeta = get("zeta.weight").data;
    const dense = (prefix: string) => {
      const w = get(`${prefix}.weight`), b = get(`${prefix}.bias`);
      return tf.tidy(() => ({
        weightT: tf.keep(tf.transpose(tf.tensor2d(w.data, w.shape as [number, number]))),
        bias: tf.keep(tf.tensor1d(b.data)),
      }));
    };
    for (let l = 0; l < config.layerFunctional; l++) this.layers.push(dense(`W_functional.${l}`));
    this.propertyWeight = get("W_property.weight").data;
    this.propertyBias = get("W_property.bias").data;
  }

  dispose(): void {
    for (const l of this.layers) { l.weightT.dispose(); l.bias.dispose(); }
  }

  /** Predicted properties for one molecule: f32 [K]. */
  predictOne(f: MoleculeFeatures): Float32Array {
    const D = this.dim, nOrb = f.orbitalIndex.length, M = f.nField;
    const basis = basisValues(f.dist, f.q, orbitalZeta(f, this.zeta), M).values;
    const coefficients = normalizedCoefficients(this.coefficient, f.orbitalIndex, D, new Float32Array(nOrb * D));
    const psiRaw = tf.tidy(() => tf.matMul(tf.tensor2d(basis, [M, nOrb]), tf.tensor2d(coefficients, [nOrb, D])));
    const psi = psiRaw.dataSync() as Float32Array;
    psiRaw.dispose();
    normalizeColumns(psi, M, Math.sqrt(f.nElectrons / D));
    const last = tf.tidy(() => {
      let h: tf.Tensor2D = tf.tensor2d(psi, [M, D]);
      for (const layer of this.layers) {
        h = tf.fused.matMul({ a: h, b: layer.weightT, bias: layer.bias, activation: "relu" }) as tf.Tensor2D;
      }
      return h;
    });
    const h = last.dataSync() as Float32Array;
    last.dispose();
    const reduced = columnSums(h, M);
    if (this.config.operation === "mean") for (let j = 0; j < D; j++) reduced[j] = reduced[j]! / M;
    const K = this.config.outputs, out = new Float32Array(K);
    for (let k = 0; k < K; k++) {
      let e = this.propertyBias[k]!;
      for (let j = 0; j < D; j++) e += reduced[j]! * this.propertyWeight[k * D + j]!;
      out[k] = e;
    }
    return out;
  }
}
