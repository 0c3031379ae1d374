// Molecule input entry point: picks the format (QDF text, xyz, SDF/MOL, SMILES, CSV) and streams molecules and errors.
import type { Molecule } from "./molecule.js";
import { failureErrors, MoleculeParseError, type ParseItem } from "./parseError.js";
import { tokens } from "./lineReader.js";
import { iterateQdf } from "./qdfText.js";
import { iterateXyz } from "./xyz.js";
import { iterateSdf } from "./sdf.js";
import { iterateSmiles, type SmilesItem, type SmilesRecord } from "./smiles.js";
import { iterateCsvSmiles } from "./csv.js";
import type { Embedder } from "./embed.js";

export { MoleculeParseError, failureErrors, type ParseFailure, type ParseItem } from "./parseError.js";
export { iterateQdf } from "./qdfText.js";
export { iterateXyz } from "./xyz.js";
export { iterateSdf } from "./sdf.js";
export { iterateSmiles, markAttachmentPoints, type SmilesRecord } from "./smiles.js";
export { iterateCsvSmiles } from "./csv.js";

export type MoleculeFormat = "qdf" | "xyz" | "sdf" | "smiles" | "csv";

/** Formats whose molecules are SMILES, built in 3D by an Embedder. */
export const SMILES_FORMATS: readonly MoleculeFormat[] = ["smiles", "csv"];

export interface ParseOptions {
  /** Named in errors (and in generated ids); default "<input>". */
  fileName?: string;
  /** Default "auto": see detectFormat. */
  format?: MoleculeFormat | "auto";
  /** CSV input: the SMILES column (default "smiles"; giving it also makes an auto-detected file CSV). */
  smilesColumn?: string;
  /** CSV input: the id column (default: a column named id, name or *_id). */
  idColumn?: string;
  /** CSV input: numeric columns that become the molecules' property values. */
  propertyColumns?: string[];
  /** Builds SMILES in 3D; SMILES input needs one (Embedder.load, once per thread: it loads openchemlib). */
  embedder?: Embedder;
}

/** An input whose format its name and content leave open: the caller must say which (--format). */
export class FormatDetectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FormatDetectionError";
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const isAtomLine = (t: string[]) => t.length === 4 && /^[A-Za-z]{1,3}$/.test(t[0]!) && t.slice(1).every((x) => NUMBER.test(x));

/**
 * By extension: `.xyz`, `.extxyz`; `.sdf`, `.sd`, `.mol`; `.smi`, `.smiles`; `.csv` (or any file when a SMILES column is named).
 * Otherwise content decides: a molfile counts line (V2000/V3000) on line 4 is SDF; a first non-blank line that is an
 * integer is an xyz count line, unless it is a QDF block with an integer id: an atom line right after it, and either
 * a numeric last line (the property line) or a block whose length does not fit the count; anything else is QDF text.
 * A block that reads both ways (integer first line, an atom line after it, as many lines as the count says, no
 * property line) is a FormatDetectionError naming --format: never a silent guess. SMILES on stdin need an explicit format.
 */
export function detectFormat(text: string, fileName?: string, smilesColumn?: string): MoleculeFormat {
  const ext = /\.([a-z]+)$/i.exec(fileName ?? "")?.[1]?.toLowerCase();
  if (ext === "xyz" || ext === "extxyz") return "xyz";
  if (ext === "sdf" || ext === "sd" || ext === "mol") return "sdf";
  if (ext === "smi" || ext === "smiles") return "smiles";
  if (ext === "csv" || smilesColumn !== undefined) return "csv";
  // Look only at the start: a regex over the whole text would be wasteful for big files.
  const head = text.slice(0, 4096).replace(/^\uFEFF/, "").replace(/^(\s*\n)+/, "");
  if (/^(?:[^\n]*\n){3}[^\n]*V[23]000\s*(?:\n|$)/.test(head)) return "sdf";
  const first = tokens(head.split("\n", 1)[0] ?? "");
  if (!(first.length === 1 && /^\d+$/.test(first[0]!))) return "qdf";
  const block = head.split(/\n\s*\n/, 1)[0]!.split("\n").map((l) => tokens(l)).filter((t) => t.length > 0);
  const last = block[block.length - 1]!;
  const atomAfter = block.length > 1 && isAtomLine(block[1]!);
  const qdfBlock = atomAfter && ((block.length > 2 && last.every((x) => NUMBER.test(x))) || block.length !== Number(first[0]) + 2);
  if (atomAfter && !qdfBlock) {
    throw new FormatDetectionError(`${fileName ?? "<input>"}: cannot tell QDF text (molecule id "${first[0]}", then ${block.length - 1} atom lines) ` +
      `from xyz (atom count ${first[0]}, an atom line as the comment): pass --format qdf or --format xyz`);
  }
  return qdfBlock ? "qdf" : "xyz";
}

/** The format options ask for, or the detected one. */
export function resolveFormat(text: string, options: ParseOptions = {}): MoleculeFormat {
  return !options.format || options.format === "auto"
    ? detectFormat(text, options.fileName, options.smilesColumn)
    : options.format;
}

/** An input item before embedding: a molecule, a parse error, or a SMILES record still to be built in 3D. */
export type InputItem = ParseItem | { record: SmilesRecord };

/**
 * Streams the input's items in order without embedding anything: SMILES stay records, so that a caller can embed
 * them where it likes (in this thread, or in workers: see embedItems and EmbedPool).
 */
export function* iterateInputItems(text: string, options: ParseOptions = {}): Generator<InputItem> {
  const fileName = options.fileName ?? "<input>";
  switch (resolveFormat(text, options)) {
    case "xyz": yield* iterateXyz(text, fileName); break;
    case "sdf": yield* iterateSdf(text, fileName); break;
    case "smiles": yield* iterateSmiles(text, fileName) as Generator<SmilesItem>; break;
    case "csv": yield* iterateCsvSmiles(text, fileName, options); break;
    default: yield* iterateQdf(text, fileName);
  }
}

/** Embeds the records among the items in this thread; molecules and errors pass through in place. */
export function* embedItems(items: Iterable<InputItem>, embedder: Embedder): Generator<ParseItem> {
  for (const item of items) yield "record" in item ? embedder.embed(item.record) : item;
}

/**
 * Streams molecules and errors in input order (a generator, so a big file never holds all Molecules at once).
 * SMILES (and CSV) input is embedded with options.embedder, which such input requires.
 */
export function* iterateMolecules(text: string, options: ParseOptions = {}): Generator<ParseItem> {
  const format = resolveFormat(text, options);
  if (SMILES_FORMATS.includes(format) && !options.embedder) {
    throw new Error(`${options.fileName ?? "<input>"} holds SMILES: they need 3D embedding, pass an embedder (await Embedder.load())`);
  }
  const items = iterateInputItems(text, { ...options, format });
  yield* options.embedder ? embedItems(items, options.embedder) : (items as Generator<ParseItem>);
}

/** Parses everything: molecules in order, and all errors (every bad line of every failed molecule). */
export function parseMolecules(
  text: string,
  options: ParseOptions = {},
): { molecules: Molecule[]; errors: MoleculeParseError[] } {
  const molecules: Molecule[] = [];
  const errors: MoleculeParseError[] = [];
  for (const item of iterateMolecules(text, options)) {
    if ("molecule" in item) molecules.push(item.molecule);
    else errors.push(...failureErrors(item));
  }
  return { molecules, errors };
}
