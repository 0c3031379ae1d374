// Text input: control characters in ids refused (file:line), invalid UTF-8 an error with its byte offset, and an input
// that reads as both QDF and xyz an error naming --format instead of a guess.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { detectFormat, FormatDetectionError, iterateSmiles, parseMolecules } from "../../src/chem/parse.js";
import { MoleculeParseError } from "../../src/chem/parseError.js";
import { readText } from "../../src/node/textFile.js";
import { qdf } from "../cli/run.js";

const dir = mkdtempSync(join(tmpdir(), "qdf-text-"));
const water = "O 0 0 0\nH 0.96 0 0\nH 0 0.96 0";

test("ids with tab, CR, ESC, DEL or a C1 control are parse errors naming file:line, escaped in the message", () => {
  for (const c of ["\t", "\r", "\x1b", "\x7f", "\x85", "\x00"]) {
    const id = `wa${c}ter`;
    for (const [text, line] of [[`ok\n${water}\n\n${id}\n${water}\n`, 6], [`3\n${id}\n${water}\n`, 2]] as const) {
      const { molecules, errors } = parseMolecules(text, { fileName: "in.txt", format: text.startsWith("3") ? "xyz" : "qdf" });
      assert.ok(molecules.every((m) => !/[\u0000-\u001f\u007f-\u009f]/.test(m.id)), JSON.stringify(c));
      assert.is(errors.length, 1, JSON.stringify([c, text]));
      assert.is(errors[0]!.line, line);
      assert.match(errors[0]!.message, /^in\.txt:\d+: molecule wa\\u00[0-9a-f]{2}ter: the id contains a control character U\+00/);
      assert.not.match(errors[0]!.message, /[\u0000-\u001f\u007f-\u009f]/);
    }
    const smi = [...iterateSmiles(`CCO eth\x1bnol\n`, "in.smi")];
    assert.ok("error" in smi[0]! && smi[0].error instanceof MoleculeParseError && /control character U\+001B \(escape\)/.test(smi[0].error.message));
  }
});

test("invalid UTF-8 is an error with the byte offset and line, in a later block, in .gz and on the edge of a character", () => {
  const good = `m\n${water}\n\n`.repeat(5000); // past the 64 KiB block
  const bytes = Buffer.concat([Buffer.from(good), Buffer.from("bad\nO 0 0 0\nH 0."), Buffer.from([0xff]), Buffer.from("96 0 0\n")]);
  const at = good.length + "bad\nO 0 0 0\nH 0.".length;
  writeFileSync(join(dir, "bad.txt"), bytes);
  writeFileSync(join(dir, "bad.txt.gz"), gzipSync(bytes));
  const line = good.split("\n").length + 2;
  for (const f of ["bad.txt", "bad.txt.gz"]) {
    assert.throws(() => readText(join(dir, f)), (e: Error) => e.message.includes(`:${line}: invalid UTF-8 at byte ${at} (0xff)`), f);
  }
  writeFileSync(join(dir, "cut.txt"), Buffer.concat([Buffer.from(`m\n${water}\n`), Buffer.from([0xe2, 0x82])]));
  assert.throws(() => readText(join(dir, "cut.txt")), (e: Error) => /ends inside a character/.test(e.message));
  writeFileSync(join(dir, "fine.txt"), `\ufeffcaf\u00e9\n${water}\n`);
  assert.is(readText(join(dir, "fine.txt")), `\ufeffcaf\u00e9\n${water}\n`);
  const r = qdf(["predict", "--workers", "0", join(dir, "bad.txt")]);
  assert.is(r.code, 1);
  assert.match(r.stderr, new RegExp(`invalid UTF-8 at byte ${at}`));
});

test("a file that reads as QDF (integer id) and as xyz is an error naming --format; --format decides", () => {
  const both = "2\nH 0 0 0\nH 0 0 0.74\nO 0 0 1.5\n";
  assert.throws(() => detectFormat(both, "a.txt"), (e: Error) => e instanceof FormatDetectionError && /a\.txt: .*--format qdf or --format xyz/.test(e.message));
  writeFileSync(join(dir, "both.txt"), both);
  const r = qdf(["predict", "--workers", "0", join(dir, "both.txt")]);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /--format qdf or --format xyz/);
  assert.is(parseMolecules(both, { format: "qdf" }).molecules[0]!.symbols.length, 3);
  assert.is(parseMolecules(both, { format: "xyz" }).molecules[0]!.symbols.length, 2);
});

test.run();
