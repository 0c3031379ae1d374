// Prediction tables with a leading `index` column (the molecule's input position): what --shard and --resume write, merge reads.
export type IndexedFormat = "tsv" | "csv" | "jsonl";

/** The header line with `index` in front ("" stays "": JSONL has none, its objects name their fields). */
export function indexedHeader(header: string, format: IndexedFormat): string {
  if (format === "jsonl" || header === "") return header;
  return `index${format === "csv" ? "," : "\t"}${header}`;
}

/** A table row (one line, newline included) with its input position in front (JSONL: the object's first key). */
export function indexedRow(index: number, row: string, format: IndexedFormat): string {
  if (format === "jsonl") {
    if (!row.startsWith('{"')) throw new Error(`not a JSON object row: ${row.slice(0, 40)}`);
    return `{"index":${index},${row.slice(1)}`;
  }
  return `${index}${format === "csv" ? "," : "\t"}${row}`;
}

const LEADING = { tsv: /^(\d+)\t/, csv: /^(\d+),/, jsonl: /^\{"index":(\d+),/ } as const;

/** The position and the row without it (inverse of indexedRow), or null when the line does not start with one. */
export function splitIndexedRow(line: string, format: IndexedFormat): { index: number; row: string } | null {
  const m = LEADING[format].exec(line);
  if (!m) return null;
  const rest = line.slice(m[0].length);
  return { index: Number(m[1]), row: format === "jsonl" ? `{${rest}` : rest };
}

/** The format of an indexed table from its first line, or null when it has no index column. */
export function indexedFormat(firstLine: string): IndexedFormat | null {
  if (firstLine.startsWith("index\t")) return "tsv";
  if (firstLine.startsWith("index,")) return "csv";
  if (firstLine.startsWith('{"index":')) return "jsonl";
  return null;
}

/** The header without the index column (inverse of indexedHeader for TSV and CSV). */
export function plainHeader(header: string, format: IndexedFormat): string {
  return format === "jsonl" ? header : header.slice("index".length + 1);
}
