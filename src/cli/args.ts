// Shared command-line plumbing: option parsing with --help, and the error type commands use for bad usage.
import { availableParallelism } from "node:os";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { defaultModelPath } from "../node/shippedModels.js";

/** A usage error: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {}

export interface CommandSpec {
  /** e.g. "qdf predict --model FILE INPUT [--out FILE]" */
  usage: string;
  /** Help text after the usage line: what it does, then the options. */
  help: string;
  options: NonNullable<ParseArgsConfig["options"]>;
}

export type Parsed = { values: Record<string, string | boolean | string[] | boolean[] | undefined>; positionals: string[] };

/** Parses argv for a command; returns null when --help was asked (help already printed). */
export function parseCommand(spec: CommandSpec, argv: string[]): Parsed | null {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`usage: ${spec.usage}\n\n${spec.help.trim()}\n`);
    return null;
  }
  try {
    return parseArgs({ args: joinNegativeValues(spec, argv), options: spec.options, allowPositionals: true, strict: true }) as Parsed;
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: ${spec.usage}`);
  }
}

/**
 * "--lr -1" as "--lr=-1": parseArgs calls a value starting with "-" ambiguous, so a negative number would never
 * reach the option's own range check and message.
 */
function joinNegativeValues(spec: CommandSpec, argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!, next = argv[i + 1];
    const name = a.startsWith("--") && !a.includes("=") ? a.slice(2) : undefined;
    if (name !== undefined && spec.options[name]?.type === "string" && next !== undefined && /^-[0-9.]/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

export { READOUTS } from "../model/readout.js";
/** The input formats the commands accept. */
export const INPUT_FORMATS = ["auto", "qdf", "xyz", "sdf", "smiles", "csv"] as const;

/** Bounds a numeric option must keep: an integer, at least `min` (or above `above`), at most `max`. */
export interface NumberBounds { integer?: boolean; min?: number; above?: number; max?: number }

const DECIMAL_INTEGER = /^[+-]?[0-9]+$/;
const DECIMAL_NUMBER = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

/**
 * A numeric option value (the fallback when absent), checked against its bounds. Decimal only: Number() would take
 * "0x10" as 16, "1e9" as an integer, "Infinity" or "" as numbers.
 */
export function numberOption(values: Parsed["values"], name: string, fallback: number, bounds: NumberBounds = {}): number {
  const v = values[name];
  const { integer = false, min, above, max } = bounds;
  if (v !== undefined) {
    const s = typeof v === "string" ? v.trim() : "";
    const n = Number(s);
    if (!(integer ? DECIMAL_INTEGER : DECIMAL_NUMBER).test(s) || !Number.isFinite(n)) {
      throw new UsageError(`--${name} needs a decimal ${integer ? "integer (e.g. 4)" : "number (e.g. 0.5 or 1e-3)"}, got "${String(v)}"`);
    }
  }
  const n = v === undefined ? fallback : Number((v as string).trim());
  const bad = (integer && !Number.isSafeInteger(n)) || (min !== undefined && n < min) || (above !== undefined && !(n > above)) ||
    (max !== undefined && n > max);
  if (bad) {
    const range = [min !== undefined ? `>= ${min}` : "", above !== undefined ? `> ${above}` : "", max !== undefined ? `<= ${max}` : ""];
    throw new UsageError(`--${name} needs ${integer ? "an integer" : "a number"} ${range.filter(Boolean).join(" and ")}, got ${n}`);
  }
  return n;
}

/** The most workers any command starts: past this, threads only cost memory (10^9 workers took 7.6 GB). */
export function maxWorkers(cores: number): number {
  return Math.max(64, 4 * cores);
}

/** --workers N (0: in the main thread), capped at maxWorkers with a note on stderr. */
export function workersOption(values: Parsed["values"], fallback: number, min = 0): number {
  const cores = availableParallelism();
  const n = numberOption(values, "workers", fallback, { integer: true, min });
  const cap = maxWorkers(cores);
  if (n <= cap) return n;
  process.stderr.write(`note: --workers ${n} capped at ${cap} (the most qdf starts: max(64, 4 x ${cores} cores))\n`);
  return cap;
}

/** A string option that must be one of `choices` (the fallback when absent). */
export function choiceOption<C extends string>(values: Parsed["values"], name: string, choices: readonly C[], fallback: C): C {
  const v = values[name] ?? fallback;
  if (typeof v !== "string" || !(choices as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be ${choices.join(", ").replace(/, ([^,]*)$/, " or $1")}, got "${String(v)}"`);
  }
  return v as C;
}

/** A required string option. */
export function requiredOption(values: Parsed["values"], name: string): string {
  const v = values[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name} is required`);
  return v;
}

/** --model FILE, or the package's default model (models/models.json) when it is not given. */
export function modelOption(values: Parsed["values"]): string {
  const v = values.model;
  if (v === undefined) return defaultModelPath();
  if (typeof v !== "string" || v === "") throw new UsageError("--model needs a model file");
  return v;
}
