// Format detection with integer molecule ids (the ext_under15 data's ids are plain integers): QDF, not xyz.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { detectFormat, parseMolecules } from "../../src/chem/parse.js";
import { sharedPath } from "../shared.js";

test("QDF blocks with integer ids are QDF; xyz count lines stay xyz", () => {
  assert.is(detectFormat("0\nC 0 0 0\nH 1 0 0\nH -1 0 0\nH 0 1 0\nH 0 -1 0\n-40.38\n\n1\nH 0 0 0\nH 0.7 0 0\n-1.1\n"), "qdf");
  // Prediction input (no property line): the block does not fit the count 7.
  assert.is(detectFormat("7\nO 0 0 0\nH 0.96 0 0\nH 0 0.96 0\n"), "qdf");
  // xyz whose comment is free text, one frame or two without a blank line.
  assert.is(detectFormat("3\nwater\nO 0 0 0\nH 0.96 0 0\nH 0 0.96 0\n"), "xyz");
  assert.is(detectFormat("1\nH\nH 0 0 0\n1\nH\nH 1 0 0\n"), "xyz");
  const file = sharedPath("data", "ext_under15_totalenergy_hartree", "test.txt");
  const { molecules, errors } = parseMolecules(readFileSync(file, "utf8"), { fileName: file });
  assert.equal(errors, []);
  assert.is(molecules.length, 701);
});

test.run();
