// Without ../shared the test helper stops the run with one message saying what is missing, not an ENOENT stack.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../shared.js";

test("sharedPath() with no ../shared: exit 1 and a message naming the missing folder", () => {
  // The compiled helper in a checkout-shaped folder that has no shared/ beside it.
  const tmp = mkdtempSync(join(tmpdir(), "qdf-noshared-"));
  try {
    const root = join(tmp, "repo");
    mkdirSync(join(root, "dist", "test"), { recursive: true });
    writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module" }));
    copyFileSync(join(repoRoot, "dist", "test", "shared.js"), join(root, "dist", "test", "shared.js"));
    const script = `const { sharedPath } = await import(${JSON.stringify(join(root, "dist", "test", "shared.js"))});
      sharedPath("reference", "x.safetensors"); console.log("not reached");`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    assert.is(run.status, 1);
    assert.is(run.stdout, "");
    assert.ok(run.stderr.includes(`${join(tmp, "shared")} is missing`), run.stderr);
    assert.match(run.stderr, /put a copy of it \(or a symlink to it\)/);
    assert.not.match(run.stderr, /ENOENT|\n\s+at /, "no stack trace");
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
