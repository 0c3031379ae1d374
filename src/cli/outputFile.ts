// A command's --out file: checked before any work, written through a hidden temp file renamed into place when complete.
import { closeSync, realpathSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "./args.js";
import { discardTemp, openTemp, releaseTemp } from "../node/tempFile.js";

/** The same file on disk (through links), or the same path when `b` does not exist yet. */
function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

/**
 * Refuses an --out path that cannot work, before anything is read or computed: a missing folder, a folder, or a
 * file the command also reads (it would be replaced by the output). Messages name the path as the user gave it.
 */
export function checkOutPath(out: string, inputs: string[], models: string[]): void {
  let stat;
  try { stat = statSync(out); } catch { stat = undefined; }
  if (stat?.isDirectory()) throw new UsageError(`--out ${out} is a folder; give a file name (e.g. ${join(out, "predictions.tsv")})`);
  const dir = dirname(out);
  let dirStat;
  try { dirStat = statSync(dir); } catch { dirStat = undefined; }
  if (!dirStat) throw new UsageError(`--out ${out}: the folder ${dir} does not exist`);
  if (!dirStat.isDirectory()) throw new UsageError(`--out ${out}: ${dir} is not a folder`);
  for (const input of inputs) {
    if (input !== "-" && sameFile(input, out)) throw new UsageError(`--out ${out} is also an INPUT; it would be overwritten`);
  }
  for (const model of models) {
    if (sameFile(model, out)) throw new UsageError(`--out ${out} is also a --model; it would be overwritten`);
  }
}

/** Text output: stdout, or a temp file beside the target that is renamed into place only by commit(). */
export class OutputFile {
  private readonly fd: number;
  private readonly tmp: string | null;

  constructor(private readonly path: string | undefined) {
    if (!path) {
      this.tmp = null;
      this.fd = 1;
      return;
    }
    try {
      ({ path: this.tmp, fd: this.fd } = openTemp(path));
    } catch (e) {
      // The temp file's name would only confuse: say which --out could not be written.
      throw new Error(`cannot write --out ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  write(text: string): void {
    if (text) writeSync(this.fd, text);
  }

  commit(): void {
    if (!this.tmp) return;
    try {
      closeSync(this.fd);
      renameSync(this.tmp, this.path!);
      releaseTemp(this.tmp);
    } catch (e) {
      discardTemp(this.tmp, this.fd);
      throw new Error(`cannot write --out ${this.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  abort(): void {
    if (!this.tmp) return;
    discardTemp(this.tmp, this.fd);
  }
}
