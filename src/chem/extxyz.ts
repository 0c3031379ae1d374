// Extended XYZ (ASE's default): the comment line's key=value pairs and its Properties= column layout.
import { parseAtom, tokens, type Atom } from "./lineReader.js";

/** Where an extended-XYZ atom line keeps the element and the position, and how many columns it has. */
export interface ExtxyzLayout {
  /** Column of the element: `species:S:1` (a symbol) or, failing that, `Z:I:1` (an atomic number). */
  element: number;
  /** First of the three `pos:R:3` columns. */
  pos: number;
  /** Columns an atom line must have (every Properties= entry counted; the extra ones are ignored). */
  columns: number;
}

/** What a comment line says: its key=value pairs, and the atom-line layout when it has Properties=. */
export interface ExtxyzComment {
  /** Keys as written; values unquoted. A bare word is a key with the value "T", as ASE reads it. */
  info: Map<string, string>;
  /** Undefined for a plain xyz comment (no Properties= key). */
  layout?: ExtxyzLayout | string;
}

// key=value, key="quoted value" (\" inside), key={braced}, or a bare word.
const PAIR = /([^\s=]+)\s*=\s*("(?:[^"\\]|\\.)*"|\{[^}]*\}|\S*)|(\S+)/g;

/** The key=value pairs of a comment line (a plain xyz comment gives bare words only). */
export function commentPairs(comment: string): Map<string, string> {
  const info = new Map<string, string>();
  for (const m of comment.matchAll(PAIR)) {
    if (m[3] !== undefined) { info.set(m[3], "T"); continue; }
    let v = m[2]!;
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, "$1");
    info.set(m[1]!, v);
  }
  return info;
}

/** Value of a key, its case ignored ("Properties", "properties"). */
export function infoValue(info: Map<string, string>, key: string): string | undefined {
  for (const [k, v] of info) if (k.toLowerCase() === key.toLowerCase()) return v;
  return undefined;
}

/** Reads `Properties=name:type:n:...` into a layout, or the reason it is unusable. */
export function propertiesLayout(spec: string): ExtxyzLayout | string {
  const parts = spec.split(":");
  if (parts.length % 3 !== 0) return `Properties="${spec}" is not name:type:count triples`;
  let columns = 0, species = -1, z = -1, pos = -1;
  for (let i = 0; i < parts.length; i += 3) {
    const [name, type, countText] = [parts[i]!, parts[i + 1]!.toUpperCase(), parts[i + 2]!];
    const count = /^\d+$/.test(countText) ? Number(countText) : NaN;
    if (!(count > 0) || !/^[SRIL]$/.test(type)) return `Properties="${spec}": bad entry "${name}:${parts[i + 1]}:${countText}"`;
    const lower = name.toLowerCase();
    if (lower === "species" && type === "S" && count === 1) species = columns;
    else if (name === "Z" && type === "I" && count === 1) z = columns;
    else if (lower === "pos" && type === "R" && count === 3) pos = columns;
    columns += count;
  }
  const element = species >= 0 ? species : z;
  if (element < 0) return `Properties="${spec}" has no species:S:1 (or Z:I:1) column`;
  if (pos < 0) return `Properties="${spec}" has no pos:R:3 column`;
  return { element, pos, columns };
}

/** Parses a comment line: plain (no Properties= key) or extended. */
export function parseComment(comment: string): ExtxyzComment {
  const info = commentPairs(comment);
  const spec = infoValue(info, "Properties");
  return spec === undefined ? { info } : { info, layout: propertiesLayout(spec) };
}

/** An extended-XYZ atom line under a layout; columns besides the element and the position are ignored. */
export function parseExtxyzAtom(text: string, layout: ExtxyzLayout): Atom | string {
  const t = tokens(text);
  if (t.length !== layout.columns) {
    return `expected ${layout.columns} columns (as the comment's Properties= says), found ${t.length}: "${text.trim()}"`;
  }
  return parseAtom(t[layout.element]!, t.slice(layout.pos, layout.pos + 3), true);
}

/** The molecule id an extended comment gives: its `id` key, else its `name` key (case ignored). */
export function extxyzId(info: Map<string, string>): string | undefined {
  return (infoValue(info, "id") ?? infoValue(info, "name"))?.trim() || undefined;
}
