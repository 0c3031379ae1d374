// Input text files read in blocks (memory holds a block, not the file), gzip-compressed ones (.gz) alike; "-" is stdin.
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { gunzipSync } from "node:zlib";

/** 64 KiB: a piece's string stays in V8's young generation (larger ones are old-space objects, freed late). */
const BLOCK = 1 << 16;

/** True for a name ending in .gz (any case): such files are gunzipped as they are read. */
export function isGzipName(path: string): boolean {
  return /\.gz$/i.test(path);
}

/** The name a file's content goes by: "mols.xyz.gz" reads as "mols.xyz" (format detection looks at the extension). */
export function contentName(path: string): string {
  return isGzipName(path) ? path.slice(0, -3) : path;
}

/**
 * The UTF-8 text of a file as pieces of about 64 KiB (a multi-byte character is never split). A .gz file is
 * decompressed whole in native memory (node:zlib's documented calls are whole-buffer or asynchronous) and then decoded
 * piece by piece, so the JS heap still holds one piece; a plain file is read block by block.
 */
export function* readTextPieces(path: string): Generator<string> {
  const decoder = new StringDecoder("utf8");
  if (path === "-" || isGzipName(path)) {
    let bytes: Buffer = readFileSync(path === "-" ? 0 : path);
    if (isGzipName(path)) {
      try {
        bytes = gunzipSync(bytes);
      } catch (e) {
        throw new Error(`${path}: not a readable gzip file (${(e as Error).message})`);
      }
    }
    for (let at = 0; at < bytes.length; at += BLOCK) yield decoder.write(bytes.subarray(at, at + BLOCK));
  } else {
    const fd = openSync(path, "r");
    try {
      const block = Buffer.allocUnsafe(BLOCK);
      for (let n = readSync(fd, block); n > 0; n = readSync(fd, block)) yield decoder.write(block.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  }
  const tail = decoder.end();
  if (tail) yield tail;
}

/** The lines of a text file exactly as written (nothing trimmed), each saying whether a newline ended it. */
export function* readRawLines(path: string): Generator<{ text: string; ended: boolean }> {
  let rest = "";
  for (const piece of readTextPieces(path)) {
    rest += piece;
    let at = 0;
    for (let nl = rest.indexOf("\n"); nl >= 0; nl = rest.indexOf("\n", at)) {
      yield { text: rest.slice(at, nl), ended: true };
      at = nl + 1;
    }
    rest = rest.slice(at);
  }
  if (rest !== "") yield { text: rest, ended: false };
}

/** A whole input file's text, gunzipped when its name ends in .gz; "-" is stdin. */
export function readText(path: string): string {
  return [...readTextPieces(path)].join("");
}
