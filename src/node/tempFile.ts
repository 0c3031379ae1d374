// Node I/O edge: the temp files outputs are written through. Each is created new (O_EXCL, never through a link) under a
// random name in its target's folder, removed on SIGINT, SIGTERM and SIGHUP, and a dead process's are cleaned later.
import { closeSync, constants, lstatSync, openSync, readdirSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";

/** `.NAME.PID.RANDOM.tmp` (also the older `.NAME.PID.tmp`): the names qdf's temp files have had. */
const OWN_NAME = /^\.(.+)\.(\d+)(?:\.[0-9a-z]+)?\.tmp$/;

/** Temp files this process has open, removed if a signal ends it. */
const live = new Set<string>();
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

function onSignal(signal: NodeJS.Signals): void {
  for (const p of live) rmSync(p, { force: true });
  live.clear();
  // Re-raised without our handler, so the process ends as the signal would have ended it (exit status 128 + n).
  setHandlers(false);
  process.kill(process.pid, signal);
}

/** Listening only while a temp file is open: a handler replaces the signal's default, which then waits for the event loop. */
function setHandlers(on: boolean): void {
  for (const s of SIGNALS) {
    if (on) process.on(s, onSignal);
    else process.removeListener(s, onSignal);
  }
}

function track(path: string): void {
  if (live.size === 0) setHandlers(true);
  live.add(path);
}

function untrack(path: string): void {
  if (live.delete(path) && live.size === 0) setHandlers(false);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes `target`'s temp files of qdf's naming whose process is gone (a kill -9 or a crash leaves them). */
export function cleanStaleTemps(target: string): string[] {
  const dir = dirname(target), name = basename(target), removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const e of entries) {
    const m = OWN_NAME.exec(e);
    if (!m || m[1] !== name || alive(Number(m[2]))) continue;
    const p = join(dir, e);
    try {
      if (!lstatSync(p).isFile()) continue; // a link or folder of that name is not ours to remove
      rmSync(p, { force: true });
      removed.push(p);
    } catch { /* gone meanwhile */ }
  }
  return removed;
}

/** O_EXCL and O_NOFOLLOW: a file or link already at `path` (planted there) is an EEXIST/ELOOP, never written through. */
export function createExclusive(path: string): number {
  return openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
}

/** A new temp file beside `target`, open for writing: its path and descriptor. Call releaseTemp once it is renamed or removed. */
export function openTemp(target: string): { path: string; fd: number } {
  cleanStaleTemps(target);
  for (let attempt = 0; ; attempt++) {
    const path = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(8).toString("hex")}.tmp`);
    try {
      const fd = createExclusive(path);
      track(path);
      return { path, fd };
    } catch (e) {
      // EEXIST: someone holds that name (planted or a 2^-64 collision); a fresh name, never their file.
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 8) throw e;
    }
  }
}

/** The temp file is renamed into place or removed: no signal handler needs to remove it any more. */
export function releaseTemp(path: string): void {
  untrack(path);
}

/** Closes and removes a temp file (a failed write). */
export function discardTemp(path: string, fd: number): void {
  try { closeSync(fd); } catch { /* already closed */ }
  rmSync(path, { force: true });
  untrack(path);
}

let lastTurn = performance.now();

/**
 * A turn of the event loop every 100 ms (a promise to await), else null: a signal's handler (which removes the temp
 * files) runs only between turns, so a command computing in this thread calls this between items.
 */
export function signalPoint(): Promise<void> | null {
  const now = performance.now();
  if (now - lastTurn < 100) return null;
  lastTurn = now;
  return new Promise((resolve) => setImmediate(resolve));
}
