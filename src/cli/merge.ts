// `qdf merge`: shard outputs of `qdf predict --shard` back into one table in input order, checked for gaps and doubles.
import { closeSync, renameSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { readRawLines } from "../node/textFile.js";
import { discardTemp, openTemp, releaseTemp } from "../node/tempFile.js";
import { indexedFormat, plainHeader, splitIndexedRow, type IndexedFormat } from "../io/indexedTable.js";
import { parseCommand, UsageError } from "./args.js";
import type { Command } from "./command.js";

const spec = {
  usage: "qdf merge OUT SHARD_FILE...",
  help: `
Merges the outputs of \`qdf predict --shard K/N --out FILE\` (or of --resume runs) into OUT: one table in input
order without the index column, the same as one \`qdf predict\` run over the whole input writes. Every input
position from 0 to the largest must be in exactly one file: a missing or doubled position is an error naming it
(and the files), and nothing is written. All files must have the same columns and format (tsv, csv or jsonl).
A shard's FILE appears only when the shard finished (a killed run leaves FILE.partial: rerun it with --resume).
OUT is written through a temp file renamed into place.

options:
  -h, --help   this help`,
  options: {},
};

interface Head { index: number; row: string; file: string; line: number }

/** One shard file's rows in order, checked to rise; its header and format come first. */
class ShardReader {
  readonly header: string;
  readonly format: IndexedFormat;
  private readonly lines: Generator<{ text: string; ended: boolean }>;
  private lineNo = 0;
  /** JSONL's first line, read to find the format, is a row. */
  private pending: { text: string; ended: boolean } | undefined;
  private last = -1;

  constructor(readonly file: string) {
    this.lines = readRawLines(file);
    const first = this.lines.next();
    if (first.done) throw new Error(`${file}: empty (not a qdf predict --shard output)`);
    const format = indexedFormat(first.value.text);
    if (!format) throw new Error(`${file}: no index column (write shard outputs with qdf predict --shard K/N or --resume)`);
    this.format = format;
    if (format === "jsonl") {
      this.header = "";
      this.pending = first.value;
    } else {
      this.header = first.value.text;
      this.lineNo = 1;
    }
  }

  next(): Head | undefined {
    const line = this.pending ?? this.lines.next().value;
    this.pending = undefined;
    if (!line) return undefined;
    this.lineNo++;
    if (!line.ended) throw new Error(`${this.file}:${this.lineNo}: the last line is cut off (an unfinished output?)`);
    const r = splitIndexedRow(line.text, this.format);
    if (!r) throw new Error(`${this.file}:${this.lineNo}: not a row with an index`);
    if (r.index <= this.last) throw new Error(`${this.file}:${this.lineNo}: input position ${r.index} after ${this.last} (rows must rise)`);
    this.last = r.index;
    return { ...r, file: this.file, line: this.lineNo };
  }
}

/**
 * Writes the files' rows in input order, without their index, each position 0..max exactly once (header first);
 * returns the row count. Each file rises, so the next position is always one of the files' current rows: a map from
 * position to row finds it in O(1), and memory holds one row per file.
 */
export function mergeShards(files: string[], write: (text: string) => void): number {
  const readers = files.map((f) => new ShardReader(f));
  const { header, format } = readers[0]!;
  for (const r of readers) {
    if (r.format !== format || r.header !== header) {
      throw new Error(`${r.file} has other columns or another format than ${readers[0]!.file}: outputs of different runs?`);
    }
  }
  const heads = new Map<number, { head: Head; reader: ShardReader }>();
  const advance = (reader: ShardReader) => {
    const head = reader.next();
    if (!head) return;
    const other = heads.get(head.index);
    if (other) {
      throw new Error(`input position ${head.index} is doubled: ${other.head.file}:${other.head.line} and ${head.file}:${head.line}`);
    }
    heads.set(head.index, { head, reader });
  };
  readers.forEach(advance);
  if (format !== "jsonl") write(`${plainHeader(header, format)}\n`);
  let n = 0;
  for (; heads.size > 0; n++) {
    const next = heads.get(n);
    if (!next) {
      throw new Error(`input position ${n} is missing: no file has it (the next there is ${Math.min(...heads.keys())}); ` +
        "a shard file not given, or one from another run?");
    }
    heads.delete(n);
    write(`${next.head.row}\n`);
    advance(next.reader);
  }
  return n;
}

/** A file written through a temp file beside it, renamed into place by commit (removed by abort). */
function tempWriter(path: string) {
  const { path: tmp, fd } = openTemp(path);
  let buffer = "";
  const flush = () => { writeSync(fd, buffer); buffer = ""; };
  return {
    write: (text: string) => { buffer += text; if (buffer.length > 1 << 20) flush(); },
    commit: () => { flush(); closeSync(fd); renameSync(tmp, path); releaseTemp(tmp); },
    abort: () => discardTemp(tmp, fd),
  };
}

async function run(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args) return 0;
  const [out, ...files] = args.positionals;
  if (!out || files.length === 0) throw new UsageError(`need OUT and at least one SHARD_FILE\nusage: ${spec.usage}`);
  if (files.some((f) => resolve(f) === resolve(out))) throw new UsageError(`OUT ${out} is also a SHARD_FILE; it would be overwritten`);
  const sink = tempWriter(out);
  let n: number;
  try {
    n = mergeShards(files, sink.write);
    sink.commit();
  } catch (e) {
    sink.abort();
    throw e;
  }
  process.stderr.write(`merged ${n} molecules from ${files.length} files into ${out}\n`);
  return 0;
}

export const mergeCommand: Command = { name: "merge", summary: "merge the shard outputs of qdf predict --shard in input order", run };
