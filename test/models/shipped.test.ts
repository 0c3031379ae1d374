// The shipped models (models/): the published one reproduced from the authors' checkpoint by the README's exact
// command, listed by `qdf models`, and the default of --model, the library and the demo (with the MAE the README states).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSafetensors } from "../../src/io/safetensors.js";
import { readModelFile } from "../../src/model/modelFile.js";
import { defaultModelPath, shippedModels } from "../../src/node/shippedModels.js";
import { qdf } from "../cli/run.js";
import { repoRoot, sharedPath } from "../shared.js";

const published = join(repoRoot, "models", "qdf-qm9-under14.safetensors");
const modelsReadme = readFileSync(join(repoRoot, "models", "README.md"), "utf8");

test("the published model: models/README.md's import-torch command gives this exact file, its sha256, the authors' tensors", () => {
  const command = /^node bin\/qdf\.js (import-torch .*)$/m.exec(modelsReadme)?.[1];
  assert.ok(command, "models/README.md shows the import command");
  const args = command!.split(/\s+/);
  const out = args.indexOf("--out");
  assert.is(args[out + 1], "models/qdf-qm9-under14.safetensors");
  const tmp = mkdtempSync(join(tmpdir(), "qdf-import-"));
  try {
    args[out + 1] = join(tmp, "m.safetensors");
    const r = qdf(args);
    assert.is(r.code, 0, r.stderr);
    const shipped = readFileSync(published);
    assert.ok(readFileSync(args[out + 1]!).equals(shipped), "the README's command reproduces the shipped file byte for byte");
    const sha = createHash("sha256").update(shipped).digest("hex");
    assert.ok(modelsReadme.includes(`sha256 of the result: \`${sha}\``), `models/README.md states the sha256 ${sha}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const mine = readSafetensors(readFileSync(published)), theirs = readSafetensors(readFileSync(sharedPath("reference", "pretrained_under14.safetensors")));
  assert.equal([...mine.tensors.keys()], [...theirs.tensors.keys()]);
  for (const [name, t] of theirs.tensors) {
    assert.equal(mine.tensors.get(name)!.shape, t.shape);
    assert.ok(Buffer.from(mine.tensors.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), `${name} bit for bit`);
  }
  assert.equal(mine.metadata, { ...theirs.metadata, atom_count_range: "[3,14]" });
  assert.equal(readModelFile(readFileSync(published)).config.atomCountRange, [3, 14]);
  assert.match(modelsReadme, /MIT License\s+Copyright \(c\) 2020 Masashi Tsubaki\s+Permission is hereby granted/);
});

test("models/models.json lists every shipped file, one default (the published model); qdf models prints them", () => {
  const listed = shippedModels();
  const files = readdirSync(join(repoRoot, "models")).filter((f) => f.endsWith(".safetensors")).sort();
  assert.equal(listed.map((m) => m.file).sort(), files);
  assert.equal(listed.filter((m) => m.default).map((m) => m.file), ["qdf-qm9-under14.safetensors"]);
  assert.is(defaultModelPath(), published);
  const r = qdf(["models"]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^qdf-qm9-under14\.safetensors {2}\(default\)\n {2}property {3}atomization energy \(eV\)/);
  assert.match(r.stdout, /atoms {6}3-14 atoms; elements C H O N F/);
  assert.match(r.stdout, /\nqdf-small\.safetensors\n[^]*atoms {6}not recorded/);
  for (const m of listed) assert.ok(r.stdout.includes(`MAE        ${m.mae}`) && r.stdout.includes(`trained on ${m.trainingData}`), m.file);
});

test("npm run demo predicts with the published model by default, at the MAE the README states", () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> };
  assert.not.match(pkg.scripts.demo!, /--model/, "the demo uses the default model");
  const demo = spawnSync("sh", ["-c", pkg.scripts.demo!], { cwd: repoRoot, encoding: "utf8" });
  assert.is(demo.status, 0, demo.stderr);
  const explicit = qdf(["predict", "--model", sharedPath("reference", "pretrained_under14.safetensors"), "examples/molecules.txt", "--workers", "0"]);
  assert.is(demo.stdout, explicit.stdout, "no --model = the published model");
  const mae = Number(/MAE (\S+) eV/.exec(demo.stderr)?.[1]);
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const stated = Number(/npm run demo[^\n]*\n?[^\n]*MAE ([0-9.]+) eV/.exec(readme)?.[1]);
  assert.ok(Math.abs(mae - stated) < 5e-5, `demo MAE ${mae}, README states ${stated}`);
  assert.ok(modelsReadme.includes(`\`examples/molecules.txt\`): MAE ${stated} eV`), "models/README.md states the same");
});

test("qdf evaluate with no --model evaluates the published model", () => {
  const r = qdf(["evaluate", "examples/molecules.txt"]);
  assert.is(r.code, 0, r.stderr);
  const [name, atoms, n, mae] = r.stdout.trim().split("\n")[1]!.split("\t");
  assert.equal([name, atoms, n], ["qdf-qm9-under14", "all", "10"]);
  assert.ok(Math.abs(Number(mae) - 0.0803) < 5e-5, `MAE ${mae}`);
});

test.run();
