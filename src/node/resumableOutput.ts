// A table written row by row into OUT.partial, renamed to OUT when complete; a killed run's rows are kept for --resume.
import { closeSync, constants, existsSync, fdatasyncSync, openSync, renameSync, truncateSync, writeSync } from "node:fs";
import { readRawLines } from "./textFile.js";
import { splitIndexedRow, type IndexedFormat } from "../io/indexedTable.js";

/** Rows reach the disk at least this often (ms); each row is one write, so a killed process leaves whole rows. */
const SYNC_MS = 2000;

export class ResumeError extends Error {}

/** True when OUT is there and OUT.partial is not: a run with --resume has finished it. */
export function isFinished(path: string): boolean {
  return existsSync(path) && !existsSync(`${path}.partial`);
}

/**
 * OUT.partial, opened for appending: the rows an earlier run left there are checked (they must be the first `done`
 * positions this run would write, in order) and a torn last line (a crash mid-write) is cut off; header() then
 * checks its header against this run's. Rows are appended one write each and synced every SYNC_MS; commit() syncs
 * and renames it to OUT.
 */
export class ResumableOutput {
  readonly partial: string;
  /** Rows already there from earlier runs. */
  readonly done: number;
  private readonly fd: number;
  private readonly existingHeader: string | null = null;
  private lastSync = performance.now();
  private readonly again: string;

  /** `expected(j)` is the position of the j-th row (the run's shard selection); TSV and CSV start with a header. */
  constructor(readonly path: string, private readonly format: IndexedFormat, expected: (j: number) => number) {
    this.partial = `${path}.partial`;
    this.again = `(remove ${this.partial} to start over, or resume with the options and inputs that wrote it)`;
    let bytes = 0, done = 0, lineNo = 0;
    if (existsSync(this.partial)) {
      for (const line of readRawLines(this.partial)) {
        lineNo++;
        if (!line.ended) break; // torn: that molecule is predicted again
        if (lineNo === 1 && format !== "jsonl") {
          this.existingHeader = `${line.text}\n`;
        } else {
          const where = `${this.partial}:${lineNo}`;
          const row = splitIndexedRow(line.text, format);
          if (!row) throw new ResumeError(`${where}: not a ${format} row with an index ${this.again}`);
          if (row.index !== expected(done)) {
            throw new ResumeError(`${where}: a row for input position ${row.index}, where this run's next is ${expected(done)} ${this.again}`);
          }
          done++;
        }
        bytes += Buffer.byteLength(line.text) + 1;
      }
      truncateSync(this.partial, bytes);
    }
    this.done = done;
    // Never through a link planted at FILE.partial (its name is predictable by design: --resume finds it).
    this.fd = openSync(this.partial, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o644);
  }

  /** Writes this run's header, or checks that the file already starts with it (unless `guessed`: then keeps it). */
  header(text: string, guessed = false): void {
    if (this.existingHeader === null) {
      if (text) writeSync(this.fd, text);
    } else if (this.existingHeader !== text && !guessed) {
      throw new ResumeError(`${this.partial}: its header is not this run's columns ${this.again}`);
    }
  }

  write(row: string): void {
    writeSync(this.fd, row);
    const now = performance.now();
    if (now - this.lastSync > SYNC_MS) {
      fdatasyncSync(this.fd);
      this.lastSync = now;
    }
  }

  /** All rows written: synced, and renamed into place as OUT. */
  commit(): void {
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.partial, this.path);
  }

  /** Stops writing; OUT.partial stays for the next --resume. */
  close(): void {
    try { fdatasyncSync(this.fd); } catch { /* closing anyway */ }
    try { closeSync(this.fd); } catch { /* already closed */ }
  }
}
