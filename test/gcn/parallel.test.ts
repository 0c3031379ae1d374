// GCN training with workers: shares' gradients sum to the batch's, --workers 2 trains the one-thread weights, resume across N.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { initBackend } from "../../src/model/backend.js";
import type { GcnConfig } from "../../src/gcn/config.js";
import { initialGcnWeights } from "../../src/gcn/init.js";
import { gcnLoss } from "../../src/gcn/loss.js";
import { GcnModel } from "../../src/gcn/model.js";
import { registerGcnGradients } from "../../src/gcn/ops.js";
import { encodeGcnCheckpoint, prepareGcnData, trainGcn, type GcnCheckpoint, type GcnSizes } from "../../src/gcn/train.js";
import { gcnConfigFromMetadata } from "../../src/gcn/modelFile.js";
import { decodeTrainingState } from "../../src/train/checkpoint.js";
import { balancedShares, withLossGradients } from "../../src/train/losses.js";
import { TrainPool } from "../../src/train/parallel.js";
import { Rng } from "../../src/train/rng.js";
import { NonFiniteLossError, type EpochRow, type Hyperparameters } from "../../src/train/trainer.js";
import { loadSplits, weightErrors } from "../train/parityHelper.js";

const splits = loadSplits("QM9under7atoms_atomizationenergy_eV");
const sizes: GcnSizes = { dim: 16, layerHidden: 2, layerOutput: 1, operation: "sum", property: "E" };
const hyper: Hyperparameters = { batchSize: 8, lr: 1e-3, lrDecay: 0.9, decayEvery: 1, epochs: 3, seed: 5, shuffle: true };
/**
 * Tolerances. A summed gradient is the batch's up to float32 summation order: within 1e-5 of each tensor's largest
 * magnitude. Weights after 3 epochs (15 Adam steps): Adam divides by sqrt(v), so a rounding difference in a near-zero
 * gradient can move a weight by a fraction of lr per step; 1e-5 of each tensor's largest magnitude allows some of that
 * (seen: under 1e-7). Per-epoch loss sums: 1e-5 relative.
 */
const GRAD_TOL = 1e-5, WEIGHT_TOL = 1e-5, LOSS_TOL = 1e-5;

let pool: TrainPool;
test.before(() => { pool = new TrainPool(2); });

function worst(errors: [string, number][], tol: number, what: string): number {
  let w = 0;
  for (const [name, err] of errors) {
    w = Math.max(w, err);
    assert.ok(err <= tol, `${what} ${name}: differs by ${err.toExponential(2)} of its largest magnitude (tolerance ${tol})`);
  }
  return w;
}

function lossesClose(a: EpochRow[], b: EpochRow[], what: string): void {
  assert.is(a.length, b.length, what);
  a.forEach((r, i) => {
    const rel = Math.abs(r.lossE - b[i]!.lossE) / Math.abs(b[i]!.lossE);
    assert.ok(rel <= LOSS_TOL, `${what} epoch ${i}: loss_E ${r.lossE} vs ${b[i]!.lossE} (rel ${rel.toExponential(2)})`);
  });
}

test("two shares' gradients (sum / batch count) add up to the whole batch's mean-loss gradient", async () => {
  await initBackend();
  registerGcnGradients();
  const { atomDict, data } = prepareGcnData(splits, null);
  const config: GcnConfig = { ...sizes, atomDict, outputs: data.outputs };
  const model = new GcnModel(config, initialGcnWeights(config, new Rng(2)));
  try {
    const batch = data.train.slice(0, 8), K = data.outputs;
    const read = (into: Map<string, Float32Array>) => (name: string, g: { dataSync(): unknown }) => into.set(name, (g.dataSync() as Float32Array).slice());
    const whole = new Map<string, Float32Array>();
    const value = withLossGradients(model, () => gcnLoss(model, batch, K), read(whole));
    const shares = balancedShares(batch.map((f) => f.nAtoms), 2);
    assert.is(shares.length, 2);
    const sum = new Map<string, Float32Array>();
    let total = 0;
    for (const share of shares) {
      const part = new Map<string, Float32Array>();
      total += withLossGradients(model, () => gcnLoss(model, share.map((i) => batch[i]!), K, batch.length * K), read(part));
      for (const [name, g] of part) {
        const acc = sum.get(name);
        if (acc) g.forEach((x, i) => (acc[i]! += x)); else sum.set(name, g);
      }
    }
    assert.ok(Math.abs(total - value) <= 1e-6 * Math.abs(value), `loss ${total} vs ${value}`);
    assert.equal([...sum.keys()].sort(), [...whole.keys()].sort());
    const w = worst(weightErrors(new Map([...sum].map(([n, d]) => [n, { data: d }])), new Map([...whole].map(([n, d]) => [n, { data: d }]))), GRAD_TOL, "gradient");
    console.log(`  summed share gradients vs the batch's: worst ${w.toExponential(2)} of a tensor's largest magnitude`);
  } finally {
    model.dispose();
  }
});

test("2 workers vs one thread: per-epoch losses and the weights after 3 epochs within the stated tolerances", async () => {
  const one = await trainGcn({ splits, hyper, sizes });
  const two = await trainGcn({ splits, hyper, sizes, pool });
  try {
    lossesClose(two.log, one.log, "2 workers vs one thread");
    const w = worst(weightErrors(two.model.weights(), one.model.weights()), WEIGHT_TOL, "final");
    console.log(`  3 epochs: worst weight difference ${w.toExponential(2)} of a tensor's largest magnitude`);
  } finally {
    one.model.dispose();
    two.model.dispose();
  }
});

test("resume: with 2 workers exactly the uninterrupted run; with 1 worker the same continuation within tolerance", async () => {
  let atOne = null as GcnCheckpoint | null; // (a cast: set in a callback, which narrowing cannot see)
  const full = await trainGcn({
    splits, hyper, sizes, pool,
    onEpoch: (r) => {
      if (r.row.epoch !== 0) return;
      const { metadata, ...rest } = decodeTrainingState(encodeGcnCheckpoint(r.checkpoint()), "checkpoint");
      atOne = { ...rest, config: gcnConfigFromMetadata(metadata) };
    },
  });
  assert.ok(atOne !== null);
  const same = await trainGcn({ splits, hyper, sizes, pool, resume: atOne! });
  const other = await trainGcn({ splits, hyper, sizes, resume: atOne! });
  try {
    for (const [name, err] of weightErrors(same.model.weights(), full.model.weights())) assert.is(err, 0, `${name} after resume with 2 workers`);
    assert.equal(same.log.map((r) => r.lossE), full.log.map((r) => r.lossE));
    lossesClose(other.log, full.log, "resumed with 1 worker");
    worst(weightErrors(other.model.weights(), full.model.weights()), WEIGHT_TOL, "resumed with 1 worker");
  } finally {
    for (const r of [full, same, other]) r.model.dispose();
  }
});

test("with workers: a non-finite loss stops training naming epoch, batch and molecules", async () => {
  const bad = { ...splits, train: splits.train.map((m, i) => (i === 10 ? { ...m, properties: [1e30] } : m)) };
  try {
    await trainGcn({ splits: bad, hyper: { ...hyper, shuffle: false }, sizes, pool });
    assert.unreachable("training went on");
  } catch (e) {
    assert.instance(e, NonFiniteLossError);
    assert.match((e as Error).message, /non-finite loss_E \(Infinity\) at epoch 0, batch 1, molecules /);
    assert.ok((e as Error).message.includes(splits.train[10]!.id), (e as Error).message);
  }
});

test.after(() => pool.close());
test.run();
