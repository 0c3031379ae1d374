// Checkpoints: a run killed (SIGKILL) mid-training and resumed ends with the same weights as an uninterrupted run;
// corrupt or mismatched checkpoints are refused with a clear error; a non-finite loss stops training by name.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseMolecules } from "../../src/chem/parse.js";
import { readModelFile } from "../../src/model/modelFile.js";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors.js";
import { checkpointMismatch, decodeCheckpoint, encodeCheckpoint, CheckpointError } from "../../src/train/checkpoint.js";
import { train } from "../../src/train/train.js";
import { NonFiniteLossError, type Trainer } from "../../src/train/trainer.js";
import * as tf from "#tfjs-core";
import { repoRoot, sharedPath } from "../shared.js";
import { loadSplits } from "./parityHelper.js";

const data = sharedPath("data", "QM9under7atoms_atomizationenergy_eV");
const qdf = join(repoRoot, "bin", "qdf.js");
const small = ["--dim", "16", "--hk-dim", "16", "--layers", "2", "--hk-layers", "2", "--lr", "1e-3", "--decay-every", "3", "--seed", "7"];
const tmp = mkdtempSync(join(tmpdir(), "qdf-train-"));

function cli(args: string[]) {
  return spawnSync(process.execPath, [qdf, "train", "--data", data, ...small, ...args], { encoding: "utf8" });
}

const EPOCHS = "10";

test("kill -9 mid-run, --resume: same final weights and log as an uninterrupted run", async () => {
  const a = join(tmp, "a", "m.safetensors"), b = join(tmp, "b", "m.safetensors");
  const full = cli(["--out", a, "--epochs", EPOCHS]);
  assert.is(full.status, 0, full.stderr);
  // The model records its training split's atom counts (for applicability checks).
  const counts = parseMolecules(readFileSync(join(data, "train.txt"), "utf8")).molecules.map((m) => m.symbols.length);
  assert.equal(readModelFile(new Uint8Array(readFileSync(a))).config.atomCountRange, [Math.min(...counts), Math.max(...counts)]);
  assert.ok(Math.min(...counts) < Math.max(...counts));

  // Kill half an epoch after the first checkpoint appears: mid-epoch (epoch length from the uninterrupted run's log).
  const log = readFileSync(a.replace(".safetensors", ".log.tsv"), "utf8").trim().split("\n").slice(1).map((l) => Number(l.split("\t")[1]));
  const halfEpochMs = ((log[2]! - log[1]!) * 1000) / 2;
  const child = spawn(process.execPath, [qdf, "train", "--data", data, ...small, "--out", b, "--epochs", EPOCHS], { stdio: "ignore" });
  const ckpt = `${b}.ckpt`;
  await new Promise<void>((resolve, reject) => {
    const poll = setInterval(() => {
      if (existsSync(ckpt)) { clearInterval(poll); setTimeout(() => { child.kill("SIGKILL"); resolve(); }, halfEpochMs); }
    }, 5);
    child.on("exit", () => { clearInterval(poll); reject(new Error("the run finished before it could be killed")); });
  });
  if (child.exitCode === null) await new Promise((r) => child.on("exit", r));
  assert.is(child.signalCode, "SIGKILL");
  const at = decodeCheckpoint(new Uint8Array(readFileSync(ckpt))).state.epoch;
  assert.ok(at >= 1 && at < Number(EPOCHS), `killed with the checkpoint at epoch ${at}`);

  const resumed = cli(["--out", b, "--epochs", EPOCHS, "--resume"]);
  assert.is(resumed.status, 0, resumed.stderr);
  const wa = readModelFile(new Uint8Array(readFileSync(a))).weights, wb = readModelFile(new Uint8Array(readFileSync(b))).weights;
  for (const [name, t] of wa) {
    const u = wb.get(name)!.data;
    for (let i = 0; i < u.length; i++) if (u[i] !== t.data[i]) assert.unreachable(`${name}[${i}]: ${u[i]} after resume vs ${t.data[i]}`);
  }
  const strip = (s: string) => s.split("\n").map((l) => l.split("\t").filter((_, i) => i !== 1).join("\t"));
  assert.equal(strip(readFileSync(b.replace(".safetensors", ".log.tsv"), "utf8")), strip(readFileSync(a.replace(".safetensors", ".log.tsv"), "utf8")));
  assert.equal(readFileSync(b.replace(".safetensors", ".test.tsv"), "utf8"), readFileSync(a.replace(".safetensors", ".test.tsv"), "utf8"));
});

