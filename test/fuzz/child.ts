// Fuzz harness child: runs one module's cases in order, announcing each before it starts and its outcome after.
import { pathToFileURL } from "node:url";
import type { FuzzCase, Outcome } from "./harness.js";

/** Errors that mean a bug, not a refused input, whatever their message. */
const BUG = /Cannot read propert|is not a function|is not iterable|of undefined|is undefined|out of bounds|unreachable|Maximum call stack|Invalid array length/;

function nonFinite(v: unknown, seen = new Set<unknown>()): string | null {
  if (typeof v === "number") return Number.isFinite(v) ? null : String(v);
  if (typeof v !== "object" || v === null || seen.has(v)) return null;
  seen.add(v);
  const values = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v instanceof Map ? [...v.values()] : Object.values(v);
  for (const x of values) {
    const bad = nonFinite(x, seen);
    if (bad) return bad;
  }
  return null;
}

const say = (msg: unknown) => process.stdout.write(`${JSON.stringify(msg)}\n`);
const mod = await import(pathToFileURL(process.argv[2]!).href) as { fuzzCases(): FuzzCase[] | Promise<FuzzCase[]> };
const cases = await mod.fuzzCases();
for (const [i, c] of cases.entries()) {
  say({ start: i });
  let outcome: Outcome;
  try {
    const v = await c.run();
    const bad = nonFinite(v);
    outcome = { i, name: c.name, kind: bad ? "bad" : "value", detail: bad ? `a non-finite number (${bad}) in the result` : "" };
  } catch (e) {
    const err = e as Error;
    const clear = err instanceof Error && !(err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError) &&
      err.message.length > 0 && !BUG.test(err.message);
    outcome = { i, name: c.name, kind: clear ? "error" : "bad", detail: clear ? `${err.name}: ${err.message.slice(0, 200)}` : String(err?.stack ?? err) };
  }
  say({ outcome });
}
say({ maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) });
