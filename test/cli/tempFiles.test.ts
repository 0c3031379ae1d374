// Output temp files: created new under a random name (a planted link is never followed), removed when a signal ends
// the command, and a dead process's temp files of qdf's naming cleaned at the next start.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cleanStaleTemps, createExclusive, openTemp, discardTemp } from "../../src/node/tempFile.js";
import { repoRoot, sharedPath } from "../shared.js";
import { qdf } from "./run.js";

const dir = mkdtempSync(join(tmpdir(), "qdf-temp-"));
const temps = (d: string) => readdirSync(d).filter((f) => f.endsWith(".tmp"));
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;

test("a planted link at a temp name is refused, its target untouched; names are random", () => {
  const victim = join(dir, "victim.txt");
  writeFileSync(victim, "precious");
  const planted = join(dir, ".out.tsv.123.tmp");
  symlinkSync(victim, planted);
  assert.throws(() => createExclusive(planted), (e: NodeJS.ErrnoException) => e.code === "EEXIST");
  assert.is(readFileSync(victim, "utf8"), "precious");
  const a = openTemp(join(dir, "out.tsv")), b = openTemp(join(dir, "out.tsv"));
  assert.match(a.path, new RegExp(`/\\.out\\.tsv\\.${process.pid}\\.[0-9a-f]{16}\\.tmp$`));
  assert.is.not(a.path, b.path);
  discardTemp(a.path, a.fd);
  discardTemp(b.path, b.fd);
  // --out itself a link: the output replaces the link, the file it pointed to is not written.
  const out = join(dir, "linked.tsv");
  symlinkSync(victim, out);
  const r = qdf(["predict", "--workers", "0", "--out", out, join(repoRoot, "examples", "molecules.txt")]);
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(victim, "utf8"), "precious");
  assert.match(readFileSync(out, "utf8"), /^file\tline\tid\t/);
});

test("stale temp files of a dead process are removed at the next start; a live one's, a link and others' files stay", () => {
  const d = mkdtempSync(join(dir, "stale-"));
  const dead = deadPid();
  const stale = [`.p.tsv.${dead}.0123abcd.tmp`, `.p.tsv.${dead}.tmp`];
  for (const f of stale) writeFileSync(join(d, f), "half");
  const keep = [`.p.tsv.${process.pid}.feed.tmp`, `.other.tsv.${dead}.ab.tmp`, "p.tsv.tmp"];
  for (const f of keep) writeFileSync(join(d, f), "x");
  symlinkSync(join(dir, "victim.txt"), join(d, `.p.tsv.${dead}.link.tmp`));
  assert.equal(cleanStaleTemps(join(d, "p.tsv")).sort(), stale.map((f) => join(d, f)).sort());
  assert.equal(temps(d).sort(), [...keep, `.p.tsv.${dead}.link.tmp`].filter((f) => f.endsWith(".tmp")).sort());
  writeFileSync(join(d, stale[0]!), "half");
  const r = qdf(["predict", "--workers", "0", "--out", join(d, "p.tsv"), join(repoRoot, "examples", "molecules.txt")]);
  assert.is(r.code, 0, r.stderr);
  assert.not.ok(existsSync(join(d, stale[0]!)), "the CLI cleans them too");
});

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  test(`${signal} during predict --out removes the temp file and ends the process by that signal`, async () => {
    const d = mkdtempSync(join(dir, `${signal}-`));
    const input = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
    const child = spawn(process.execPath, [join(repoRoot, "bin", "qdf.js"), "predict", "--workers", "0", "--out", join(d, "p.tsv"), input],
      { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b) => (stderr += b));
    const exited = new Promise<NodeJS.Signals | number | null>((res) => child.on("exit", (code, sig) => res(sig ?? code)));
    // Wait (up to 60 s: a loaded machine) for the temp file, then signal.
    for (let i = 0; i < 600 && temps(d).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.is(temps(d).length, 1, `a temp file appeared: ${stderr}`);
    child.kill(signal);
    const how = await Promise.race([exited, new Promise((r) => setTimeout(() => r("still running"), 60_000))]);
    if (how === "still running") child.kill("SIGKILL");
    assert.is(how, signal, stderr);
    assert.equal(temps(d), [], "no temp file left");
    assert.not.ok(existsSync(join(d, "p.tsv")), "no partial output");
  });
}

test.run();
