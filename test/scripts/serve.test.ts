// scripts/serve.mjs as a command (npm run serve, the density viewer): --port, a free port when it is taken, no stack.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { repoRoot } from "../shared.js";

const script = join(repoRoot, "scripts", "serve.mjs");
const root = join(repoRoot, "test", "fixtures", "serve-root");

/** Starts the script, waits for its first stdout line, stops it. */
function firstLine(args: string[]): Promise<{ out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    const timer = setTimeout(() => { child.kill(); reject(new Error(`no output in 20 s; stderr: ${err}`)); }, 20_000);
    child.stdout.on("data", (d) => { out += d; if (out.includes("\n")) child.kill(); });
    child.stderr.on("data", (d) => { err += d; });
    child.on("exit", () => { clearTimeout(timer); resolve({ out, err }); });
  });
}

test("a port in use: the server takes a free one and says so, without a stack trace", async () => {
  const blocker: Server = createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
  const taken = (blocker.address() as { port: number }).port;
  try {
    const { out, err } = await firstLine([root, "--port", String(taken)]);
    const port = Number(/at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1]);
    assert.ok(port > 0 && port !== taken, `stdout: ${out}`);
    assert.is(err, `serve: port ${taken} is in use, so a free port was taken instead\n`);
  } finally {
    blocker.close();
  }
});

test("--help documents --port; a bad --port or a missing page is a message and an exit code, not a stack", () => {
  const help = spawnSync(process.execPath, [script, "--help"], { encoding: "utf8" });
  assert.is(help.status, 0);
  assert.match(help.stdout, /--port N +the port \(default 8080/);
  const bad = spawnSync(process.execPath, [script, root, "--port", "http"], { encoding: "utf8" });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /^serve: --port needs a port number 0\.\.65535, got "http"/);
  const missing = spawnSync(process.execPath, [script, join(root, "nowhere")], { encoding: "utf8" });
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /index\.html not found: build it first/);
  for (const r of [bad, missing]) assert.not.match(r.stderr, /\n\s+at /);
});

test.run();
