// A table written row by row into OUT.partial, renamed to OUT when complete; a killed run's rows are kept for --resume.
import { closeSync, existsSync, fdatasyncSync, openSync, renameSync, truncateSync, writeSync } from "node:fs";
import { readRawLines } from "./textFile.js";
import { splitIndexedRow, type IndexedFormat } from "../io/indexedTable.js";

/** Rows reach the disk at least this often (ms); each row is one write, so a killed process leaves whole rows. */
const SYNC_MS = 2000;

export class ResumeError extends Error {}

/**
 * OUT.partial, opened for appending: what an earlier run left there is checked (its header is this run's, its rows
 * are the first `done` positions this run would write, in order) and a torn last line (a crash mid-write) is cut
 * off. Rows are appended one write each and synced every SYNC_MS; commit() syncs and renames it to OUT.
 */
export class ResumableOutput {
  readonly partial: string;
  /** Rows already there from earlier runs. */
  readonly done: number;
  private readonly fd: number;
  private lastSync = performance.now();

  /** `expected(j)` is the position of the j-th row (the run's shard selection). */
  constructor(readonly path: string, header: string, format: IndexedFormat, expected: (j: number) => number) {
    this.partial = `${path}.partial`;
    let bytes = 0, done = 0, lineNo = 0;
    if (existsSync(this.partial)) {
      for (const line of readRawLines(this.partial)) {
        lineNo++;
        if (!line.ended) break; // torn: the row is predicted again
        const where = `${this.partial}:${lineNo}`;
        const again = `(remove it to start over, or resume with the options and inputs that wrote it)`;
        if (lineNo === 1 && header !== "") {
          if (line.text + "\n" !== header) throw new ResumeError(`${where}: its header is not this run's columns ${again}`);
        } else {
          const row = splitIndexedRow(line.text, format);
          if (!row) throw new ResumeError(`${where}: not a ${format} row with an index ${again}`);
          if (row.index !== expected(done)) {
            throw new ResumeError(`${where}: row for input position ${row.index}, this run's next is ${expected(done)} ${again}`);
          }
          done++;
        }
        bytes += Buffer.byteLength(line.text) + 1;
      }
    }
    this.done = done;
    if (existsSync(this.partial)) truncateSync(this.partial, bytes);
    this.fd = openSync(this.partial, "a");
    if (bytes === 0 && header !== "") writeSync(this.fd, header);
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
