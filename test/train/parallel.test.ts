// Data-parallel training: with 2 workers each step is the one-process step (shares' gradients summed), on the small reference config.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initBackend } from "../../src/model/backend.js";
import { readModelFile } from "../../src/model/modelFile.js";
import { QdfModel } from "../../src/model/qdf.js";
import { prepareData } from "../../src/train/dataset.js";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from "../../src/train/checkpoint.js";
import { balancedShares } from "../../src/train/losses.js";
import { spawnTrainWorker, TrainPool } from "../../src/train/parallel.js";
import { spawnWorkerScript } from "../../src/workers/spawn.js";
import { initialWeights } from "../../src/train/init.js";
import { Rng } from "../../src/train/rng.js";
import { train } from "../../src/train/train.js";
import { NonFiniteLossError, Trainer, type EpochRunner } from "../../src/train/trainer.js";
import { repoRoot, sharedPath } from "../shared.js";
import { loadSplits, type Trajectory, weightErrors } from "./parityHelper.js";

const DATASET = "QM9under7atoms_atomizationenergy_eV";
/** Started with this suite (not at import: uvu imports every file before running any). */
let pool: TrainPool;
test.before(() => { pool = new TrainPool(2); });

/** The small reference run (init weights, --no-shuffle), in this thread or over the pool. */
async function runSmall(p: EpochRunner | null) {
  await initBackend();
  const traj = JSON.parse(readFileSync(sharedPath("reference", "train_under7_small_trajectory.json"), "utf8")) as Trajectory;
  const init = readModelFile(new Uint8Array(readFileSync(sharedPath("reference", "train_under7_small_init.safetensors"))));
  const data = prepareData(loadSplits(DATASET), init.config, init.config.orbitalDict);
  const model = new QdfModel(init);
  const trainer = new Trainer(model, data, {
    batchSize: traj.config.batch_size, lr: traj.config.lr, lrDecay: 0.5, decayEvery: 200, epochs: traj.config.epochs, seed: 0, shuffle: false,
  });
  if (p) await p.init(model.toData(), data.train, data.outputs);
  const steps: { lossE: number; lossV: number }[] = [];
  const t0 = performance.now();
  while (!trainer.done) {
    const record = (_b: number, _n: number, lossE: number, lossV: number) => steps.push({ lossE, lossV });
    if (p) await trainer.trainEpochAsync(p, record);
    else trainer.trainEpoch(record);
  }
  const seconds = (performance.now() - t0) / 1000;
  const weights = model.weights();
  model.dispose();
  return { traj, steps, weights, seconds };
}

test("shares: balanced by cost, non-empty, each in order, deterministic", () => {
  assert.equal(balancedShares([1, 1, 1, 1], 2), [[0, 2], [1, 3]]);
  assert.equal(balancedShares([10, 1, 1, 8], 2), [[0], [1, 2, 3]]);
  assert.equal(balancedShares([5, 9, 4, 6], 2), [[0, 3], [1, 2]]);
  assert.equal(balancedShares([3], 2), [[0]]);
  assert.equal(balancedShares([2, 2, 2, 2, 2, 2, 2], 3), [[0, 3, 6], [1, 4], [2, 5]]);
});

test("2 workers vs one process: every step's losses and the final weights within 1e-4; the reference within 1e-3", async () => {
  const one = await runSmall(null);
  const two = await runSmall(pool);
  assert.is(two.steps.length, one.steps.length);
  assert.is(two.steps.length, two.traj.steps.length);
  let worstStep = 0, worstRef = 0, worstWeight = 0;
  two.steps.forEach((s, i) => {
    const o = one.steps[i]!, t = two.traj.steps[i]!;
    for (const [ours, single, ref, what] of [[s.lossE, o.lossE, t.loss_E, "loss_E"], [s.lossV, o.lossV, t.loss_V, "loss_V"]] as const) {
      const rel = Math.abs(ours - single) / Math.abs(single), relRef = Math.abs(ours - ref) / Math.abs(ref);
      worstStep = Math.max(worstStep, rel);
      worstRef = Math.max(worstRef, relRef);
      assert.ok(rel <= 1e-4, `step ${i} ${what}: 2 workers ${ours} vs one process ${single} (rel ${rel.toExponential(2)})`);
      assert.ok(relRef <= 1e-3, `step ${i} ${what}: 2 workers ${ours} vs reference ${ref} (rel ${relRef.toExponential(2)})`);
    }
  });
  for (const [name, err] of weightErrors(two.weights, one.weights)) {
    worstWeight = Math.max(worstWeight, err);
    assert.ok(err <= 1e-4, `final ${name}: 2 workers differ from one process by ${err.toExponential(2)} of its max magnitude`);
  }
  const final = readModelFile(new Uint8Array(readFileSync(sharedPath("reference", "train_under7_small_final.safetensors"))));
  for (const [name, err] of weightErrors(two.weights, final.weights)) {
    assert.ok(err <= 1e-3, `final ${name}: 2 workers differ from the reference by ${err.toExponential(2)} of its max magnitude`);
  }
  console.log(`  ${two.steps.length} steps: worst loss rel. difference to one process ${worstStep.toExponential(2)}, ` +
    `to the reference ${worstRef.toExponential(2)}; worst weight difference ${worstWeight.toExponential(2)} of max ` +
    `(one process ${one.seconds.toFixed(2)} s, 2 workers ${two.seconds.toFixed(2)} s)`);
});

