// A transfer head file: ridge regression on a base model's descriptor, with what it was fitted on and how well it did.
import type { CvResult, RidgeModel } from "./ridge.js";
import { predictRow } from "./ridge.js";

export const HEAD_FORMAT = "qdf-transfer-head";

export interface TransferHead {
  format: typeof HEAD_FORMAT;
  version: 1;
  /** The base model the descriptor comes from: its file name and SHA-256 of its bytes (hex). */
  model: { file: string; sha256: string };
  /** The descriptor's column names (descriptorNames of the base model), checked at prediction. */
  features: string[];
  target: string;
  units: string;
  /** The data it was fitted on, rows used, and the rows skipped (with why). */
  data: { file: string; rows: number; skipped: { id: string; line?: number; reason: string }[] };
  /** k-fold cross-validated scores (pooled out-of-fold, and per fold) of the same fitting procedure. */
  cv: { k: number; seed: number; pooled: CvResult["pooled"]; folds: CvResult["folds"] };
  /** The ridge fitted on every row: standardisation, weights, intercept, penalty. */
  ridge: RidgeModel;
}

export class HeadFileError extends Error {}

/** The head as JSON text (one file, readable). */
export function formatHead(head: TransferHead): string {
  return JSON.stringify(head, null, 1) + "\n";
}

/** Parses and checks a head file's text (`file` names it in errors). */
export function parseHead(text: string, file = "<head>"): TransferHead {
  let h: TransferHead;
  try {
    h = JSON.parse(text) as TransferHead;
  } catch (e) {
    throw new HeadFileError(`${file}: not JSON (${(e as Error).message})`);
  }
  if (h?.format !== HEAD_FORMAT || h.version !== 1) throw new HeadFileError(`${file}: not a ${HEAD_FORMAT} version 1 file`);
  const p = h.features?.length;
  const r = h.ridge;
  if (!p || !r || [r.mean, r.scale, r.weights].some((a) => !Array.isArray(a) || a.length !== p) || !Number.isFinite(r.intercept)) {
    throw new HeadFileError(`${file}: the ridge's mean, scale and weights must each have one value per feature (${p})`);
  }
  if (typeof h.model?.sha256 !== "string") throw new HeadFileError(`${file}: no base model hash`);
  return h;
}

/** The head's prediction for one descriptor (in the head's feature order). */
export function applyHead(head: TransferHead, descriptor: ArrayLike<number>): number {
  if (descriptor.length !== head.features.length) {
    throw new HeadFileError(`descriptor has ${descriptor.length} values, the head expects ${head.features.length}`);
  }
  return predictRow(head.ridge, descriptor);
}
