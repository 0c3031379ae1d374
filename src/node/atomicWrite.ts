// Node I/O edge: write a file so that readers see the old content or the complete new one, never a part.
import { closeSync, mkdirSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { discardTemp, openTemp, releaseTemp } from "./tempFile.js";

/** Writes data to a new temp file beside `path` (see openTemp), then renames it into place. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = openTemp(path);
  try {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length;) at += writeSync(tmp.fd, bytes, at, bytes.length - at);
    closeSync(tmp.fd);
    renameSync(tmp.path, path);
    releaseTemp(tmp.path);
  } catch (e) {
    discardTemp(tmp.path, tmp.fd);
    throw e;
  }
}
