// qdf predict --resume: a killed run continues to the very table an uninterrupted run writes; gzip input reads as plain.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { repoRoot, sharedPath } from "../shared.js";
import { qdf } from "./run.js";

const MODEL = sharedPath("reference", "pretrained_under14.safetensors");
const tmp = mkdtempSync(join(tmpdir(), "qdf-resume-"));
const blocks = readFileSync(sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt"), "utf8").trim().split(/\n\s*\n/);
const INPUT = join(tmp, "library.txt");
writeFileSync(INPUT, blocks.slice(0, 200).join("\n\n") + "\n");
const lines = (path: string) => (existsSync(path) ? readFileSync(path, "utf8").split("\n").length - 1 : 0);

test("kill -9 mid-run, then --resume: the same table as an uninterrupted run (a torn last line is redone)", async () => {
  const full = join(tmp, "full.tsv"), killed = join(tmp, "killed.tsv");
  const args = (out: string) => ["predict", "--model", MODEL, "--workers", "2", "--resume", "--out", out, INPUT];
  const whole = qdf(args(full));
  assert.is(whole.code, 0, whole.stderr);
  assert.is(lines(full), 201);
  assert.ok(readFileSync(full, "utf8").startsWith("index\tfile\t"));

  const child = spawn(process.execPath, [join(repoRoot, "bin", "qdf.js"), ...args(killed)], { stdio: "ignore" });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const until = Date.now() + 120_000;
  while (lines(`${killed}.partial`) < 40 && Date.now() < until && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  child.kill("SIGKILL");
  await exited;
  const kept = lines(`${killed}.partial`);
  assert.ok(kept >= 40 && kept < 201, `killed with ${kept} lines written (the run was too fast or too slow to kill mid-way)`);
  assert.not.ok(existsSync(killed), "an unfinished run must not leave FILE");
  assert.ok(readFileSync(`${killed}.partial`, "utf8").endsWith("\n"), "only whole rows");
  appendFileSync(`${killed}.partial`, "57\tlibrary.txt\t3"); // as a crash in the middle of a write would leave it

  const resumed = qdf(args(killed));
  assert.is(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`resuming .*: ${kept - 1} molecules done`));
  assert.is(readFileSync(killed, "utf8"), readFileSync(full, "utf8"));
  assert.not.ok(existsSync(`${killed}.partial`));
  const again = qdf(args(killed));
  assert.is(again.code, 0);
  assert.match(again.stderr, /is complete: nothing to resume/);
});

test("--resume refuses a partial file from another shard or other columns, naming it", () => {
  const out = join(tmp, "other.tsv");
  writeFileSync(`${out}.partial`, "index\tfile\tline\tid\tatoms\tformula\tpredicted_eV\ttrue_eV\tabs_error_eV\terror\twarnings\n1\tx\t1\tm\t1\tH\t0\t0\t0\t\t\n");
  const r = qdf(["predict", "--model", MODEL, "--workers", "0", "--resume", "--out", out, INPUT]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /other\.tsv\.partial:2: a row for input position 1, where this run's next is 0/);
  assert.is(qdf(["predict", "--model", MODEL, "--resume", INPUT]).code, 2);
});

test("a .gz input reads as the plain file (format detected from the name without .gz)", () => {
  const xyz = join(tmp, "water.xyz");
  writeFileSync(xyz, "3\nwater\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n3\nwater2\nO 0 0 0\nH 0.95 0 0\nH -0.24 0.92 0\n");
  writeFileSync(`${xyz}.gz`, gzipSync(readFileSync(xyz)));
  const plain = qdf(["predict", "--model", MODEL, "--workers", "0", xyz]);
  const gz = qdf(["predict", "--model", MODEL, "--workers", "0", `${xyz}.gz`]);
  assert.is(plain.code, 0, plain.stderr);
  assert.is(gz.code, 0, gz.stderr);
  assert.is(gz.stdout, plain.stdout.replaceAll(`${xyz}\t`, `${xyz}.gz\t`));
  assert.is(plain.stdout.trim().split("\n").length, 3);
  const broken = join(tmp, "broken.txt.gz");
  writeFileSync(broken, "not gzip");
  assert.match(qdf(["predict", "--model", MODEL, "--workers", "0", broken]).stderr, /broken\.txt\.gz: not a readable gzip file/);
});

test.run();
