// Numeric options: decimal only, range-checked with the option's own message, negative values reaching that check.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { numberOption, parseCommand, UsageError, workersOption, type CommandSpec } from "../../src/cli/args.js";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { qdf } from "./run.js";

/** Where a refused run would write (the options are checked before anything is read or written). */
const NEVER = join(tmpdir(), `qdf-never-written-${process.pid}.safetensors`);

const spec: CommandSpec = { usage: "t", help: "", options: { lr: { type: "string" }, dim: { type: "string" }, flag: { type: "boolean" } } };
const refused = (f: () => unknown, re: RegExp) =>
  assert.throws(f, (e: Error) => e instanceof UsageError && re.test(e.message), String(re));

test("hex, binary, Infinity and empty values are refused; 1e9 is not an integer option's value", () => {
  for (const bad of ["0x10", "0b11", "0o7", "Infinity", "", " ", "1_000", "1,5", "NaN"]) {
    refused(() => numberOption({ lr: bad }, "lr", 1, { above: 0 }), /--lr needs a decimal number/);
  }
  refused(() => numberOption({ dim: "1e9" }, "dim", 1, { integer: true, min: 1 }), /--dim needs a decimal integer/);
  refused(() => numberOption({ dim: "4.0" }, "dim", 1, { integer: true, min: 1 }), /--dim needs a decimal integer/);
  assert.is(numberOption({ lr: "1e-3" }, "lr", 1, { above: 0 }), 1e-3);
  assert.is(numberOption({ lr: ".5" }, "lr", 1, { above: 0 }), 0.5);
  assert.is(numberOption({ dim: "+12" }, "dim", 1, { integer: true, min: 1 }), 12);
});

test("a negative value reaches the range check (not parseArgs' 'ambiguous'), both as --lr -1 and --lr=-1", () => {
  for (const argv of [["--lr", "-1"], ["--lr=-1"], ["--lr", "-.5"]]) {
    const p = parseCommand(spec, argv)!;
    refused(() => numberOption(p.values, "lr", 1, { above: 0 }), /--lr needs a number > 0, got -/);
  }
  // A following option is not taken as a value.
  assert.throws(() => parseCommand(spec, ["--lr", "--flag"]), (e: Error) => e instanceof UsageError);
});

test("ranges name both ends; --workers is capped with a note", () => {
  refused(() => numberOption({ dim: "100000" }, "dim", 1, { integer: true, min: 1, max: 4096 }), /--dim needs an integer >= 1 and <= 4096, got 100000/);
  const n = workersOption({ workers: "1000000000" }, 1);
  assert.ok(n >= 64 && n < 1e9, `capped: ${n}`);
  assert.is(workersOption({ workers: "3" }, 1), 3);
});

test("qdf train refuses --dim 100000, --layers 10000 and --lr -1 up front, exit 2", () => {
  for (const [flag, value, re] of [["--dim", "100000", /--dim needs an integer >= 1 and <= 4096/], ["--layers", "10000", /--layers needs an integer >= 1 and <= 64/],
    ["--lr", "-1", /--lr needs a number > 0, got -1/], ["--lr", "0x10", /--lr needs a decimal number/], ["--grid", "1e-300", /--grid needs a number >= 0.001/]] as const) {
    const r = qdf(["train", "--data", "no-such-dir", "--out", NEVER, flag, value]);
    assert.is(r.code, 2, `${flag} ${value}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.not.ok(existsSync(NEVER), `${flag} ${value} wrote ${NEVER}`);
  }
  const ratio = qdf(["train", "--data", "no-such-dir", "--out", NEVER, "--radius", "1", "--grid", "0.001"]);
  assert.is(ratio.code, 2);
  assert.match(ratio.stderr, /--radius \/ --grid must be at most 100/);
});

test.run();