test("a checkpoint written before atom_count_range was recorded still resumes; another range does not", () => {
  const c = decodeCheckpoint(new Uint8Array(readFileSync(join(tmp, "a", "m.safetensors.ckpt"))));
  assert.ok(c.config.atomCountRange, "new checkpoints carry the range");
  const old = { ...c, config: { ...c.config } };
  delete old.config.atomCountRange;
  assert.is(checkpointMismatch(old, c.config, c.hyper, c.dataFingerprint), null);
  assert.is(checkpointMismatch(c, c.config, c.hyper, c.dataFingerprint), null);
  const other = { ...c, config: { ...c.config, atomCountRange: [1, 2] as [number, number] } };
  assert.match(checkpointMismatch(other, c.config, c.hyper, c.dataFingerprint)!, /atom_count_range/);
});

test("a corrupt checkpoint is refused", () => {
  const good = new Uint8Array(readFileSync(join(tmp, "a", "m.safetensors.ckpt")));
  const flipped = good.slice();
  flipped[flipped.length - 5]! ^= 0x40;
  assert.throws(() => decodeCheckpoint(flipped), (e: Error) => e instanceof CheckpointError && /SHA-256 does not match/.test(e.message));
  assert.throws(() => decodeCheckpoint(good.slice(0, good.length - 100)), (e: Error) => e instanceof CheckpointError && /corrupt/.test(e.message));
  const dir = join(tmp, "c");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "m.safetensors.ckpt"), flipped);
  const r = cli(["--out", join(dir, "m.safetensors"), "--epochs", EPOCHS, "--resume"]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /checkpoint .* is corrupt or was edited \(its SHA-256 does not match/);
});

/** The checkpoint with its state JSON edited by `edit` (the file otherwise as written). */
function editedState(good: Uint8Array, edit: (state: Record<string, any>) => void): Uint8Array {
  const file = readSafetensors(good);
  const state = JSON.parse(file.metadata.qdf_checkpoint!);
  edit(state);
  return writeSafetensors(file.tensors, { ...file.metadata, qdf_checkpoint: JSON.stringify(state) });
}

test("an edited epoch, RNG state, Adam step, log or config is refused by the hash; a damaged state names its field", () => {
  const good = new Uint8Array(readFileSync(join(tmp, "a", "m.safetensors.ckpt")));
  assert.is(decodeCheckpoint(editedState(good, () => {})).state.epoch, decodeCheckpoint(good).state.epoch, "an unedited rewrite still reads");
  const edits: [string, (s: Record<string, any>) => void][] = [
    ["epoch", (s) => { s.epoch -= 1; }], ["rng", (s) => { s.rng[0] ^= 1; }],
    ["adam step", (s) => { const k = Object.keys(s.adamSteps)[0]!; s.adamSteps[k] += 1; }],
    ["log", (s) => { s.log[0].lossE += 1; }], ["hyper", (s) => { s.hyper.lr *= 2; }],
  ];
  for (const [name, edit] of edits) {
    assert.throws(() => decodeCheckpoint(editedState(good, edit)), (e: Error) => e instanceof CheckpointError && /was edited/.test(e.message), name);
  }
  const file = readSafetensors(good);
  const config = writeSafetensors(file.tensors, { ...file.metadata, radius: "0.8" });
  assert.throws(() => decodeCheckpoint(config), (e: Error) => e instanceof CheckpointError && /was edited/.test(e.message), "config");
  const schema: [string, (s: Record<string, any>) => void, RegExp][] = [
    ["no hyper", (s) => { delete s.hyper; }, /"hyper" is missing/], ["epoch text", (s) => { s.epoch = "3"; }, /"epoch" is not a count/],
    ["hyper.shuffle", (s) => { delete s.hyper.shuffle; }, /"hyper.shuffle" is not true or false/],
    ["version 1", (s) => { s.version = 1; }, /format version 1, this qdf reads 2 \(version 1 had no hash/],
  ];
  for (const [name, edit, re] of schema) {
    assert.throws(() => decodeCheckpoint(editedState(good, edit)), (e: Error) => e instanceof CheckpointError && re.test(e.message), name);
  }
  const dir = join(tmp, "e");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "m.safetensors.ckpt"), editedState(good, (s) => { s.epoch -= 1; }));
  const r = cli(["--out", join(dir, "m.safetensors"), "--epochs", EPOCHS, "--resume"]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /was edited/);
});

