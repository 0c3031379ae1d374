// Shared command-line plumbing: option parsing with --help, and the error type commands use for bad usage.
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
    return parseArgs({ args: argv, options: spec.options, allowPositionals: true, strict: true }) as Parsed;
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: ${spec.usage}`);
  }
}

export { READOUTS } from "../model/readout.js";
/** The input formats the commands accept. */
export const INPUT_FORMATS = ["auto", "qdf", "xyz", "sdf", "smiles", "csv"] as const;

/** Bounds a numeric option must keep: an integer, at least `min`, or above `above`. */
export interface NumberBounds { integer?: boolean; min?: number; above?: number }

/** A numeric option value (the fallback when absent), checked against its bounds. */
export function numberOption(values: Parsed["values"], name: string, fallback: number, bounds: NumberBounds = {}): number {
  const v = values[name];
  const n = v === undefined ? fallback : Number(v);
  if (v !== undefined && (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n))) {
    throw new UsageError(`--${name} needs a number, got "${String(v)}"`);
  }
  const { integer = false, min, above } = bounds;
  const bad = (integer && !Number.isInteger(n)) || (min !== undefined && n < min) || (above !== undefined && !(n > above));
  if (bad) {
    const want = [integer ? "an integer" : "a number", min !== undefined ? `>= ${min}` : "", above !== undefined ? `> ${above}` : ""];
    throw new UsageError(`--${name} needs ${want.filter(Boolean).join(" ")}, got ${n}`);
  }
  return n;
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
