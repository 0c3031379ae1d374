// Input text files read in blocks (memory holds a block, not the file), gzip-compressed ones (.gz) alike; "-" is stdin.
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
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
  // Fatal: a replaced byte can merge an id line with an atom line (one flipped bit lost an atom, 5.7 eV off).
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let whole: Buffer | undefined;
  const decode = (bytes: Uint8Array | undefined): string => {
    try {
      return bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true });
    } catch {
      throw new Error(invalidUtf8Message(path, whole ?? readFileSync(path)));
    }
  };
  if (path === "-" || isGzipName(path)) {
    let bytes: Buffer = readFileSync(path === "-" ? 0 : path);
    if (isGzipName(path)) {
      try {
        bytes = gunzipSync(bytes);
      } catch (e) {
        throw new Error(`${path}: not a readable gzip file (${(e as Error).message})`);
      }
    }
    whole = bytes;
    for (let at = 0; at < bytes.length; at += BLOCK) yield decode(bytes.subarray(at, at + BLOCK));
  } else {
    const fd = openSync(path, "r");
    try {
      const block = Buffer.allocUnsafe(BLOCK);
      for (let n = readSync(fd, block); n > 0; n = readSync(fd, block)) yield decode(block.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  }
  const tail = decode(undefined);
  if (tail) yield tail;
}

/**
 * "FILE: invalid UTF-8 at byte B (line L)": the first byte where the prefix stops being valid, found by bisection
 * with a streaming decoder (an unfinished character at the end of a prefix is not an error, an invalid byte is).
 */
function invalidUtf8Message(path: string, bytes: Uint8Array): string {
  const validPrefix = (n: number) => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let lo = 0, hi = bytes.length; // validPrefix(lo) holds; the answer is the first n with !validPrefix(n), minus one.
  if (validPrefix(hi)) {
    return `${path === "-" ? "<stdin>" : path}: invalid UTF-8: the file ends inside a character (byte ${bytes.length})`;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (validPrefix(mid)) lo = mid;
    else hi = mid;
  }
  let line = 1;
  for (let i = 0; i < lo; i++) if (bytes[i] === 0x0a) line++;
  return `${path === "-" ? "<stdin>" : path}:${line}: invalid UTF-8 at byte ${lo} (0x${bytes[lo]!.toString(16).padStart(2, "0")}); ` +
    "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)";
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
