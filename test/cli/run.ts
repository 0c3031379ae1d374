// Test helper: runs the built `qdf` CLI as a child process.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../shared.js";

export interface CliResult { code: number; stdout: string; stderr: string }

export function qdf(args: string[], input?: string): CliResult {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin", "qdf.js"), ...args], {
    cwd: repoRoot, encoding: "utf8", input, maxBuffer: 64 * 2 ** 20,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