const tiny = { basisSet: "6-31G", radius: 0.75, gridInterval: 0.3, dim: 8, layerFunctional: 1, hiddenHK: 8, layerHK: 1, operation: "sum" as const, property: "E" };
const hyper = { batchSize: 4, lr: 1e-3, lrDecay: 0.5, decayEvery: 10, epochs: 3, seed: 3, shuffle: true };

test("with workers: a resumed run ends with the uninterrupted run's weights and log", async () => {
  const splits = loadSplits(DATASET);
  let atOne = null as Checkpoint | null; // (a cast: set in a callback, which narrowing cannot see)
  const full = await train({ splits, sizes: tiny, hyper, pool, onEpoch: (r) => { if (r.row.epoch === 1) atOne = decodeCheckpoint(encodeCheckpoint(r.checkpoint())); } });
  assert.ok(atOne !== null);
  const resumed = await train({ splits, sizes: tiny, hyper, pool, resume: atOne! });
  for (const [name, err] of weightErrors(resumed.model.weights(), full.model.weights())) assert.is(err, 0, `${name} after resume`);
  assert.equal(resumed.log.map((r) => [r.lossE, r.lossV]), full.log.map((r) => [r.lossE, r.lossV]));
  full.model.dispose();
  resumed.model.dispose();
});

test("with workers: a non-finite loss stops training naming epoch, batch and molecules", async () => {
  const splits = loadSplits(DATASET);
  const bad = { ...splits, train: splits.train.map((m, i) => (i === 5 ? { ...m, properties: [1e30] } : m)) };
  try {
    await train({ splits: bad, sizes: tiny, hyper: { ...hyper, shuffle: false }, pool });
    assert.unreachable("training went on");
  } catch (e) {
    assert.instance(e, NonFiniteLossError);
    assert.match((e as Error).message, /non-finite loss_E \(Infinity\) at epoch 0, batch 1, molecules /);
    assert.ok((e as Error).message.includes(splits.train[5]!.id), (e as Error).message);
  }
});

test("a worker dying mid-epoch fails the epoch, and its partner is released from the step barrier (no hang)", async () => {
  const data = prepareData(loadSplits(DATASET), tiny, null);
  const config = { ...tiny, orbitalDict: data.orbitalDict, outputs: data.outputs };
  const model = new QdfModel({ config, weights: initialWeights(config, new Rng(1)) });
  let spawned = 0;
  const crashing = new TrainPool(2, () => (spawned++ === 1
    ? spawnWorkerScript(new URL("./crashingTrainWorker.js", import.meta.url)) : spawnTrainWorker()));
  try {
    await crashing.init(model.toData(), data.train, data.outputs);
    const trainer = new Trainer(model, data, { ...hyper, epochs: 1 });
    const t0 = performance.now();
    await trainer.trainEpochAsync(crashing).then(() => assert.unreachable("the epoch succeeded"), (e: Error) => {
      assert.match(e.message, /training worker died|aborted/);
    });
    assert.ok(performance.now() - t0 < 10_000, "the failure took too long");
  } finally {
    await crashing.close();
    model.dispose();
  }
});

test("qdf train --workers 2: the reference's final weights, and the process exits by itself", () => {
  const dir = mkdtempSync(join(tmpdir(), "qdf-parallel-"));
  try {
    const out = join(dir, "small.safetensors");
    const r = spawnSync(process.execPath, [join(repoRoot, "bin", "qdf.js"), "train", "--data", sharedPath("data", DATASET),
      "--init", sharedPath("reference", "train_under7_small_init.safetensors"), "--no-shuffle", "--lr", "1e-3", "--epochs", "3",
      "--workers", "2", "--out", out], { encoding: "utf8", timeout: 60_000 });
    assert.is(r.status, 0, `status ${r.status} signal ${r.signal}: ${r.stderr}`);
    const final = readModelFile(new Uint8Array(readFileSync(sharedPath("reference", "train_under7_small_final.safetensors"))));
    for (const [name, err] of weightErrors(readModelFile(new Uint8Array(readFileSync(out))).weights, final.weights)) {
      assert.ok(err <= 1e-3, `final ${name} differs by ${err.toExponential(2)} of its max magnitude`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.after(() => pool.close());
test.run();
