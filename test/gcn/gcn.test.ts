// The 3D GCN: forward against a plain float64 implementation, gradients against finite differences, model file round trip.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "#tfjs-core";
import { initBackend } from "../../src/model/backend.js";
import { GcnModel } from "../../src/gcn/model.js";
import { gcnFeatures } from "../../src/gcn/features.js";
import { registerGcnGradients } from "../../src/gcn/ops.js";
import { initialGcnWeights } from "../../src/gcn/init.js";
import { readGcnModelFile, writeGcnModelFile } from "../../src/gcn/modelFile.js";
import type { GcnConfig } from "../../src/gcn/config.js";
import type { Molecule } from "../../src/chem/molecule.js";
import type { Weights } from "../../src/model/config.js";
import { Rng } from "../../src/train/rng.js";
import { mulberry32 } from "../random.js";
import { plainGcn, type PlainMolecule } from "./plainGcn.js";

const config: GcnConfig = { dim: 5, layerHidden: 2, layerOutput: 1, operation: "sum", property: "E (eV)", atomDict: { C: 0, H: 1, O: 2 }, outputs: 2 };
const rand = mulberry32(11);

function molecule(id: string, symbols: string[], props: number[]): Molecule {
  // Atoms about 1 angstrom apart, so exp(-gamma d^2) is neither 0 nor 1.
  const coords = new Float64Array(symbols.length * 3).map(() => 1.6 * rand() - 0.8);
  return { id, symbols, atomicNumbers: new Int32Array(symbols.length), coords, properties: props };
}
const mols = [molecule("a", ["C", "H", "H", "O"], [0.3, -0.2]), molecule("b", ["O", "H", "H"], [-0.1, 0.4]), molecule("c", ["C", "O"], [0.2, 0.1])];
const plain: PlainMolecule[] = mols.map((m) => ({
  types: m.symbols.map((s) => config.atomDict[s]!),
  coords: Array.from({ length: m.symbols.length }, (_, i) => Array.from(m.coords.subarray(3 * i, 3 * i + 3))),
}));

/** Initial weights with gammas spread over 0.3..1.3 (so each element's exponent matters). */
function weights(): Weights {
  const w = initialGcnWeights(config, new Rng(5));
  for (let l = 0; l < config.layerHidden; l++) w.get(`gamma.${l}.weight`)!.data.forEach((_, i, a) => (a[i] = 0.3 + rand()));
  return w;
}

function plainLoss(w: Weights): number {
  const E = plainGcn(w, config.layerHidden, config.layerOutput, plain);
  let s = 0;
  E.forEach((row, i) => row.forEach((e, k) => (s += (e - mols[i]!.properties![k]!) ** 2)));
  return s / (E.length * config.outputs);
}

test("forward: tfjs batch (block-diagonal, 1e6 across molecules) equals the plain float64 GCN per molecule", async () => {
  await initBackend();
  const w = weights();
  const model = new GcnModel(config, w);
  const got = model.predict(mols.map((m) => gcnFeatures(m, config.atomDict)));
  const want = plainGcn(w, config.layerHidden, config.layerOutput, plain).flat();
  want.forEach((x, i) => assert.ok(Math.abs(got[i]! - x) < 1e-5 * Math.max(1, Math.abs(x)), `output ${i}: ${got[i]} vs ${x}`));
  // One at a time gives the same numbers: molecules in a batch do not see each other.
  const single = mols.flatMap((m) => model.predictMolecule(m));
  single.forEach((x, i) => assert.ok(Math.abs(x - got[i]!) < 1e-6, `single ${i}`));
  model.dispose();
});

test("gradient of the MSE loss matches central finite differences of the float64 forward, every parameter", async () => {
  await initBackend();
  registerGcnGradients();
  const w = weights();
  const model = new GcnModel(config, w);
  const feats = mols.map((m) => gcnFeatures(m, config.atomDict));
  const target = tf.tensor2d(mols.flatMap((m) => m.properties!), [mols.length, 2]);
  const { grads } = tf.variableGrads(() => tf.mean(tf.squaredDifference(model.forward(feats), target)) as tf.Scalar, [...model.params.values()]);
  let checked = 0;
  for (const [name, v] of model.params) {
    const g = grads[v.name]!.dataSync();
    const data = w.get(name)!.data;
    // A few entries of every tensor, gamma's all.
    const idx = name.startsWith("gamma.") ? data.map((_, i) => i) : [0, Math.floor(data.length / 2), data.length - 1];
    for (const i of new Set(idx)) {
      const h = 1e-3, x = data[i]!;
      // Plain forward in float64 on a copy with one value moved (Float64 copies, so the step is exact).
      const moved = (delta: number) => new Map([...w].map(([n, t]) => [n, { shape: t.shape, data: n === name ? Float64Array.from(t.data, (y, j) => (j === i ? x + delta : y)) as unknown as Float32Array : t.data }]));
      const fd = (plainLoss(moved(h)) - plainLoss(moved(-h))) / (2 * h);
      assert.ok(Math.abs(g[i]! - fd) < 2e-3 * Math.max(1e-2, Math.abs(fd)) + 1e-6, `${name}[${i}]: autodiff ${g[i]} vs FD ${fd}`);
      checked++;
    }
  }
  assert.ok(checked > 20);
  tf.dispose([target, ...Object.values(grads)]);
  model.dispose();
});

test("model file: round trip, architecture key, validation", () => {
  const w = weights();
  const bytes = writeGcnModelFile({ config, weights: w }, { atomref: '{"C":[1,2]}' });
  const back = readGcnModelFile(bytes);
  assert.equal(back.config, config);
  assert.is(back.metadata.architecture, "gcn");
  for (const [name, t] of w) assert.equal(Array.from(back.weights.get(name)!.data), Array.from(t.data), name);
  const bad = new Map(w);
  bad.delete("gamma.1.weight");
  assert.throws(() => writeGcnModelFile({ config, weights: bad }), /gamma\.1\.weight/);
  assert.throws(() => gcnFeatures({ ...mols[0]!, symbols: ["S"] }, config.atomDict), /molecule a: element S is not in the model/);
});

test.run();
