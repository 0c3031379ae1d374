// The line-level pieces every molecule format shares: line reading, decimal numbers, atom lines.
import type { Molecule } from "./molecule.js";
import { atomicNumber, elementSymbol } from "./elements.js";

/** A line with its 1-based number; text has trailing whitespace (and the CR of CRLF) removed. */
export interface Line {
  no: number;
  text: string;
}

/** Text whole, or in pieces of any size (a file streamed in blocks): parsers read both alike. */
export type TextSource = string | Iterable<string>;

/** Reads lines one at a time, so a parser can look one line ahead without splitting the whole text. */
export class LineReader {
  private pos = 0;
  private lineNo = 0;
  private peeked: Line | undefined;
  private text: string;
  /** The pieces still to come (null: `text` is all there is). */
  private readonly rest: Iterator<string> | null;
  private first = true;

  constructor(source: TextSource) {
    if (typeof source === "string") {
      this.text = source;
      this.rest = null;
    } else {
      this.text = "";
      this.rest = source[Symbol.iterator]();
    }
    this.stripBom();
  }

  /** A UTF-8 BOM would otherwise become part of the first id or count line. */
  private stripBom(): void {
    if (!this.first || (this.text === "" && this.rest)) return;
    this.first = false;
    if (this.text.charCodeAt(0) === 0xfeff) this.text = this.text.slice(1);
  }

  /** Appends pieces until a newline follows pos or the source ends; false when nothing more came. */
  private fill(): boolean {
    if (!this.rest) return false;
    const r = this.rest.next();
    if (r.done) return false;
    // Keep only the unread tail, so memory holds about one piece, however long the source.
    this.text = this.text.slice(this.pos) + r.value;
    this.pos = 0;
    this.stripBom();
    return true;
  }

  next(): Line | undefined {
    if (this.peeked) {
      const l = this.peeked;
      this.peeked = undefined;
      return l;
    }
    let nl = this.text.indexOf("\n", this.pos);
    while (nl < 0 && this.fill()) nl = this.text.indexOf("\n", this.pos);
    if (this.pos >= this.text.length) return undefined;
    const end = nl < 0 ? this.text.length : nl;
    const text = this.text.slice(this.pos, end).trimEnd();
    this.pos = nl < 0 ? this.text.length : nl + 1;
    return { no: ++this.lineNo, text };
  }

  peek(): Line | undefined {
    if (!this.peeked) this.peeked = this.next();
    return this.peeked;
  }
}

/** Whitespace-separated tokens of a line. */
export function tokens(text: string): string[] {
  const t = text.trim();
  return t === "" ? [] : t.split(/\s+/);
}

// Plain decimal notation only: Number() alone would also accept "0x10", "" and "Infinity".
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE_WORD = /^[+-]?(?:nan|inf|infinity)$/i;

/** True for anything that was meant as a number, finite or not (decides what a property line is). */
export function looksNumeric(tok: string): boolean {
  return DECIMAL.test(tok) || NON_FINITE_WORD.test(tok);
}

/** The float64 value of a decimal token, or the reason it is not a usable number. */
export function parseFiniteNumber(tok: string, what: string): number | string {
  if (NON_FINITE_WORD.test(tok)) return `${what} "${tok}" is not a finite number`;
  if (!DECIMAL.test(tok)) return `${what} "${tok}" is not a number`;
  const v = Number(tok);
  if (!Number.isFinite(v)) return `${what} "${tok}" is not a finite number (overflows float64)`;
  return v;
}

/** A parsed atom line. */
export interface Atom {
  z: number;
  x: number;
  y: number;
  zc: number;
}

/**
 * Parses `Symbol x y z` (exactly 4 columns). With allowAtomicNumber, `6 x y z` also works (xyz files
 * written by some tools use Z). Returns the atom or the reason the line is bad.
 */
export function parseAtomLine(text: string, allowAtomicNumber: boolean): Atom | string {
  const t = tokens(text);
  if (t.length !== 4) return `expected 4 columns "symbol x y z", found ${t.length}: "${text.trim()}"`;
  return parseAtom(t[0]!, t.slice(1), allowAtomicNumber);
}

/** An atom from its element token and three coordinate tokens, or the reason they are bad. */
export function parseAtom(sym: string, coords: string[], allowAtomicNumber: boolean): Atom | string {
  let z: number | undefined;
  if (allowAtomicNumber && /^\d+$/.test(sym)) {
    const n = Number(sym);
    z = n >= 1 && n <= 118 ? n : undefined;
  } else {
    z = atomicNumber(sym);
  }
  if (z === undefined) return `unknown element "${sym}"`;
  const xyz: number[] = [];
  for (let i = 0; i < 3; i++) {
    const v = parseFiniteNumber(coords[i]!, `coordinate ${"xyz"[i]}`);
    if (typeof v === "string") return v;
    xyz.push(v);
  }
  return { z, x: xyz[0]!, y: xyz[1]!, zc: xyz[2]! };
}

/** Where a molecule starts in its input file. */
export interface Origin {
  file: string;
  line: number;
}

/** Assembles a Molecule from parsed atoms (canonical symbols, f64 coordinates). */
export function buildMolecule(id: string, atoms: Atom[], properties: number[] | undefined, origin?: Origin): Molecule {
  const n = atoms.length;
  const atomicNumbers = new Int32Array(n);
  const coords = new Float64Array(n * 3);
  const symbols: string[] = [];
  atoms.forEach((a, i) => {
    atomicNumbers[i] = a.z;
    symbols.push(elementSymbol(a.z));
    coords[3 * i] = a.x;
    coords[3 * i + 1] = a.y;
    coords[3 * i + 2] = a.zc;
  });
  const m: Molecule = { id, symbols, atomicNumbers, coords };
  if (properties && properties.length > 0) m.properties = properties;
  if (origin) {
    m.file = origin.file;
    m.line = origin.line;
  }
  return m;
}

/** C0 controls (tab, CR, ESC...), DEL and C1: in an id they would split a TSV's columns or reach a terminal raw. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `s` with each control character written as \uXXXX, so a message can show it without acting on it. */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Why an id is refused (it holds a control character), or null. Ids are refused, never rewritten: outputs stay one. */
export function idProblem(id: string): string | null {
  const m = /[\u0000-\u001f\u007f-\u009f]/.exec(id);
  if (!m) return null;
  const code = m[0].charCodeAt(0);
  const name = ({ 9: " (tab)", 13: " (carriage return)", 27: " (escape)" } as Record<number, string>)[code] ?? "";
  return `the id contains a control character U+${code.toString(16).toUpperCase().padStart(4, "0")}${name}, which no output can hold`;
}
