// The README's library snippets run as written: extracted from README.md and run against the built package by name.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../shared.js";

/** The ```ts blocks of the README's "The library" section. */
function librarySnippets(): string[] {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const section = /\n## The library\n([^]*?)\n## /.exec(readme)?.[1];
  assert.ok(section, "README.md has a \"The library\" section");
  return [...section!.matchAll(/```ts\n([^]*?)```/g)].map((m) => m[1]!);
}

test("the README's library snippets run as written and print the demo's MAE", () => {
  const snippets = librarySnippets();
  assert.is(snippets.length, 2);
  // "qdf-wasm" resolves to this checkout through a node_modules link, as it would once installed.
  const tmp = mkdtempSync(join(tmpdir(), "qdf-readme-"));
  try {
    mkdirSync(join(tmp, "node_modules"));
    symlinkSync(repoRoot, join(tmp, "node_modules", "qdf-wasm"), "dir");
    const file = join(tmp, "snippet.mjs");
    writeFileSync(file, snippets.join("\n"));
    // Without uvu's FORCE_COLOR, console.log prints numbers plain, as a user's terminal pipe gets them.
    const { FORCE_COLOR: _, ...env } = process.env;
    const r = spawnSync(process.execPath, [file], { cwd: repoRoot, env, encoding: "utf8", timeout: 120_000 });
    assert.is(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    const mae = Number(/^(\S+) eV over 10 molecules, 0 unreadable$/.exec(lines[0]!)?.[1]);
    assert.ok(Math.abs(mae - 0.0803) < 5e-5, `first line: ${lines[0]}`);
    assert.is(lines.filter((l) => /^dsgdb9nsd_\d+ \[ -\d+\.\d+ \]$/.test(l)).length, 10, "one line per molecule from the workers");
    assert.is(lines.at(-1), "10 predicted in the pool");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
