// The parse error a molecule parser reports, and the parser's output item (a molecule or an error).
import type { Molecule } from "./molecule.js";

/** One bad spot in an input file: where it is, which molecule, and what is wrong. */
export class MoleculeParseError extends Error {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /** The molecule's id, or undefined when the id itself could not be determined. */
  readonly moleculeId: string | undefined;
  readonly reason: string;

  constructor(file: string, line: number, moleculeId: string | undefined, reason: string) {
    super(`${file}:${line}: molecule ${moleculeId ?? "(unknown id)"}: ${reason}`);
    this.name = "MoleculeParseError";
    this.file = file;
    this.line = line;
    this.moleculeId = moleculeId;
    this.reason = reason;
  }
}

/** One parser output, in input order: a molecule or an error (the parser goes on after errors). */
export type ParseItem = { molecule: Molecule } | { error: MoleculeParseError };
