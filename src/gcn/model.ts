// The 3D GCN of Tsubaki & Mizoguchi (molecularGNN_3Dstructure): embedding, distance-weighted convolutions, sum, linear head.
import * as tf from "#tfjs-core";
import type { Molecule } from "../chem/molecule.js";
import type { Weights } from "../model/config.js";
import { gcnParameterShapes, type GcnConfig, type GcnModelData } from "./config.js";
import { FAR, gcnFeatures, type GcnFeatures } from "./features.js";
import { normalizeRows } from "./ops.js";

let instances = 0;

/** A batch's inputs: one-hot element rows, the block-diagonal squared distances (FAR^2 across molecules), the readout. */
function batchTensors(batch: GcnFeatures[], nTypes: number, operation: GcnConfig["operation"]) {
  const total = batch.reduce((s, f) => s + f.nAtoms, 0);
  const onehot = new Float32Array(total * nTypes);
  const d2 = new Float32Array(total * total).fill(FAR * FAR);
  const readout = new Float32Array(batch.length * total);
  let at = 0;
  batch.forEach((f, b) => {
    const n = f.nAtoms;
    for (let i = 0; i < n; i++) {
      onehot[(at + i) * nTypes + f.atomIndex[i]!] = 1;
      d2.set(f.dist2.subarray(i * n, (i + 1) * n), (at + i) * total + at);
      readout[b * total + at + i] = operation === "mean" ? 1 / n : 1;
    }
    at += n;
  });
  return {
    onehot: tf.tensor2d(onehot, [total, nTypes]),
    d2: tf.tensor2d(d2, [total, total]),
    readout: tf.tensor2d(readout, [batch.length, total]),
  };
}

export class GcnModel {
  readonly architecture = "gcn" as const;
  readonly params = new Map<string, tf.Variable>();

  constructor(readonly config: GcnConfig, weights: Weights) {
    const prefix = `gcn${instances++}`;
    for (const [name, shape] of gcnParameterShapes(config)) {
      const t = weights.get(name);
      if (!t) throw new Error(`model has no tensor ${name}`);
      if (t.shape.join(",") !== shape.join(",")) throw new Error(`tensor ${name} has shape [${t.shape}], the config needs [${shape}]`);
      this.params.set(name, tf.variable(tf.tensor(t.data, shape), true, `${prefix}/${name}`));
    }
  }

  private p(name: string): tf.Tensor2D {
    return this.params.get(name) as tf.Tensor2D;
  }

  /** y = x W^T + b with torch's [out, in] weight (transpose, then a plain matmul: the flagged matmul is slow in tfjs-wasm). */
  private dense(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    return tf.add(tf.matMul(x, tf.transpose(this.p(`${prefix}.weight`))), this.p(`${prefix}.bias`)) as tf.Tensor2D;
  }

  /**
   * Properties [nMol, K], differentiable in every parameter. Per layer l: M = exp(-gamma_l[row atom] * D^2),
   * h' = relu(W_l h + b_l), h <- normalize_rows(h' + M h'); then the output layers, the readout and W_property.
   */
  forward(batch: GcnFeatures[]): tf.Tensor2D {
    const { onehot, d2, readout } = batchTensors(batch, Object.keys(this.config.atomDict).length, this.config.operation);
    let h: tf.Tensor2D = tf.matMul(onehot, this.p("embed_atom.weight"));
    for (let l = 0; l < this.config.layerHidden; l++) {
      const gamma = tf.matMul(onehot, this.p(`gamma.${l}.weight`));
      const m = tf.exp(tf.neg(tf.mul(gamma, d2))) as tf.Tensor2D;
      const hidden: tf.Tensor2D = tf.relu(this.dense(h, `W_atom.${l}`));
      h = normalizeRows(tf.add(hidden, tf.matMul(m, hidden)));
    }
    for (let l = 0; l < this.config.layerOutput; l++) h = tf.relu(this.dense(h, `W_output.${l}`)) as tf.Tensor2D;
    return this.dense(tf.matMul(readout, h) as tf.Tensor2D, "W_property");
  }

  /** Predicted properties for molecules already featurised: f32 [nMol * K]. */
  predict(batch: GcnFeatures[]): Float32Array {
    const out = tf.tidy(() => this.forward(batch));
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  }

  /** One molecule's K predictions (an element the model never saw is an error naming the molecule). */
  predictMolecule(m: Molecule): number[] {
    return Array.from(this.predict([gcnFeatures(m, this.config.atomDict)]));
  }

  weights(): Weights {
    const out: Weights = new Map();
    for (const [name, v] of this.params) out.set(name, { shape: [...v.shape], data: (v.dataSync() as Float32Array).slice() });
    return out;
  }

  setWeights(weights: Map<string, Float32Array>): void {
    for (const [name, data] of weights) {
      const v = this.params.get(name)!;
      const t = tf.tensor(data, v.shape);
      v.assign(t);
      t.dispose();
    }
  }

  toData(): GcnModelData {
    return { config: this.config, weights: this.weights() };
  }

  /** Parity with QdfModel: prediction reads the variables directly, so there is nothing cached to drop. */
  invalidate(): void {}

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}
