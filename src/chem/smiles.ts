// SMILES records from .smi files (`id<TAB>SMILES` or `SMILES id` per line) and polymer attachment points (`*`).
import { LineReader, idProblem, tokens } from "./lineReader.js";
import { MoleculeParseError } from "./parseError.js";

/** One SMILES to embed, with where it came from (for errors naming file, line and id). */
export interface SmilesRecord {
  id: string;
  smiles: string;
  file: string;
  /** 1-based line of the record. */
  line: number;
  /** Property values that travel with the molecule (e.g. a CSV target column), if any. */
  properties?: number[];
}

/** A SMILES input item: a record to embed, or an error found before embedding (e.g. a line without SMILES). */
export type SmilesItem = { record: SmilesRecord } | { error: MoleculeParseError };

/** The last path component, so generated ids do not depend on the directory the file was read from. */
export function baseName(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  return parts[parts.length - 1] || fileName;
}

/**
 * Streams the records of a .smi file. A line with a tab is `id<TAB>SMILES` (the form of QM9's val_smiles.txt);
 * otherwise it is Daylight's `SMILES [id]`, and a line without id gets `<file>#<line>`. Blank lines and lines
 * starting with `#` are skipped.
 */
export function* iterateSmiles(text: string, fileName = "<input>"): Generator<SmilesItem> {
  const reader = new LineReader(text);
  for (let l = reader.next(); l; l = reader.next()) {
    const t = l.text.trim();
    if (t === "" || t.startsWith("#")) continue;
    let id: string, smiles: string;
    if (t.includes("\t")) {
      const fields = t.split("\t").map((f) => f.trim());
      [id, smiles] = [fields[0]!, fields[1] ?? ""];
      if (fields.length > 2) {
        yield { error: new MoleculeParseError(fileName, l.no, id, `expected "id<TAB>SMILES", found ${fields.length} tab-separated fields`) };
        continue;
      }
    } else {
      const tok = tokens(t);
      smiles = tok[0]!;
      id = tok.slice(1).join(" ") || `${baseName(fileName)}#${l.no}`;
    }
    if (smiles === "") {
      yield { error: new MoleculeParseError(fileName, l.no, id, "no SMILES on this line") };
      continue;
    }
    const bad = idProblem(id);
    if (bad) {
      yield { error: new MoleculeParseError(fileName, l.no, id, bad) };
      continue;
    }
    yield { record: { id, smiles, file: fileName, line: l.no } };
  }
}

/** The element that stands in for `*` while the molecule is built: monovalent like a cap, and in no real input. */
export const ATTACHMENT_Z = 85; // astatine
const ATTACHMENT_ATOM = "[At]";

/**
 * Replaces each attachment point (`*`, `[*]`, `[*:1]`, `[1*]`) by the stand-in atom, in SMILES order, so a chemistry
 * toolkit sees an ordinary monovalent atom. Returns the rewritten SMILES and how many points it had; throws when the
 * input already holds the stand-in element.
 */
export function markAttachmentPoints(smiles: string): { smiles: string; points: number } {
  let out = "", points = 0;
  for (let i = 0; i < smiles.length; i++) {
    const c = smiles[i]!;
    if (c === "*") {
      out += ATTACHMENT_ATOM;
      points++;
    } else if (c === "[") {
      const end = smiles.indexOf("]", i);
      if (end < 0) return { smiles: out + smiles.slice(i), points }; // unclosed bracket: the toolkit reports it
      const inside = smiles.slice(i + 1, end);
      if (/^\d*\*/.test(inside)) {
        out += ATTACHMENT_ATOM;
        points++;
      } else {
        if (/^\d*At(?![a-z])/.test(inside)) throw new Error("astatine ([At]) is reserved here for attachment points");
        out += `[${inside}]`;
      }
      i = end;
    } else {
      out += c;
    }
  }
  return { smiles: out, points };
}
