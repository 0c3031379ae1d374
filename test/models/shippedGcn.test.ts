// The shipped 3D GCN (models/gcn-ext-under15.safetensors): its metadata, `qdf models` listing it, and `qdf evaluate`
// on ext_under15's test.txt reproducing the MAE, RMSE and per-size MAEs that models.json and models/README.md state.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readGcnModelFile } from "../../src/gcn/modelFile.js";
import { shippedModels } from "../../src/node/shippedModels.js";
import { qdf } from "../cli/run.js";
import { repoRoot, sharedPath } from "../shared.js";

const FILE = "gcn-ext-under15.safetensors";
const path = join(repoRoot, "models", FILE);
const TEST = sharedPath("data", "ext_under15_totalenergy_hartree", "test.txt");
const readme = readFileSync(join(repoRoot, "models", "README.md"), "utf8");
/**
 * The stated figures have 6 decimals of hartree; the float32 network may round differently on another CPU or
 * tfjs-wasm build (SIMD or not) by ~1e-7: 1e-6 covers both and is far below any change of weights or data.
 */
const TOL = 1e-6;

test("the shipped GCN: architecture gcn, total energy in hartree, its training range and atomref in the metadata", () => {
  const { config, metadata } = readGcnModelFile(new Uint8Array(readFileSync(path)));
  assert.is(metadata.architecture, "gcn");
  assert.is(config.property, "total energy (hartree)");
  assert.equal(config.atomCountRange, [4, 15]);
  assert.equal(Object.keys(config.atomDict).sort(), ["C", "Cl", "H", "N", "O", "S"]);
  assert.ok(metadata.atomref !== undefined, "trained with --atomref fit");
});

test("qdf models lists it as a 3D GCN with its range and elements", () => {
  const entry = shippedModels().find((m) => m.file === FILE);
  assert.ok(entry, "models.json lists it");
  assert.is(entry!.default, false);
  const r = qdf(["models"]);
  assert.is(r.code, 0, r.stderr);
  const block = r.stdout.split("\n\n").find((b) => b.startsWith(FILE))!;
  assert.ok(block, r.stdout);
  assert.match(block, /model {6}3D GCN/);
  assert.match(block, /property {3}total energy \(hartree\)/);
  assert.match(block, /atoms {6}4-15 atoms; elements C H N O S Cl/);
});

test("qdf evaluate on test.txt gives the MAE and RMSE of models.json and README, and the README's per-size MAEs", () => {
  const r = qdf(["evaluate", "--model", path, TEST, "--by-size"]);
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split("\n").slice(1).map((l) => l.split("\t"));
  const all = rows.find((c) => c[1] === "all")!;
  assert.is(all[2], "701");
  const entry = shippedModels().find((m) => m.file === FILE)!;
  const stated = /^([0-9.]+) hartree \([0-9.]+ kcal\/mol\) MAE, ([0-9.]+) hartree RMSE/.exec(entry.mae);
  assert.ok(stated, `models.json's mae states MAE and RMSE: ${entry.mae}`);
  assert.ok(Math.abs(Number(all[3]) - Number(stated![1])) <= TOL, `MAE ${all[3]}, stated ${stated![1]}`);
  assert.ok(Math.abs(Number(all[4]) - Number(stated![2])) <= TOL, `RMSE ${all[4]}, stated ${stated![2]}`);
  // models/README.md's per-size table: "| atoms | n | MAE (hartree) | ..." rows for this model.
  const section = readme.slice(readme.indexOf("# gcn-ext-under15"));
  const table = [...section.matchAll(/^\| (\d+) \| (\d+) \| ([0-9.]+) \|/gm)].map((m) => [m[1]!, m[2]!, Number(m[3])] as const);
  const sizes = rows.filter((c) => c[1] !== "all");
  assert.is(table.length, sizes.length, "a README row per atom count");
  sizes.forEach((c, i) => {
    const [atoms, n, mae] = table[i]!;
    assert.equal([atoms, n], [c[1], c[2]], `row ${i}`);
    assert.ok(Math.abs(Number(c[3]) - mae) <= TOL, `${atoms} atoms: MAE ${c[3]}, README ${mae}`);
  });
});

test("qdf density and qdf descriptor refuse the GCN with a clear error (it has no wave function)", () => {
  for (const cmd of [["density", "--out", "unused-dir"], ["descriptor"]]) {
    const r = qdf([cmd[0]!, "--model", path, "examples/molecules.txt", ...cmd.slice(1)]);
    assert.is(r.code, 1, `${cmd[0]}: ${r.stderr}`);
    assert.match(r.stderr, /the model is a GCN \(metadata architecture "gcn"\), which has no wave function; this needs a QDF model/);
  }
});

test.run();