test("a checkpoint of another run (other options) is refused", () => {
  const dir = join(tmp, "d");
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(tmp, "a", "m.safetensors.ckpt"), join(dir, "m.safetensors.ckpt"));
  const r = cli(["--out", join(dir, "m.safetensors"), "--epochs", EPOCHS, "--resume", "--batch", "8"]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /does not belong to this run: its batchSize is 4, this run's is 8/);
  const s = cli(["--out", join(dir, "m.safetensors"), "--epochs", EPOCHS, "--resume", "--dim", "8"]);
  assert.match(s.stderr, /does not belong to this run: its dim is 16, this run's is 8/);
});

test("a non-finite loss stops training naming epoch, batch and molecules; the last checkpoint stays intact", async () => {
  const splits = loadSplits("QM9under7atoms_atomizationenergy_eV");
  const sizes = { basisSet: "6-31G", radius: 0.75, gridInterval: 0.3, dim: 8, layerFunctional: 1, hiddenHK: 8, layerHK: 1, operation: "sum" as const, property: "E" };
  const hyper = { batchSize: 4, lr: 1e-3, lrDecay: 0.5, decayEvery: 10, epochs: 3, seed: 3, shuffle: false };
  let saved: Uint8Array | null = null;
  let trainer: Trainer | null = null;
  try {
    await train({
      splits, sizes, hyper,
      onEpoch: (r) => { saved = encodeCheckpoint(r.checkpoint()); trainer = r.trainer; },
      // A weight turns NaN during epoch 1 (after its batch 1), as a diverging run's would.
      onBatch: (epoch, batch) => {
        if (epoch === 1 && batch === 1) {
          const v = trainer!.model.p("W_property.bias");
          const nan = tf.fill(v.shape, NaN);
          v.assign(nan);
          nan.dispose();
        }
      },
    });
    assert.unreachable("training went on");
  } catch (e) {
    assert.instance(e, NonFiniteLossError);
    const ids = splits.train.slice(8, 12).map((m) => m.id).join(", ");
    assert.is((e as Error).message.split(";")[0], `non-finite loss_E (NaN) at epoch 1, batch 2, molecules ${ids}`);
  }
  assert.ok(saved !== null && decodeCheckpoint(saved).state.epoch === 1, "the checkpoint after epoch 0 is intact");
  // The real guard: a molecule with an absurd property gives an infinite loss_E.
  const bad = { ...splits, train: splits.train.map((m, i) => (i === 5 ? { ...m, properties: [1e30] } : m)) };
  try {
    await train({
      splits: bad, sizes, hyper,
    });
    assert.unreachable("training went on");
  } catch (e) {
    assert.instance(e, NonFiniteLossError);
    assert.match((e as Error).message, /non-finite loss_E \(Infinity\) at epoch 0, batch 1, molecules .*dsgdb9nsd_/);
    assert.ok((e as Error).message.includes(splits.train[5]!.id), (e as Error).message);
  }
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
