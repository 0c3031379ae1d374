// The prediction fast path: the same forward pass as qdf.ts with frozen weights, arranged for speed.
import * as tf from "@tensorflow/tfjs-core";
import { basisValues } from "../kernels/basis.js";
import type { QdfConfig, Weights } from "./config.js";
import type { MoleculeFeatures } from "./features.js";

/**
 * Frozen weights for prediction. Differences from the differentiable path (qdf.ts), all exact in real arithmetic:
 * coefficients are gathered and normalised in JS; Psi's column scale is folded into the first functional layer's
 * weights (so the normalised Psi is never materialised); column sums use a ones-row matmul, which tfjs-wasm does far
 * faster than a reduction over axis 0. Molecules go one at a time: stacking them made the matmuls slower (cache).
 */
export class InferenceWeights {
  private readonly coefficient: Float32Array;
  private readonly zeta: Float32Array;
  private readonly layers: { weightT: tf.Tensor2D; bias: tf.Tensor1D }[] = [];
  private readonly property: { weightT: tf.Tensor2D; bias: tf.Tensor1D };
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
    this.property = dense("W_property");
  }

  dispose(): void {
    for (const l of [...this.layers, this.property]) { l.weightT.dispose(); l.bias.dispose(); }
  }

  /** Normalised coefficient block [nOrb, D] for the molecule's orbitals (columns over its rows, floor 1e-12). */
  private coefficients(f: MoleculeFeatures): Float32Array {
    const D = this.dim, n = f.orbitalIndex.length;
    const c = new Float32Array(n * D);
    const norm = new Float64Array(D);
    for (let i = 0; i < n; i++) {
      const src = f.orbitalIndex[i]! * D;
      for (let j = 0; j < D; j++) {
        const v = this.coefficient[src + j]!;
        c[i * D + j] = v;
        norm[j] += v * v;
      }
    }
    for (let j = 0; j < D; j++) norm[j] = 1 / Math.max(Math.sqrt(norm[j]!), 1e-12);
    for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) c[i * D + j] = c[i * D + j]! * norm[j]!;
    return c;
  }

  /** Predicted properties for one molecule: f32 [K]. */
  predictOne(f: MoleculeFeatures): Float32Array {
    const D = this.dim, nOrb = f.orbitalIndex.length, M = f.nField;
    const zeta = new Float32Array(nOrb);
    f.orbitalIndex.forEach((row, i) => (zeta[i] = this.zeta[row]!));
    const basis = basisValues(f.dist, f.q, zeta, M).values;
    const coefficients = this.coefficients(f);
    const e = tf.tidy(() => {
      const psi = tf.matMul(tf.tensor2d(basis, [M, nOrb]), tf.tensor2d(coefficients, [nOrb, D]));
      const ones = tf.ones([1, M]);
      const norms = tf.sqrt(tf.matMul(ones, tf.square(psi)));
      const scale = tf.div(Math.sqrt(f.nElectrons / D), tf.maximum(norms, 1e-12));
      let h = psi;
      this.layers.forEach((layer, l) => {
        const w = l === 0 ? tf.mul(layer.weightT, tf.reshape(scale, [D, 1])) : layer.weightT;
        h = tf.fused.matMul({ a: h, b: w as tf.Tensor2D, bias: layer.bias, activation: "relu" });
      });
      let reduced = tf.matMul(ones, h);
      if (this.config.operation === "mean") reduced = tf.div(reduced, M);
      return tf.fused.matMul({ a: reduced, b: this.property.weightT, bias: this.property.bias });
    });
    const out = e.dataSync() as Float32Array;
    e.dispose();
    return out;
  }
}
