// Fuzz harness: runs a module's seeded cases in a child process under a heap limit, watching each case's time, so a
// hang or a memory blow-up is the harness's finding, never a timed assertion inside a test. Reused by every fuzz file.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** One case: `run` returns what it produced (every number in it must be finite) or throws a clear error. */
export interface FuzzCase {
  name: string;
  run(): unknown;
}

/** How a case ended: a clear error (a known class with a message), a value, or a finding. */
export interface Outcome {
  i: number;
  name: string;
  kind: "error" | "value" | "bad";
  detail: string;
}

export interface FuzzLimits {
  /** Longest one case may take before it counts as a hang (generous: a loaded 2-core machine). */
  caseMs?: number;
  /** --max-old-space-size of the child, MB. */
  heapMb?: number;
  /** Peak resident memory the child may reach (all cases together), MB. */
  rssMb?: number;
}

export interface FuzzReport {
  outcomes: Outcome[];
  /** A case that did not end: the one running when the child was stopped or died. */
  stuck: { i: number; reason: string } | null;
  maxRssMb: number;
  stderr: string;
}

const CHILD = join(fileURLToPath(new URL(".", import.meta.url)), "child.js");

/**
 * Runs every case of `modulePath` (a compiled module exporting `fuzzCases(): FuzzCase[] | Promise<FuzzCase[]>`) in a
 * child process; outcomes come back one JSON line per case.
 */
export function runFuzzModule(modulePath: string, limits: FuzzLimits = {}): Promise<FuzzReport> {
  const { caseMs = 20_000, heapMb = 1024 } = limits;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, CHILD, modulePath], { stdio: ["ignore", "pipe", "pipe"] });
    const outcomes: Outcome[] = [];
    let current = -1, lastStart = Date.now(), buffer = "", stderr = "", maxRssMb = 0, stuck: FuzzReport["stuck"] = null;
    const watchdog = setInterval(() => {
      if (current >= 0 && Date.now() - lastStart > caseMs) {
        stuck = { i: current, reason: `no end after ${caseMs} ms (a hang?)` };
        child.kill("SIGKILL");
      }
    }, 200);
    child.stdout.on("data", (b: Buffer) => {
      buffer += b.toString("utf8");
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const msg = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (msg.start !== undefined) { current = msg.start; lastStart = Date.now(); }
        else if (msg.outcome) { outcomes.push(msg.outcome); current = -1; }
        else if (msg.maxRssMb !== undefined) maxRssMb = msg.maxRssMb;
      }
    });
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    child.on("exit", (code, signal) => {
      clearInterval(watchdog);
      if (!stuck && current >= 0) stuck = { i: current, reason: `the child died (${signal ?? code}) during it` };
      if (!stuck && code !== 0) stuck = { i: -1, reason: `the child exited with ${signal ?? code}` };
      resolve({ outcomes, stuck, maxRssMb, stderr });
    });
  });
}

/** Every finding of a report, as lines (empty: all cases ended in a clear error or a finite value, within the limits). */
export function findings(report: FuzzReport, limits: FuzzLimits = {}): string[] {
  const out = report.outcomes.filter((o) => o.kind === "bad").map((o) => `case ${o.i} (${o.name}): ${o.detail}`);
  if (report.stuck) out.push(`case ${report.stuck.i}: ${report.stuck.reason}\n${report.stderr.slice(-2000)}`);
  if (limits.rssMb !== undefined && report.maxRssMb > limits.rssMb) out.push(`peak RSS ${report.maxRssMb} MB over ${limits.rssMb} MB`);
  return out;
}
