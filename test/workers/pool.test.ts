// The worker pool: input order kept, a failing worker isolated to its molecule, clean shutdown, and `qdf predict --workers`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { iterateMolecules, type ParseItem } from "../../src/chem/parse.js";
import { loadModel, predictInWorkers, predictStream, type PredictionResult } from "../../src/api/predict.js";
import { PredictPool } from "../../src/workers/pool.js";
import { ModelFileError } from "../../src/model/modelFile.js";
import { spawnWorkerScript, workerExecArgv } from "../../src/workers/spawn.js";
import { repoRoot, sharedPath } from "../shared.js";

const modelPath = sharedPath("reference", "pretrained_under14.safetensors");
const modelBytes = new Uint8Array(readFileSync(modelPath));
const valPath = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
// The first 40 validation molecules, with a broken block and an unseen element in the middle.
const blocks = readFileSync(valPath, "utf8").split(/\n\s*\n/).slice(0, 40);
blocks.splice(7, 0, "broken_block\nC 0 0\n-1.0");
blocks.splice(20, 0, "silane\nSi 0 0 0\nH 0.85 0.85 0.85\nH -0.85 -0.85 0.85\nH -0.85 0.85 -0.85\nH 0.85 -0.85 -0.85\n-13.0");
const text = blocks.join("\n\n") + "\n";
const items = (): ParseItem[] => [...iterateMolecules(text, { fileName: "mixed.txt" })];

let reference: PredictionResult[] = [];

test.before(async () => {
  const model = await loadModel(modelBytes);
  reference = [...predictStream(model, items())];
  model.dispose();
});

test("results come back in input order, identical to the in-process predictions", async () => {
  assert.is(reference.length, 42);
  assert.ok(reference[7]!.error && reference[20]!.error?.includes("Si"));
  for (const chunkSize of [1, 3, 16]) {
    const pool = await PredictPool.create(modelBytes, { workers: 2, chunkSize });
    try {
      assert.equal(await pool.predict(items()), reference, `chunkSize ${chunkSize}`);
    } finally {
      await pool.close(); // also on failure, or the test process would not exit
    }
  }
});

test("predictInWorkers streams the same results", async () => {
  const got: PredictionResult[] = [];
  for await (const r of predictInWorkers(modelBytes, items(), { workers: 2, chunkSize: 5 })) got.push(r);
  assert.equal(got, reference);
});

test("a worker that throws or dies costs only its molecule; the pool carries on", async () => {
  const faulty = new URL("./faultyWorker.js", import.meta.url);
  const pool = await PredictPool.create(modelBytes, { workers: 2, chunkSize: 4, spawn: () => spawnWorkerScript(faulty) });
  try {
    await faultyRun(pool);
  } finally {
    await pool.close();
  }
});

async function faultyRun(pool: PredictPool): Promise<void> {
  const mixed = items();
  const rename = (i: number, id: string) => {
    const item = mixed[i]!;
    if (!("molecule" in item)) throw new Error("not a molecule");
    mixed[i] = { molecule: { ...item.molecule, id } };
  };
  rename(3, "crash_throw");
  rename(13, "crash_exit");
  rename(30, "crash_exit");
  const got = await pool.predict(mixed);
  assert.is(got.length, reference.length);
  got.forEach((r, i) => {
    if (i === 3 || i === 13 || i === 30) {
      assert.ok(r.error?.includes(r.id) && r.error.includes("worker failed"), `${i}: ${r.error}`);
      assert.is(r.predicted, undefined);
      assert.equal(r.true, reference[i]!.true);
    } else {
      assert.equal(r, reference[i], `molecule ${i} (${r.id})`);
    }
  });
  assert.ok(got[13]!.error!.includes("exited with code 7"), got[13]!.error);
  // Still usable afterwards (dead workers were replaced).
  assert.equal(await pool.predict(items()), reference);
}

test("closing a pool mid-stream ends the stream: the rest fail as closed, nothing hangs", async () => {
  const pool = await PredictPool.create(modelBytes, { workers: 2, chunkSize: 2 });
  const got: PredictionResult[] = [];
  try {
    for await (const r of pool.predictStream(items())) {
      got.push(r);
      if (got.length === 3) void pool.close();
    }
  } finally {
    await pool.close();
  }
  assert.is(got.length, reference.length);
  assert.equal(got.slice(0, 3), reference.slice(0, 3));
  assert.ok(got.at(-1)!.error?.includes("the pool was closed"), got.at(-1)!.error);
});

test("a bad model file throws at create, as the model file error it is", async () => {
  try {
    await PredictPool.create(new Uint8Array([1, 2, 3]));
    assert.unreachable("expected a throw");
  } catch (e) {
    assert.instance(e, ModelFileError);
    assert.match((e as Error).message, /not a valid safetensors file/);
  }
});

test("after close() the process exits by itself (no live handles)", async () => {
  const child = spawn(process.execPath, [join(repoRoot, "dist", "test", "workers", "poolChild.js"), modelPath, join(repoRoot, "test", "fixtures", "browser-molecules.txt")],
    { stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const code = await new Promise<number | string>((resolve) => {
    const timer = setTimeout(() => { child.kill("SIGKILL"); resolve("timeout"); }, 90_000);
    child.on("exit", (c) => { clearTimeout(timer); resolve(c ?? -1); });
  });
  assert.is(code, 0, `child: ${code}; stderr: ${err}`);
  assert.match(out, /predicted 6, first dsgdb9nsd_000004/);
});

test("workers keep the parent's Node flags but not those about its main script", () => {
  assert.equal(workerExecArgv(["--input-type=module", "-e", "code", "--enable-source-maps"]), ["--enable-source-maps"]);
  assert.equal(workerExecArgv(["--max-old-space-size=512", "--input-type", "module", "-p", "1"]), ["--max-old-space-size=512"]);
});

test("qdf predict --workers 2 writes exactly what --workers 0 does", () => {
  const fixture = join(repoRoot, "test", "fixtures", "browser-molecules.txt");
  const run = (workers: string, ...more: string[]) => spawnSync(process.execPath,
    [join(repoRoot, "bin", "qdf.js"), "predict", "--model", modelPath, fixture, "--workers", workers, ...more],
    { encoding: "utf8", timeout: 60_000 });
  const a = run("0"), b = run("2");
  assert.is(a.status, 1); // the fixture's silane
  assert.is(b.status, 1);
  assert.is(b.stdout, a.stdout);
  assert.is(b.stderr, a.stderr);
  assert.is(run("-1").status, 2);
  assert.is(run("two").status, 2);
  // A failure after the workers started (models that cannot form an ensemble) still lets the process exit.
  const bad = run("2", "--model", sharedPath("reference", "train_under7homolumo_small_init.safetensors"));
  assert.is(bad.status, 2, `signal ${bad.signal}; ${bad.stderr}`);
  assert.match(bad.stderr, /cannot form an ensemble/);
});

test.run();
