// One molecule's prediction result, the record every prediction path (in-thread, workers, training) produces.
import type { Molecule } from "../chem/molecule.js";
import { failureErrors, type ParseFailure, type ParseItem } from "../chem/parseError.js";
import { hillFormula } from "../chem/formula.js";

export interface PredictionResult {
  id: string;
  /** Atoms in the molecule; 0 when it could not be parsed. */
  nAtoms: number;
  /** K predicted values (an ensemble's mean); absent when the molecule failed. */
  predicted?: number[];
  /** The input's property values, when it had them. */
  true?: number[];
  /** Why this molecule has no prediction (bad input, an element the model never saw, a --strict warning). */
  error?: string;
  /** The input file, as the parser was told (set by every prediction path; absent in training's evaluation). */
  file?: string;
  /** 1-based line where the molecule starts in `file` (QDF id line, xyz count line). */
  line?: number;
  /** Hill-order formula ("CH4"); "" when the molecule could not be parsed. */
  formula?: string;
  /** Applicability warnings (src/chem/applicability.ts): the molecule is outside what the model was trained on. */
  warnings?: string[];
  /** Ensembles: the sample standard deviation (n - 1) of the models' predictions, per output. */
  std?: number[];
  /** Ensembles: each model's K predictions, in the order the models were given. */
  members?: number[][];
}

/** The molecule of an input (a molecule, or a parser item holding one). */
export function itemMolecule(item: Molecule | Exclude<ParseItem, ParseFailure>): Molecule {
  return "molecule" in item ? item.molecule : item;
}

/** Where a molecule is, for messages: "in.txt:12: " (nothing for a molecule built in code). */
export function whereText(m: { file?: string; line?: number }): string {
  return m.file === undefined ? "" : `${m.file}${m.line === undefined ? "" : `:${m.line}`}: `;
}

/** A result with the molecule's identity (id, file, line, atoms, formula, true values) and nothing predicted yet. */
export function moleculeResult(m: Molecule): PredictionResult {
  const r: PredictionResult = { id: m.id, nAtoms: m.atomicNumbers.length, formula: hillFormula(m.atomicNumbers), warnings: [] };
  if (m.file !== undefined) r.file = m.file;
  if (m.line !== undefined) r.line = m.line;
  if (m.properties) r.true = m.properties;
  return r;
}

/** The result a molecule that failed to parse stands for, wherever the molecules are predicted: one per molecule. */
export function parseErrorResult(item: ParseFailure): PredictionResult {
  return {
    id: item.error.moleculeId ?? "",
    nAtoms: 0,
    error: failureErrors(item).map((e) => e.message).join("; "),
    file: item.error.file,
    line: item.line ?? item.error.line,
    formula: "",
    warnings: [],
  };
}

/** Mean absolute error over every output of the results that have both a prediction and true values. */
export function meanAbsoluteError(results: Iterable<PredictionResult>): number {
  let sum = 0, n = 0;
  for (const r of results) {
    if (!r.predicted || !r.true) continue;
    r.predicted.forEach((p, k) => { sum += Math.abs(p - r.true![k]!); n++; });
  }
  return n === 0 ? NaN : sum / n;
}
