// --max-memory's sizes: decimal digits with binary units, anything else a usage error naming the option.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseByteSize } from "../../src/cli/byteSize.js";
import { UsageError } from "../../src/cli/args.js";

test("sizes with and without units", () => {
  const cases: [string, number][] = [["2G", 2 ** 31], ["512M", 2 ** 29], ["512m", 2 ** 29], ["1.5GiB", 1.5 * 2 ** 30],
    ["64K", 65536], ["65536", 65536], ["2 GB", 2 ** 31], ["1T", 2 ** 40], [".5M", 2 ** 19]];
  for (const [text, bytes] of cases) assert.is(parseByteSize(text, "max-memory"), bytes, text);
});

test("negative, zero, hex, exponents, unknown units and empty are refused with the option's name", () => {
  for (const text of ["-1G", "0", "0.1", "0x10", "1e9", "2X", "G", "", "2GG", "Infinity", "NaN", "1,5G"]) {
    assert.throws(() => parseByteSize(text, "max-memory"), (e: Error) => e instanceof UsageError && /--max-memory needs a size/.test(e.message), text);
  }
});

test.run();
