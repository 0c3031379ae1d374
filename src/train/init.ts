// Fresh weights for a new model, initialised as PyTorch initialises the reference's layers, from a seeded Rng.
import { parameterShapes, type QdfConfig, type Weights } from "../model/config.js";
import type { Rng } from "./rng.js";

/**
 * nn.Embedding: N(0, 1) (coefficients); zeta: ones; nn.Linear: weight and bias U(-1/sqrt(in), 1/sqrt(in))
 * (kaiming_uniform with a = sqrt(5) reduces to this bound).
 */
export function initialWeights(config: QdfConfig, rng: Rng): Weights {
  const weights: Weights = new Map();
  const shapes = parameterShapes(config);
  const fanIn = new Map(shapes.filter(([n]) => n.endsWith(".weight")).map(([n, s]) => [n.slice(0, -7), s[1] ?? 1]));
  for (const [name, shape] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (name === "zeta.weight") data.fill(1);
    else if (name === "coefficient.weight") for (let i = 0; i < n; i++) data[i] = rng.normal();
    else {
      const bound = 1 / Math.sqrt(fanIn.get(name.replace(/\.(weight|bias)$/, ""))!);
      for (let i = 0; i < n; i++) data[i] = (2 * rng.next() - 1) * bound;
    }
    weights.set(name, { shape, data });
  }
  return weights;
}
