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

/** A TSV table's rows as objects keyed by the header's column names (empty trailing cells kept). */
export function table(stdout: string): Record<string, string>[] {
  const [head, ...lines] = stdout.replace(/\n$/, "").split("\n").map((l) => l.split("\t"));
  return lines.map((cells) => Object.fromEntries(head!.map((name, i) => [name, cells[i]!])));
}
