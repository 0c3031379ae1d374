// Transfer's data: a CSV of SMILES and a target column, rows the model cannot describe skipped (and listed), the
// rest embedded in 3D once (an xyz cache reused by later runs), in the CSV's order.
import { existsSync, readFileSync } from "node:fs";
import { iterateCsvSmiles } from "../chem/csv.js";
import { iterateXyz } from "../chem/xyz.js";
import { formatXyz } from "../chem/xyzWrite.js";
import type { Molecule } from "../chem/molecule.js";
import type { SmilesRecord } from "../chem/smiles.js";
import { atomicNumber, elementSymbol } from "../chem/elements.js";
import { loadOpenChemLib } from "../chem/openchemlib.js";
import { Embedder, type EmbedOptions } from "../chem/embed.js";
import { embedItems } from "../chem/parse.js";
import type { ParseItem } from "../chem/parseError.js";
import { EmbedPool } from "../workers/embedPool.js";
import { smilesElements } from "../transfer/baselines.js";
import { writeFileAtomic } from "../node/atomicWrite.js";
import { readText } from "../node/textFile.js";

export interface Skipped { id: string; line?: number; reason: string }

export interface TransferRows {
  /** The usable rows, in the CSV's order: record (SMILES, id, line, target) and its 3D molecule. */
  rows: { record: SmilesRecord; molecule: Molecule; target: number }[];
  skipped: Skipped[];
}

/** The elements (atomic numbers) an orbital table covers ("C2p3" -> 6). */
export function modelElements(orbitalDict: Record<string, number>): number[] {
  const out = new Set<number>();
  for (const name of Object.keys(orbitalDict)) {
    const z = atomicNumber(/^[A-Z][a-z]?/.exec(name)?.[0] ?? "");
    if (z !== undefined) out.add(z);
  }
  return [...out].sort((a, b) => a - b);
}

export interface TransferDataOptions {
  smilesColumn: string;
  target: string;
  idColumn?: string;
  /** An xyz file of embedded rows by id: read when it exists (rows missing from it are embedded), written otherwise. */
  geometry?: string;
  embed: EmbedOptions;
  workers: number;
  /** Progress lines on stderr. */
  log?: (line: string) => void;
}

/** Reads the CSV, skips rows with a bad target or an element the model lacks, and embeds (or reads from the cache) the rest. */
export async function readTransferRows(file: string, elements: number[], o: TransferDataOptions): Promise<TransferRows> {
  const ocl = await loadOpenChemLib();
  const known = new Set(elements), skipped: Skipped[] = [], records: SmilesRecord[] = [];
  const parse = { smilesColumn: o.smilesColumn, propertyColumns: [o.target], ...(o.idColumn ? { idColumn: o.idColumn } : {}) };
  for (const item of iterateCsvSmiles(readText(file), file, parse)) {
    if ("error" in item) {
      skipped.push({ id: item.error.moleculeId ?? "", line: item.error.line, reason: item.error.reason });
      continue;
    }
    let zs: number[];
    try {
      zs = smilesElements(ocl, item.record.smiles);
    } catch (e) {
      skipped.push({ id: item.record.id, line: item.record.line, reason: `SMILES cannot be parsed: ${(e as Error).message}` });
      continue;
    }
    const missing = zs.filter((z) => !known.has(z));
    if (missing.length > 0) {
      skipped.push({ id: item.record.id, line: item.record.line, reason: `elements the model lacks: ${missing.map(elementSymbol).join(" ")}` });
      continue;
    }
    records.push(item.record);
  }
  const cached = new Map<string, Molecule>();
  if (o.geometry && existsSync(o.geometry)) {
    for (const it of iterateXyz(readFileSync(o.geometry, "utf8"), o.geometry)) if (!("error" in it)) {
      const m = "molecule" in it ? it.molecule : it;
      cached.set(m.id, m);
    }
  }
  const todo = records.filter((r) => !cached.has(r.id));
  if (todo.length > 0) {
    o.log?.(`embedding ${todo.length} SMILES in 3D (${o.workers || "no"} workers)${cached.size ? `; ${cached.size} from ${o.geometry}` : ""}`);
    const items = todo.map((record) => ({ record }));
    let embedded: AsyncIterable<ParseItem> | Iterable<ParseItem>;
    let pool: EmbedPool | null = null;
    if (o.workers === 0) embedded = embedItems(items, await Embedder.load(o.embed));
    else embedded = (pool = new EmbedPool({ ...o.embed, workers: o.workers })).embedStream(items);
    try {
      let k = 0;
      for await (const it of embedded) {
        const r = todo[k++]!;
        if ("error" in it) skipped.push({ id: r.id, line: r.line, reason: it.error.reason });
        else cached.set(r.id, "molecule" in it ? it.molecule : it);
        if (k % 50 === 0) o.log?.(`  embedded ${k} of ${todo.length}`);
      }
    } finally {
      await pool?.close();
    }
    // Everything cached is written back (rows of other targets too), so one cache serves every column of the CSV.
    if (o.geometry) writeFileAtomic(o.geometry, [...cached.values()].map(formatXyz).join(""));
  }
  const rows = records.flatMap((record) => {
    const m = cached.get(record.id);
    return m ? [{ record, molecule: { ...m, id: record.id, file: record.file, line: record.line }, target: record.properties![0]! }] : [];
  });
  return { rows, skipped };
}
