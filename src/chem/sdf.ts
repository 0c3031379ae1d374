// Parser for SDF and MOL files (V2000 and V3000 connection tables) with 3D coordinates and explicit hydrogens.
import { atomicNumber } from "./elements.js";
import { LineReader, buildMolecule, idProblem, parseFiniteNumber, tokens, type Atom, type Line } from "./lineReader.js";
import { MoleculeParseError, type ParseItem } from "./parseError.js";
import { baseName } from "./smiles.js";

/** One record's lines, up to (not including) its `$$$$`. */
function* records(text: string): Generator<Line[]> {
  const reader = new LineReader(text);
  let lines: Line[] = [];
  for (let l = reader.next(); l; l = reader.next()) {
    if (l.text.startsWith("$$$$")) {
      yield lines;
      lines = [];
    } else {
      lines.push(l);
    }
  }
  if (lines.some((l) => l.text.trim() !== "")) yield lines;
}

class RecordError extends Error {
  constructor(readonly line: number, message: string) { super(message); }
}

interface Table { atoms: Atom[]; atomLines: number[]; charges: number[]; bonds: [number, number, number][] }

function atomFrom(sym: string, xs: string[], line: Line): Atom {
  const z = atomicNumber(sym);
  if (z === undefined || sym === "") throw new RecordError(line.no, `unknown element "${sym}"`);
  const c = xs.map((t, i) => {
    const v = parseFiniteNumber(t, `coordinate ${"xyz"[i]}`);
    if (typeof v === "string") throw new RecordError(line.no, v);
    return v;
  });
  return { z, x: c[0]!, y: c[1]!, zc: c[2]! };
}

function v2000(lines: Line[], counts: Line): Table {
  const na = Number(counts.text.slice(0, 3)), nb = Number(counts.text.slice(3, 6));
  if (!Number.isInteger(na) || !Number.isInteger(nb) || na <= 0) {
    throw new RecordError(counts.no, `counts line "${counts.text.trim()}" gives no positive atom count`);
  }
  const start = lines.indexOf(counts) + 1;
  if (lines.length < start + na + nb) {
    throw new RecordError(counts.no, `counts line says ${na} atoms and ${nb} bonds but the record ends after ${lines.length - start} lines`);
  }
  const atoms: Atom[] = [], atomLines: number[] = [], charges: number[] = [], bonds: Table["bonds"] = [];
  for (let k = 0; k < na; k++) {
    const l = lines[start + k]!;
    const t = tokens(l.text);
    if (t.length < 4) throw new RecordError(l.no, `atom line needs "x y z symbol", found "${l.text.trim()}"`);
    atoms.push(atomFrom(t[3]!, t.slice(0, 3), l));
    atomLines.push(l.no);
    const ccc = Number(t[5] ?? 0); // V2000 charge code: 1..3 positive, 5..7 negative, 4 doublet radical
    charges.push(ccc >= 1 && ccc <= 7 && ccc !== 4 ? 4 - ccc : 0);
  }
  for (let k = 0; k < nb; k++) {
    const l = lines[start + na + k]!;
    const b = [l.text.slice(0, 3), l.text.slice(3, 6), l.text.slice(6, 9)].map(Number);
    if (!b.every(Number.isInteger) || b[0]! < 1 || b[1]! < 1 || b[0]! > na || b[1]! > na) {
      throw new RecordError(l.no, `bad bond line "${l.text.trim()}"`);
    }
    bonds.push([b[0]! - 1, b[1]! - 1, b[2]!]);
  }
  for (const l of lines.slice(start + na + nb)) {
    if (l.text.startsWith("M  CHG")) { // overrides the atom lines' charge codes
      const t = tokens(l.text).slice(3).map(Number);
      for (let k = 0; k + 1 < t.length; k += 2) charges[t[k]! - 1] = t[k + 1]!;
    }
    if (l.text.startsWith("M  END")) break;
  }
  return { atoms, atomLines, charges, bonds };
}

function v3000(lines: Line[]): Table {
  const atoms: Atom[] = [], atomLines: number[] = [], charges: number[] = [], bonds: Table["bonds"] = [];
  let block = "";
  for (const l of lines) {
    if (!l.text.startsWith("M  V30")) {
      if (l.text.startsWith("M  END")) break;
      continue;
    }
    const t = tokens(l.text.slice(6));
    if (t[0] === "BEGIN" || t[0] === "END") { block = t[0] === "BEGIN" ? t[1]! : ""; continue; }
    if (block === "ATOM") {
      if (t.length < 5) throw new RecordError(l.no, `V3000 atom line needs "index symbol x y z", found "${l.text.trim()}"`);
      atoms.push(atomFrom(t[1]!, t.slice(2, 5), l));
      atomLines.push(l.no);
      charges.push(Number(t.find((x) => x.startsWith("CHG="))?.slice(4) ?? 0));
    } else if (block === "BOND") {
      const b = t.slice(1, 4).map(Number);
      bonds.push([b[1]! - 1, b[2]! - 1, b[0]!]);
    }
  }
  if (atoms.length === 0) throw new RecordError(lines[3]?.no ?? 1, "V3000 record without atoms");
  return { atoms, atomLines, charges, bonds };
}

/** Refuses what QDF cannot use: 2D layouts, carbons with implicit hydrogens, charged molecules. */
function check(table: Table): void {
  const { atoms, atomLines, charges, bonds } = table;
  const firstAtomLine = atomLines[0]!;
  if (atoms.length > 1 && atoms.every((a) => a.zc === 0)) {
    throw new RecordError(firstAtomLine, "all z coordinates are 0 (a 2D drawing): give 3D coordinates, or SMILES to embed");
  }
  const valence = new Float64Array(atoms.length);
  for (const [a, b, order] of bonds) {
    const v = order === 4 ? 1.5 : order; // aromatic
    valence[a]! += v;
    valence[b]! += v;
  }
  atoms.forEach((a, i) => {
    if (a.z === 6 && charges[i] === 0 && valence[i]! < 3.99 && bonds.length > 0) {
      throw new RecordError(atomLines[i]!, `atom ${i + 1} (C) has ${Math.round(valence[i]!)} bonds: hydrogens must be explicit (or give SMILES to embed)`);
    }
  });
  const net = charges.reduce((s, c) => s + c, 0);
  if (net !== 0) throw new RecordError(firstAtomLine, `net charge ${net}: QDF models neutral molecules`);
}

/**
 * Streams the molecules of an SDF (or a single MOL) file. The id is the record's title line, or `<file>#<n>`.
 * A bad record is an error naming its line; parsing goes on at the next `$$$$`.
 */
export function* iterateSdf(text: string, fileName = "<input>"): Generator<ParseItem> {
  let n = 0;
  for (const lines of records(text)) {
    n++;
    const id = lines[0]?.text.trim() || `${baseName(fileName)}#${n}`;
    try {
      const counts = lines[3];
      if (!counts) {
        throw new RecordError(lines[0]?.no ?? 1, "record ends before its counts line (line 4 of a molfile)");
      }
      const bad = idProblem(id);
      if (bad) throw new RecordError(lines[0]!.no, bad);
      const table = /V3000\s*$/.test(counts.text) ? v3000(lines) : v2000(lines, counts);
      check(table);
      yield { molecule: buildMolecule(id, table.atoms, undefined, { file: fileName, line: lines[0]?.no ?? 1 }) };
    } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      yield { error: new MoleculeParseError(fileName, e.line, id, e.message) };
    }
  }
}
