// Fresh GCN weights as PyTorch initialises the authors' layers: embedding N(0, 1), gamma ones, Linear U(+-1/sqrt(in)).
import type { Weights } from "../model/config.js";
import type { Rng } from "../train/rng.js";
import { gcnParameterShapes, type GcnConfig } from "./config.js";

export function initialGcnWeights(config: GcnConfig, rng: Rng): Weights {
  const weights: Weights = new Map();
  for (const [name, shape] of gcnParameterShapes(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (name.startsWith("gamma.")) data.fill(1);
    else if (name === "embed_atom.weight") for (let i = 0; i < n; i++) data[i] = rng.normal();
    else {
      // Both a layer's weight and its bias take the bound of its fan-in (the weight's second dimension).
      const bound = 1 / Math.sqrt(config.dim);
      for (let i = 0; i < n; i++) data[i] = (2 * rng.next() - 1) * bound;
    }
    weights.set(name, { shape, data });
  }
  return weights;
}
