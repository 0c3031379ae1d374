// The built CLI bundle (package.json's bin) keeps its run bit through every build, so `npx qdf` can start it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../shared.js";

test("dist/node/cli.js is executable and runs by itself", () => {
  const cli = join(repoRoot, "dist", "node", "cli.js");
  const mode = statSync(cli).mode;
  assert.is(mode & 0o111, 0o111, `dist/node/cli.js has mode ${(mode & 0o777).toString(8)}: rollup.config.mjs must chmod it`);
  // Started as a program (its shebang), not through node: what npx and the installed bin link do.
  const run = spawnSync(cli, ["--help"], { encoding: "utf8" });
  assert.is(run.status, 0, `${run.error ?? ""} ${run.stderr}`);
  assert.match(run.stdout, /usage: qdf <command>/);
});

test.run();
