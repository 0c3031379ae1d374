// Fuzz (seeded, ~300 cases): damaged molecule files, model headers and metadata, checkpoints, torch pickles and zips.
// Every case must end in a clear error or a finite result; hangs and memory are watched by the harness's child process.
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { findings, runFuzzModule } from "./harness.js";

const limits = { caseMs: 30_000, heapMb: 1024, rssMb: 2048 };

test("readers: every damaged input ends in a clear error or a finite result", async () => {
  const report = await runFuzzModule(fileURLToPath(new URL("./ioCases.js", import.meta.url)), limits);
  const found = findings(report, limits);
  assert.equal(found, [], found.join("\n"));
  assert.ok(report.outcomes.length >= 280, `${report.outcomes.length} cases ran`);
  const errors = report.outcomes.filter((o) => o.kind === "error").length;
  // Most damage must be caught (a fuzz that only ever reads good files would test nothing).
  assert.ok(errors > report.outcomes.length / 3, `${errors} errors of ${report.outcomes.length}`);
  process.stderr.write(`fuzz readers: ${report.outcomes.length} cases, ${errors} clear errors, peak RSS ${report.maxRssMb} MB\n`);
});

test.run();
