// The parse error a molecule parser reports, and the parser's output item (a molecule or an error).
import type { Molecule } from "./molecule.js";
import { escapeControls } from "./lineReader.js";

/** One bad spot in an input file: where it is, which molecule, and what is wrong. */
export class MoleculeParseError extends Error {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** The molecule's id, or undefined when the id itself could not be determined. */
  readonly moleculeId: string | undefined;
  readonly reason: string;

  constructor(file: string, line: number, moleculeId: string | undefined, reason: string) {
    // The id as messages and tables show it: control characters escaped (such ids are refused; see idProblem).
    const shown = moleculeId === undefined ? undefined : escapeControls(moleculeId);
    super(`${file}:${line}: molecule ${shown ?? "(unknown id)"}: ${reason}`);
    this.name = "MoleculeParseError";
    this.file = file;
    this.line = line;
    this.moleculeId = shown;
    this.reason = reason;
  }
}

/**
 * A molecule the parser could not read: every bad spot in it, and where it starts. Parsers whose failures are a
 * single line (SMILES, CSV rows, embedding) may give only `error`: then `errors` is [error] and the start its line.
 */
export interface ParseFailure {
  /** The first error (errors[0]). */
  error: MoleculeParseError;
  /** All of this molecule's errors, in line order (one molecule with three bad lines is one failure). */
  errors?: MoleculeParseError[];
  /** 1-based line where the molecule starts (QDF id line, xyz count line). */
  line?: number;
}

/** Every error of a failed molecule. */
export function failureErrors(f: ParseFailure): MoleculeParseError[] {
  return f.errors ?? [f.error];
}

/** One parser output per input molecule, in input order: the molecule, or why it could not be read. */
export type ParseItem = { molecule: Molecule } | ParseFailure;

/** The parser item for a molecule with errors (at least one). */
export function parseFailure(errors: MoleculeParseError[], line: number): Required<ParseFailure> {
  return { error: errors[0]!, errors, line };
}
