// The Hohenberg-Kohn map: electron density at each field point -> external potential there; taped (folded, per
// interval of rho) and frozen (the plain layers from plain weights) side by side.
import * as tf from "#tfjs-core";
import type { Weights } from "./config.js";
import { dense, denseRelu, FrozenDense, type DenseLayer } from "./functional.js";
import { hkSecondLayer } from "./hkIntervals.js";

/**
 * Taped: rho [N, 1] -> V_pred [N, 1]: u = rho W_density^T + b; layers of relu(u W^T + b); V = u W_potential^T + b.
 * u has rank one (rho times a row, plus a row), so the first HK layer is folded into it, exactly in real arithmetic:
 * u W_0^T + b_0 = rho (W_0 w)^T + (W_0 b + b_0). That spares an [N, H] x [H, H] matmul and its two gradient
 * matmuls (a third of the V step's work at the published sizes) for [H, H] x [H, 1] products. The layer after it
 * runs once per interval of rho between the folded layer's breakpoints (hkIntervals.ts), not once per point.
 */
export function hkMap(rho: tf.Tensor2D, input: DenseLayer, layers: DenseLayer[], output: DenseLayer): tf.Tensor2D {
  if (layers.length === 0) return dense(dense(rho, input), output);
  const [first, ...rest] = layers as [DenseLayer, ...DenseLayer[]];
  const h = input.bias.shape[0];
  const folded: DenseLayer = {
    weight: tf.matMul(first.weight, input.weight),
    bias: tf.add(tf.reshape(tf.matMul(first.weight, tf.reshape(input.bias, [h, 1])), [first.bias.shape[0]]), first.bias),
  };
  const [second, ...more] = rest;
  let u = second
    ? hkSecondLayer(rho, tf.reshape(folded.weight, [1, h]), tf.reshape(folded.bias, [1, h]), second.weight, second.bias)
    : denseRelu(rho, folded);
  for (const layer of more) u = denseRelu(u, layer);
  return dense(u, output);
}

/** rho(p) = sum_k psi(p, k)^2 as an [N, 1] column (differentiable). */
export function densityColumn(psi: tf.Tensor2D): tf.Tensor2D {
  return tf.sum(tf.square(psi), 1, true);
}

/**
 * Frozen: the HK map as method.md writes it (input layer, relu layers, output layer, nothing folded) from plain
 * weights; points go through in chunks, so memory stays at chunk x H floats whatever their number.
 */
export class FrozenHkMap {
  private readonly input: FrozenDense;
  private readonly layers: FrozenDense[];
  private readonly output: FrozenDense;

  constructor(weights: Weights, layerHK: number) {
    const layer = (prefix: string) => {
      const w = weights.get(`${prefix}.weight`), b = weights.get(`${prefix}.bias`);
      if (!w || !b) throw new Error(`model has no tensor ${prefix}.weight/bias`);
      return new FrozenDense(w, b);
    };
    this.input = layer("W_density");
    this.layers = Array.from({ length: layerHK }, (_, l) => layer(`W_HK.${l}`));
    this.output = layer("W_potential");
  }

  /** V_pred f32 [n] from rho f32 [n]. */
  potential(rho: Float32Array, chunk = 16384): Float32Array {
    const out = new Float32Array(rho.length);
    for (let start = 0; start < rho.length; start += chunk) {
      const part = rho.subarray(start, Math.min(start + chunk, rho.length));
      const v = tf.tidy(() => {
        const u = this.layers.reduce((x, l) => l.apply(x, "relu"), this.input.apply(tf.tensor2d(part, [part.length, 1]), "linear"));
        return this.output.apply(u, "linear");
      });
      out.set(v.dataSync() as Float32Array, start);
      v.dispose();
    }
    return out;
  }

  dispose(): void {
    for (const l of [this.input, ...this.layers, this.output]) l.dispose();
  }
}
