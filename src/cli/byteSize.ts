// Byte sizes on the command line: "2G", "512M", "1.5GiB", "65536" (binary units: K = 1024 bytes).
import { UsageError } from "./args.js";

const UNITS: Record<string, number> = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** A positive size in bytes from decimal digits and an optional unit K, M, G or T (then B or iB optional). */
export function parseByteSize(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  const bytes = m ? Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!) : NaN;
  if (!m || !(bytes >= 1) || !Number.isFinite(bytes)) {
    throw new UsageError(`--${option} needs a size such as 2G, 512M or 65536 (bytes; K, M, G, T are powers of 1024), got "${text}"`);
  }
  return bytes;
}
