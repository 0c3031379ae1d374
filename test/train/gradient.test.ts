// Finite-difference checks of the training gradients: zeta (through the basis kernel's custom gradient) and coefficients.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "#tfjs-core";
import { readFileSync } from "node:fs";
import { readModelFile } from "../../src/model/modelFile.js";
import { initBackend } from "../../src/model/backend.js";
import { assignValues, QdfModel } from "../../src/model/qdf.js";
import { prepareData } from "../../src/train/dataset.js";
import { Trainer } from "../../src/train/trainer.js";
import { Rng } from "../../src/train/rng.js";
import { sharedPath } from "../shared.js";
import { loadSplits } from "./parityHelper.js";

await initBackend();
const init = readModelFile(new Uint8Array(readFileSync(sharedPath("reference", "train_under7_small_init.safetensors"))));
const data = prepareData(loadSplits("QM9under7atoms_atomizationenergy_eV"), init.config, init.config.orbitalDict);
const model = new QdfModel(init);
const trainer = new Trainer(model, data, { batchSize: 4, lr: 1e-3, lrDecay: 0.5, decayEvery: 200, epochs: 1, seed: 0, shuffle: false });
const batch = data.train.slice(4, 8); // CH3OH, C3H4, CH3CN, CH3CHO: C, N, O and H orbitals
const dict = init.config.orbitalDict;
const D = init.config.dim;

// Fixed random weights R: S = sum(X * R) has O(1) derivatives, far above float32 noise (unlike the MSE losses at init).
const rng = new Rng(11);
const psiRows = batch.reduce((n, f) => n + f.nField, 0);
const rPsi = Float32Array.from({ length: psiRows * D }, () => rng.normal());
const rV = Float32Array.from({ length: psiRows }, () => rng.normal());
const weightedPsi = () => tf.sum(tf.mul(tf.concat(model.lcao(batch, true), 0), tf.tensor2d(rPsi, [psiRows, D]))) as tf.Scalar;
const weightedV = () => {
  const psi = tf.concat(model.lcao(batch, true), 0) as tf.Tensor2D;
  return tf.sum(tf.mul(model.potential(psi), tf.tensor2d(rV, [psiRows, 1]))) as tf.Scalar;
};


function lossValue(f: () => tf.Scalar): number {
  const t = tf.tidy(f);
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

/** Analytic d f / d param[index] (tf.variableGrads, as training computes it) vs central finite differences. */
function check(what: string, f: () => tf.Scalar, param: string, index: number, h: number, tol: number): void {
  const v = model.p(param);
  const { value, grads } = tf.variableGrads(f, [v]);
  const analytic = grads[v.name]!.dataSync()[index]!;
  tf.dispose([value, ...Object.values(grads)]);
  const base = v.dataSync().slice() as Float32Array;
  const at = (delta: number) => {
    const x = base.slice();
    x[index] = x[index]! + delta;
    assignValues(v, x);
    return lossValue(f);
  };
  // Richardson extrapolation of central differences (error O(h^4)), so h can be large enough to beat float32 noise.
  const central = (step: number) => (at(step) - at(-step)) / (2 * step);
  const fd = (4 * central(h / 2) - central(h)) / 3;
  assignValues(v, base);
  const rel = Math.abs(analytic - fd) / Math.max(Math.abs(fd), 1e-6);
  assert.ok(Math.abs(fd) > 2e-4, `${what} d/d${param}[${index}]: derivative ${fd} too small to test`);
  assert.ok(rel < tol, `${what} d/d${param}[${index}]: analytic ${analytic}, finite differences ${fd} (h ${h}); rel ${rel.toExponential(2)}`);
}

const orbitals = ["C1s0", "C2s1", "C2p3", "H1s2", "N2p0", "O1s4"];

test("zeta: d(sum Psi*R)/dzeta and d(sum V_pred*R)/dzeta match finite differences (basis kernel's custom gradient)", () => {
  for (const name of orbitals) {
    check("sum(Psi*R)", weightedPsi, "zeta.weight", dict[name]!, 0.1, 2e-3);
    check("sum(V_pred*R)", weightedV, "zeta.weight", dict[name]!, 0.1, 1e-2);
  }
});

test("coefficients: d(sum Psi*R)/dc and d(sum V_pred*R)/dc match finite differences", () => {
  // The V path's derivatives are small at init; test each row's largest entry.
  const { value, grads } = tf.variableGrads(weightedV, [model.p("coefficient.weight")]);
  const gV = Object.values(grads)[0]!.dataSync() as Float32Array;
  tf.dispose([value, ...Object.values(grads)]);
  orbitals.forEach((name, i) => {
    const row = dict[name]!;
    let best = 0;
    for (let j = 1; j < D; j++) if (Math.abs(gV[row * D + j]!) > Math.abs(gV[row * D + best]!)) best = j;
    check("sum(Psi*R)", weightedPsi, "coefficient.weight", row * D + (3 * i) % D, 0.1, 2e-3);
    check("sum(V_pred*R)", weightedV, "coefficient.weight", row * D + best, 0.1, 1e-2);
  });
});

test("the training loss itself: d loss_E / d zeta and d loss_E / d coefficient (float32 loss: 1% tolerance)", () => {
  check("loss_E", () => trainer.lossE(batch), "zeta.weight", dict.C1s0!, 0.1, 1e-2);
  check("loss_E", () => trainer.lossE(batch), "zeta.weight", dict.H1s1!, 0.1, 1e-2);
  check("loss_E", () => trainer.lossE(batch), "coefficient.weight", dict.C2s1! * D + 3, 0.1, 1e-2);
});

test.after(() => model.dispose());
test.run();
