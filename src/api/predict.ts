// Library API for prediction: in this thread (predict/predictor.ts) or in a pool of workers, results in input order.
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";
import { PredictPool, type PoolOptions } from "../workers/pool.js";
import type { PredictionResult } from "../predict/result.js";

export { PredictPool, type PoolOptions } from "../workers/pool.js";
export { loadAnyModel, loadModel, predict, predictMolecule, predictStream, type AnyModel } from "../predict/predictor.js";
export { meanAbsoluteError, type PredictionResult } from "../predict/result.js";

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
