// One molecule's prediction result, the record every prediction path (in-thread, workers, training) produces.
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";

export interface PredictionResult {
  id: string;
  nAtoms: number;
  /** K predicted values; absent when the molecule failed. */
  predicted?: number[];
  /** The input's property values, when it had them. */
  true?: number[];
  /** Why this molecule has no prediction (bad input, an element the model never saw). */
  error?: string;
}

/** The molecule of an input (a molecule, or a parser item holding one). */
export function itemMolecule(item: Molecule | Exclude<ParseItem, { error: unknown }>): Molecule {
  return "molecule" in item ? item.molecule : item;
}

/** The result a parse error stands for, wherever the molecules are predicted. */
export function parseErrorResult(item: Extract<ParseItem, { error: unknown }>): PredictionResult {
  return { id: item.error.moleculeId ?? `line ${item.error.line}`, nAtoms: 0, error: item.error.message };
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
