// A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF) that keeps each row's line number.
import { MoleculeParseError } from "./parseError.js";
import { baseName, type SmilesItem } from "./smiles.js";
import { idProblem } from "./lineReader.js";

export interface CsvRow {
  /** 1-based line where the row starts. */
  line: number;
  fields: string[];
}

/** Streams rows; a quoted field may span lines. The header is the first row. */
export function* iterateCsvRows(text: string): Generator<CsvRow> {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let i = 0, line = 1;
  while (i < s.length) {
    const start = line;
    const fields: string[] = [];
    let field = "";
    for (;;) {
      if (s[i] === '"') {
        i++;
        for (;;) {
          if (i >= s.length) break;
          if (s[i] === '"') {
            if (s[i + 1] === '"') { field += '"'; i += 2; continue; }
            i++;
            break;
          }
          if (s[i] === "\n") line++;
          field += s[i++];
        }
      }
      while (i < s.length && s[i] !== "," && s[i] !== "\n") field += s[i++];
      fields.push(field.replace(/\r$/, ""));
      field = "";
      if (i >= s.length || s[i] === "\n") break;
      i++; // the comma
    }
    i++; // the newline
    line++;
    if (!(fields.length === 1 && fields[0]!.trim() === "")) yield { line: start, fields };
  }
}

export interface CsvSmilesOptions {
  /** Column holding the SMILES (default "smiles"). */
  smilesColumn?: string;
  /** Column holding the id (default: the first column named id, name or *_id, else `<file>#<line>`). */
  idColumn?: string;
  /** Numeric columns to attach as the molecule's property values (e.g. a regression target). */
  propertyColumns?: string[];
}

/** The index of a header column, or an error naming the columns there are. */
export function columnIndex(header: string[], name: string, fileName: string): number {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`${fileName}: no column "${name}" (columns: ${header.slice(0, 12).join(", ")}${header.length > 12 ? ", ..." : ""})`);
  return i;
}

/** Streams SMILES records from a CSV file; a row with an empty SMILES or a non-numeric property is an error item. */
export function* iterateCsvSmiles(text: string, fileName = "<input>", options: CsvSmilesOptions = {}): Generator<SmilesItem> {
  const rows = iterateCsvRows(text);
  const first = rows.next();
  if (first.done) return;
  const header = first.value.fields.map((h) => h.trim());
  const smilesAt = columnIndex(header, options.smilesColumn ?? "smiles", fileName);
  const idAt = options.idColumn !== undefined
    ? columnIndex(header, options.idColumn, fileName)
    : header.findIndex((h) => /^(id|name|.*_id)$/i.test(h));
  const propAt = (options.propertyColumns ?? []).map((c) => columnIndex(header, c, fileName));
  for (const row of rows) {
    const id = (idAt >= 0 ? row.fields[idAt]?.trim() : "") || `${baseName(fileName)}#${row.line}`;
    const smiles = row.fields[smilesAt]?.trim() ?? "";
    if (smiles === "") {
      yield { error: new MoleculeParseError(fileName, row.line, id, `empty "${header[smilesAt]}" column`) };
      continue;
    }
    const badId = idProblem(id);
    if (badId) {
      yield { error: new MoleculeParseError(fileName, row.line, id, badId) };
      continue;
    }
    const properties: number[] = [];
    let bad: string | null = null;
    for (const p of propAt) {
      const v = row.fields[p]?.trim() ?? "";
      const n = Number(v);
      if (v === "" || !Number.isFinite(n)) { bad = `column "${header[p]}" is "${v}", not a number`; break; }
      properties.push(n);
    }
    if (bad) {
      yield { error: new MoleculeParseError(fileName, row.line, id, bad) };
      continue;
    }
    yield { record: { id, smiles, file: fileName, line: row.line, ...(propAt.length > 0 ? { properties } : {}) } };
  }
}
