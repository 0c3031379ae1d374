// Tests of `qdf import-torch`: the files it writes, its summary line, and its usage and input errors.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importTorchCommand } from "../../../src/cli/importTorch.js";
import { UsageError } from "../../../src/cli/args.js";
import { readModelFile } from "../../../src/model/modelFile.js";
import { sharedPath } from "../../shared.js";

const dir = mkdtempSync(join(tmpdir(), "qdf-import-torch-"));
const ref = (name: string) => sharedPath("reference", name);
const reference = readModelFile(readFileSync(ref("pretrained_under14.safetensors")));

/** Runs the command with stdout and stderr captured. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [ow, ew] = [process.stdout.write, process.stderr.write];
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await importTorchCommand.run(argv), out: out.join(""), err: err.join("") };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

async function rejects(argv: string[], type: new (...args: never[]) => Error, ...needles: string[]): Promise<void> {
  try {
    await run(argv);
  } catch (e) {
    assert.instance(e, type);
    // Input errors are plain Errors (exit 1), not usage errors (exit 2).
    if (type === Error) assert.not.instance(e, UsageError);
    for (const n of needles) assert.ok((e as Error).message.includes(n), `${(e as Error).message} lacks ${n}`);
    return;
  }
  assert.unreachable("did not throw");
}

test("imports both reference checkpoints into model files equal to the reference", async () => {
  for (const [file, table] of [["pretrained_under14.pt", "pretrained_under14_orbital_dict.pickle"], ["pretrained_under14_zipformat.pt", "pretrained_under14_orbital_dict.json"]]) {
    const out = join(dir, `${file}.safetensors`);
    const r = await run([ref(file!), "--orbitals", ref(table!), "--out", out]);
    assert.is(r.code, 0);
    assert.match(r.err, /imported 20 tensors \(392562 parameters\): 60 orbitals, dim 250, 3 functional layers, HK hidden 250 x 3 layers, 1 output/);
    assert.is(r.err.trim().split("\n").length, 1);
    const model = readModelFile(readFileSync(out));
    assert.equal(model.config, reference.config);
    for (const [name, t] of reference.weights) {
      assert.equal(new Uint32Array(model.weights.get(name)!.data.buffer), new Uint32Array(t.data.slice().buffer), name);
    }
  }
});

test("options reach the config", async () => {
  const out = join(dir, "mean.safetensors");
  await run([ref("pretrained_under14.pt"), "--orbitals", ref("pretrained_under14_orbital_dict.json"), "--out", out, "--basis", "3-21G", "--radius", "1.5", "--grid", "0.2", "--readout", "mean", "--property", "gap (eV)"]);
  const c = readModelFile(readFileSync(out)).config;
  assert.equal([c.basisSet, c.radius, c.gridInterval, c.operation, c.property], ["3-21G", 1.5, 0.2, "mean", "gap (eV)"]);
});

test("--help prints usage and returns 0", async () => {
  const r = await run(["--help"]);
  assert.is(r.code, 0);
  assert.match(r.out, /usage: qdf import-torch CHECKPOINT --orbitals/);
  assert.is(importTorchCommand.name, "import-torch");
});

test("usage errors", async () => {
  const ckpt = ref("pretrained_under14.pt");
  const tbl = ref("pretrained_under14_orbital_dict.json");
  await rejects([ckpt, "--out", join(dir, "x.safetensors")], UsageError, "--orbitals");
  await rejects([ckpt, "--orbitals", tbl], UsageError, "--out");
  await rejects(["--orbitals", tbl, "--out", join(dir, "x.safetensors")], UsageError, "one CHECKPOINT");
  await rejects([ckpt, ckpt, "--orbitals", tbl, "--out", join(dir, "x.safetensors")], UsageError, "one CHECKPOINT");
  await rejects([ckpt, "--orbitals", tbl, "--out", join(dir, "x.safetensors"), "--readout", "max"], UsageError, "--readout");
  await rejects([ckpt, "--orbitals", tbl, "--out", join(dir, "x.safetensors"), "--radius", "abc"], UsageError, "--radius");
  await rejects([ckpt, "--orbitals", tbl, "--out", join(dir, "x.safetensors"), "--bogus"], UsageError);
  for (const bad of ["14-3", "0-14", "14", "a-b", "3-14-15"]) {
    await rejects([ckpt, "--orbitals", tbl, "--out", join(dir, "x.safetensors"), "--atom-range", bad], UsageError, "--atom-range", bad);
  }
});

test("bad inputs are errors that name the file, and nothing is written", async () => {
  const out = join(dir, "never.safetensors");
  const tbl = ref("pretrained_under14_orbital_dict.json");
  await rejects([ref("malicious_checkpoint.pt"), "--orbitals", tbl, "--out", out], Error, "malicious_checkpoint.pt", "forbidden global __builtin__.print");
  await rejects([join(dir, "missing.pt"), "--orbitals", tbl, "--out", out], Error, "cannot read checkpoint");
  const badTable = join(dir, "table.json");
  writeFileSync(badTable, '{"C1s0": 0}');
  await rejects([ref("pretrained_under14.pt"), "--orbitals", badTable, "--out", out], Error, "1 entries but coefficient.weight has 60 rows");
  assert.not.ok(existsSync(out));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
