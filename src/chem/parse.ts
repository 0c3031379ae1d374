// Molecule input entry point: picks the format (QDF text or xyz) and streams molecules and parse errors.
import type { Molecule } from "./molecule.js";
import { MoleculeParseError, type ParseItem } from "./parseError.js";
import { tokens } from "./lineReader.js";
import { iterateQdf } from "./qdfText.js";
import { iterateXyz } from "./xyz.js";

export { MoleculeParseError, type ParseItem } from "./parseError.js";
export { iterateQdf } from "./qdfText.js";
export { iterateXyz } from "./xyz.js";

export type MoleculeFormat = "qdf" | "xyz";

export interface ParseOptions {
  /** Named in errors (and in generated xyz ids); default "<input>". */
  fileName?: string;
  /** Default "auto": see detectFormat. */
  format?: MoleculeFormat | "auto";
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const isAtomLine = (t: string[]) => t.length === 4 && /^[A-Za-z]{1,3}$/.test(t[0]!) && t.slice(1).every((x) => NUMBER.test(x));

/**
 * `.xyz` files are xyz; otherwise content decides: a first non-blank line that is an integer is an xyz count line,
 * unless it is a QDF block with an integer id: an atom line right after it, and either a numeric last line (the
 * property line) or a block whose length does not fit the count.
 */
export function detectFormat(text: string, fileName?: string): MoleculeFormat {
  if (fileName && /\.xyz$/i.test(fileName)) return "xyz";
  // Look only at the start: a regex over the whole text would be wasteful for big files.
  const head = text.slice(0, 4096).replace(/^\uFEFF/, "").replace(/^(\s*\n)+/, "");
  const first = tokens(head.split("\n", 1)[0] ?? "");
  if (!(first.length === 1 && /^\d+$/.test(first[0]!))) return "qdf";
  const block = head.split(/\n\s*\n/, 1)[0]!.split("\n").map((l) => tokens(l)).filter((t) => t.length > 0);
  const last = block[block.length - 1]!;
  const qdfBlock = block.length > 1 && isAtomLine(block[1]!) &&
    ((block.length > 2 && last.every((x) => NUMBER.test(x))) || block.length !== Number(first[0]) + 2);
  return qdfBlock ? "qdf" : "xyz";
}

/** Streams molecules and errors in input order (a generator, so a big file never holds all Molecules at once). */
export function* iterateMolecules(text: string, options: ParseOptions = {}): Generator<ParseItem> {
  const fileName = options.fileName ?? "<input>";
  const format = !options.format || options.format === "auto" ? detectFormat(text, fileName) : options.format;
  yield* format === "xyz" ? iterateXyz(text, fileName) : iterateQdf(text, fileName);
}

/** Parses everything: molecules in order, and all errors. */
export function parseMolecules(
  text: string,
  options: ParseOptions = {},
): { molecules: Molecule[]; errors: MoleculeParseError[] } {
  const molecules: Molecule[] = [];
  const errors: MoleculeParseError[] = [];
  for (const item of iterateMolecules(text, options)) {
    if ("molecule" in item) molecules.push(item.molecule);
    else errors.push(item.error);
  }
  return { molecules, errors };
}
