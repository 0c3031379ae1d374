// `qdf embed` and SMILES input to `qdf predict` end to end: xyz out, errors with file, line and id, workers = in-thread.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseMolecules } from "../../src/chem/parse.js";
import { repoRoot, sharedPath } from "../shared.js";
import { qdf, table } from "./run.js";

const SMI = join(repoRoot, "test", "fixtures", "smiles", "mixed.smi");
const CSV = join(repoRoot, "test", "fixtures", "smiles", "polymers.csv");
const tmp = mkdtempSync(join(tmpdir(), "qdf-embed-"));

test("qdf embed: the good SMILES as xyz (readable again), each bad one on stderr, exit code 1", () => {
  const out = join(tmp, "mixed.xyz");
  const r = qdf(["embed", SMI, "--workers", "0", "--out", out]);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, `error: ${SMI}:3: molecule bad_ring: SMILES "C1CC" cannot be parsed`);
  assert.match(r.stderr, `error: ${SMI}:6: molecule charged:`);
  assert.match(r.stderr, "3 of 7 molecules failed");
  const { molecules, errors } = parseMolecules(readFileSync(out, "utf8"), { fileName: out });
  assert.equal(errors, []);
  assert.equal(molecules.map((m) => [m.id, m.atomicNumbers.length]), [["ethanol", 9], ["acetic_acid", 8], ["mixed.smi#8", 12], ["styrene_unit", 18]]);
});

test("qdf predict on a CSV of repeat units in a worker: the same TSV as in this thread, with true values", () => {
  const model = sharedPath("reference", "pretrained_under14.safetensors");
  const args = ["predict", "--model", model, CSV, "--smiles-column", "smiles", "--oligomer", "2"];
  const inThread = qdf([...args, "--workers", "0"]);
  const pooled = qdf([...args, "--workers", "1"]);
  assert.is(inThread.code, 1, inThread.stderr); // P3 has no SMILES
  assert.match(inThread.stderr, `${CSV}:4: molecule P3: empty "smiles" column`);
  assert.is(pooled.stdout, inThread.stdout);
  // A row per input molecule, the failed one included.
  const rows = table(inThread.stdout);
  assert.equal(rows.map((r) => [r.id, r.error === ""]), [["P1", true], ["P2", true], ["P3", false], ["P4", true], ["P,5", true]]);
  assert.ok(rows.every((r) => r.file === CSV), "file column");
});

test.run();
