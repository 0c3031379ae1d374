// qdf transfer fit and predict on a small CSV of repeat units: skipped rows listed, the head reproduces, the model checked.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { qdf, table } from "../cli/run.js";
import { repoRoot } from "../shared.js";
import { parseHead } from "../../src/transfer/head.js";
import { PRETRAINED } from "../model/reference.js";

const csv = join(repoRoot, "test", "fixtures", "transfer", "small.csv");
const dir = mkdtempSync(join(tmpdir(), "qdf-transfer-"));
const headFile = join(dir, "head.json"), geometry = join(dir, "cache.xyz");

test("fit: 12 usable rows (Si and a non-number skipped, each named), CV scores, head, parity PNG, geometry cache", () => {
  const r = qdf(["transfer", "fit", "--model", PRETRAINED, "--data", csv, "--target", "target", "--units", "au", "--out", headFile,
    "--folds", "3", "--workers", "0", "--geometry", geometry]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /skipped 2 rows/);
  const head = parseHead(readFileSync(headFile, "utf8"));
  assert.is(head.data.rows, 12);
  assert.equal(head.data.skipped.map((s) => s.id).sort(), ["bad", "si"]);
  assert.match(head.data.skipped.find((s) => s.id === "si")!.reason, /lacks: Si/);
  assert.is(head.model.sha256.length, 64);
  assert.is(head.cv.folds.length, 3);
  assert.is(head.cv.folds.reduce((s, f) => s + f.n, 0), 12);
  assert.ok(Number.isFinite(head.cv.pooled.r2));
  assert.ok(existsSync(join(dir, "head.png")) && existsSync(geometry));
  // The second fit reads the cache: the same head.
  const again = qdf(["transfer", "fit", "--model", PRETRAINED, "--data", csv, "--target", "target", "--units", "au",
    "--out", join(dir, "head2.json"), "--folds", "3", "--workers", "0", "--geometry", geometry]);
  assert.is(again.code, 0, again.stderr);
  assert.not.match(again.stderr, /embedding/);
  // The cache's xyz keeps 10 decimals of angstrom: the head is the same to float32 noise of the descriptor.
  const second = parseHead(readFileSync(join(dir, "head2.json"), "utf8")).ridge;
  assert.is(second.lambda, head.ridge.lambda);
  const big = Math.max(...head.ridge.weights.map(Math.abs));
  second.weights.forEach((w, j) => assert.ok(Math.abs(w - head.ridge.weights[j]!) <= 1e-4 * big, `weight ${j}`));
});

test("predict: one row per input in order, the Si row an error, values as the descriptor + head give; wrong model refused", () => {
  const r = qdf(["transfer", "predict", "--head", headFile, "--model", PRETRAINED, "--workers", "1", csv, "--smiles-column", "smiles"]);
  assert.is(r.code, 1, r.stderr);
  const rows = table(r.stdout);
  assert.is(rows.length, 14);
  assert.match(rows.find((x) => x.id === "si")!.error!, /Si/);
  const m6 = Number(rows.find((x) => x.id === "m6")!.predicted_target), m1 = Number(rows.find((x) => x.id === "m1")!.predicted_target);
  assert.ok(Number.isFinite(m6) && Number.isFinite(m1));
  const wrong = qdf(["transfer", "predict", "--head", headFile, "--model", join(repoRoot, "models", "qdf-small.safetensors"), csv]);
  assert.is(wrong.code, 2, wrong.stderr);
  assert.match(wrong.stderr, /was fitted on/);
});

test.run();
