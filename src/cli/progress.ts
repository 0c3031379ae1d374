// Progress lines on stderr for long work: rate and ETA, redrawn in place on a terminal, a line every few seconds otherwise.

export class Progress {
  private readonly start = performance.now();
  private last = 0;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly label: string, private readonly total: number | undefined, private readonly unit = "molecules") {}

  /** Reports `done` items so far (cheap to call often: it draws at most every 0.25 s on a tty, 5 s otherwise). */
  update(done: number, force = false): void {
    const now = performance.now();
    if (!force && now - this.last < (this.tty ? 250 : 5000)) return;
    this.last = now;
    const secs = (now - this.start) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    let text = `${this.label}: ${done}`;
    if (this.total !== undefined) {
      const eta = rate > 0 ? (this.total - done) / rate : NaN;
      text += `/${this.total} ${this.unit} (${((100 * done) / Math.max(this.total, 1)).toFixed(0)}%), ${rate.toFixed(1)}/s`;
      if (done < this.total && Number.isFinite(eta)) text += `, ETA ${formatSeconds(eta)}`;
    } else {
      text += ` ${this.unit}, ${rate.toFixed(1)}/s`;
    }
    process.stderr.write(this.tty ? `\r\x1b[K${text}` : `${text}\n`);
  }

  /** Final line (and the newline a tty needs). */
  finish(done: number): void {
    this.update(done, true);
    if (this.tty) process.stderr.write("\n");
  }
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, "0")}m`;
}
