// Unit tests of the training pieces: Adam (PyTorch 1.13 rule and grad lifecycle), the Rng, the LR schedule, the orbital table.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "#tfjs-core";
import { initBackend } from "../../src/model/backend.js";
import { Adam } from "../../src/train/adam.js";
import { Rng } from "../../src/train/rng.js";
import { learningRate } from "../../src/train/schedule.js";
import { prepareData, propertyFromDirName } from "../../src/train/dataset.js";
import { parseMolecules } from "../../src/chem/parse.js";

await initBackend();

/** PyTorch's Adam on one scalar in float64, for comparison. */
function torchAdam(p: number, grads: (number | null)[], lr: number): number {
  let m = 0, v = 0, t = 0, seen = false;
  for (const g0 of grads) {
    if (g0 === null && !seen) continue; // grad None: skipped
    seen = true;
    const g = g0 ?? 0; // zero_grad() left a zero-filled grad
    t++;
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    p -= (lr / (1 - 0.9 ** t)) * m / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
  }
  return p;
}

test("Adam: PyTorch's rule, skipped before the first gradient, zero-gradient steps after it", () => {
  const a = tf.variable(tf.tensor1d([0.5]), true, "adam-test-a"), b = tf.variable(tf.tensor1d([-2]), true, "adam-test-b");
  const adam = new Adam(new Map([["a", a], ["b", b]]));
  const ga: (number | null)[] = [0.3, null, -1.2, null, null];
  const gb: (number | null)[] = [null, 2.0, null, 0.7, null];
  ga.forEach((g, i) => {
    const grads = new Map<string, Float32Array>();
    if (g !== null) grads.set("a", Float32Array.of(g));
    if (gb[i] !== null) grads.set("b", Float32Array.of(gb[i]!));
    adam.step(grads, 1e-2);
  });
  assert.ok(Math.abs(a.dataSync()[0]! - torchAdam(0.5, ga, 1e-2)) < 1e-6, `a ${a.dataSync()[0]} vs ${torchAdam(0.5, ga, 1e-2)}`);
  assert.ok(Math.abs(b.dataSync()[0]! - torchAdam(-2, gb, 1e-2)) < 1e-6, `b ${b.dataSync()[0]} vs ${torchAdam(-2, gb, 1e-2)}`);
  assert.is(adam.state.get("a")!.step, 5);
  assert.is(adam.state.get("b")!.step, 4, "b's count starts at its first gradient");
  a.dispose(); b.dispose();
});

test("Rng: seeded, state round trip, unbiased shuffles", () => {
  const r = new Rng(42);
  const first = [r.nextU32(), r.nextU32()];
  const again = new Rng(42);
  assert.equal([again.nextU32(), again.nextU32()], first);
  const state = r.state();
  const cont = new Rng(state);
  assert.equal([r.next(), r.next(), r.permutation(10)], [cont.next(), cont.next(), cont.permutation(10)]);
  assert.not.equal(new Rng(1).permutation(20), new Rng(2).permutation(20));
  const counts = new Array(4).fill(0);
  const s = new Rng(7);
  for (let i = 0; i < 4000; i++) counts[s.permutation(4)[0]!]++;
  for (const c of counts) assert.ok(c > 900 && c < 1100, `first-element counts ${counts}`);
});

test("learning rate: step decay per epoch", () => {
  const s = { lr: 1e-4, decay: 0.5, every: 200 };
  assert.is(learningRate(s, 0), 1e-4);
  assert.is(learningRate(s, 199), 1e-4);
  assert.is(learningRate(s, 200), 5e-5);
  assert.is(learningRate(s, 450), 2.5e-5);
});

test("orbital table: first appearance, train then val then test; K from the property lines", () => {
  const mols = (text: string) => parseMolecules(text).molecules;
  const splits = {
    train: mols("m1\nH 0 0 0\nH 0 0 0.74\n-1.0 2.0\n\nm2\nC 0 0 0\nH 0 0 1.09\n-3.0 4.0\n"),
    val: mols("m3\nN 0 0 0\nH 0 0 1.01\n-5.0 6.0\n"),
    test: mols("m4\nO 0 0 0\nC 0 0 1.2\n-7.0 8.0\n"),
  };
  const data = prepareData(splits, { basisSet: "6-31G", radius: 0.75, gridInterval: 0.3 }, null);
  const names = Object.entries(data.orbitalDict).sort((x, y) => x[1] - y[1]).map(([n]) => n);
  const prefixes = [...new Set(names.map((n) => n.slice(0, -1)))];
  assert.equal(prefixes, ["H1s", "C1s", "C2s", "C2p", "N1s", "N2s", "N2p", "O1s", "O2s", "O2p"]);
  assert.is(names.length, 4 + 14 * 3);
  assert.is(data.outputs, 2);
  assert.throws(() => prepareData({ ...splits, val: mols("m5\nH 0 0 0\nH 0 0 0.7\n-1.0\n") }, { basisSet: "6-31G", radius: 0.75, gridInterval: 0.3 }, null), /1 property values/);
  assert.throws(() => prepareData(splits, { basisSet: "6-31G", radius: 0.75, gridInterval: 0.3 }, { H1s0: 0, H1s1: 1, H1s2: 2, H1s3: 3 }), /not in the model's orbital table/);
});

test("property name from the data folder's name", () => {
  assert.is(propertyFromDirName("../shared/data/QM9under7atoms_atomizationenergy_eV/"), "atomization energy (eV)");
  assert.is(propertyFromDirName("QM9under7atoms_homolumo_eV"), "HOMO and LUMO (eV)");
});

test.run();
