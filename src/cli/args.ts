// Shared command-line plumbing: option parsing with --help, and the error type commands use for bad usage.
import { parseArgs, type ParseArgsConfig } from "node:util";

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

/** A numeric option value, checked. */
export function numberOption(values: Parsed["values"], name: string, fallback: number): number {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} needs a number, got "${String(v)}"`);
  return n;
}

/** A required string option. */
export function requiredOption(values: Parsed["values"], name: string): string {
  const v = values[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name} is required`);
  return v;
}
