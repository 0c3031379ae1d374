// Library API for prediction: load a model, stream molecules through it, get one result per molecule in order.
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";
import { readModelFile } from "../model/modelFile.js";
import { initBackend } from "../model/backend.js";
import { featurize } from "../model/features.js";
import { QdfModel } from "../model/qdf.js";
import { PredictPool, type PoolOptions } from "../workers/pool.js";
import { itemMolecule, parseErrorResult } from "../workers/chunks.js";

export { PredictPool, type PoolOptions } from "../workers/pool.js";

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

/** Reads a model file (safetensors bytes) and prepares it for prediction and training. */
export async function loadModel(bytes: Uint8Array): Promise<QdfModel> {
  const data = readModelFile(bytes);
  await initBackend();
  return new QdfModel(data);
}

/** Predicts one molecule; an unseen element or other per-molecule failure becomes `error`, never a throw. */
export function predictMolecule(model: QdfModel, m: Molecule): PredictionResult {
  const result: PredictionResult = { id: m.id, nAtoms: m.atomicNumbers.length };
  if (m.properties) result.true = m.properties;
  try {
    if (m.properties && m.properties.length !== model.config.outputs) {
      throw new Error(`molecule ${m.id} has ${m.properties.length} property values, the model predicts ${model.config.outputs}`);
    }
    result.predicted = Array.from(model.predict([featurize(m, model.ctx)]));
  } catch (e) {
    result.error = (e as Error).message;
  }
  return result;
}

/**
 * Streams results in input order for molecules or parser items (a parse error becomes an error result, so one bad
 * molecule never stops the others). Nothing is kept between molecules, so memory stays flat on any input size.
 */
export function* predictStream(model: QdfModel, items: Iterable<Molecule | ParseItem>): Generator<PredictionResult> {
  for (const item of items) {
    yield "error" in item ? parseErrorResult(item) : predictMolecule(model, itemMolecule(item));
  }
}

/** Predicts every molecule; results in input order. */
export function predict(model: QdfModel, molecules: Iterable<Molecule | ParseItem>): PredictionResult[] {
  return [...predictStream(model, molecules)];
}

/**
 * Like predictStream, in a pool of workers (worker_threads in Node, Web Workers in browsers; `workers` defaults to
 * one per core) started from the model file's bytes and closed at the end. Same results, same order.
 */
export async function* predictInWorkers(modelBytes: Uint8Array, items: Iterable<Molecule | ParseItem>,
                                        options: PoolOptions = {}): AsyncGenerator<PredictionResult> {
  const pool = await PredictPool.create(modelBytes, options);
  try {
    yield* pool.predictStream(items);
  } finally {
    await pool.close();
  }
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
