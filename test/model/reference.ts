// Test helper: the published pretrained model and the reference intermediates from ../shared/reference.
import { readFileSync } from "node:fs";
import { loadModel } from "../../src/api/predict.js";
import type { QdfModel } from "../../src/model/qdf.js";
import { sharedPath } from "../shared.js";

export const PRETRAINED = sharedPath("reference", "pretrained_under14.safetensors");

let model: Promise<QdfModel> | null = null;

/** The pretrained under-14 model (loaded once per test file). */
export function pretrainedModel(): Promise<QdfModel> {
  model ??= loadModel(readFileSync(PRETRAINED));
  return model;
}

export interface ReferenceIntermediates {
  id: string;
  n_atoms: number;
  n_field: number;
  orbital_indices: number[];
  quantum_numbers: number[];
  n_electrons: number;
  field_first5: number[][];
  distance_first5: number[][];
  basis_first5: number[][];
  mo_first2: number[][];
  mo_sq_sum: number;
  density: number[];
  potential_V: number[];
  potential_pred_first10: number[];
  functional_out_first10: number[];
  E_pred: number[];
  E_true: number[];
}

export function referenceIntermediates(): ReferenceIntermediates[] {
  return JSON.parse(readFileSync(sharedPath("reference", "pretrained_under14_intermediates_under7test.json"), "utf8"));
}

/** Asserts |a - e| <= max(rel * |e|, abs) elementwise; returns the worst relative error seen. */
export function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string,
                        rel = 1e-4, abs = 1e-5): number {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    const err = Math.abs(a - e);
    if (!(err <= Math.max(rel * Math.abs(e), abs))) throw new Error(`${what}[${i}]: ${a} vs reference ${e}`);
    if (Math.abs(e) > abs) worst = Math.max(worst, err / Math.abs(e));
  }
  return worst;
}
