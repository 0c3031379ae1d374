// Library API for prediction: in this thread (predict/predictor.ts) or in a pool of workers, results in input order.
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";
import { PredictPool, type PoolOptions } from "../workers/pool.js";
import type { PredictionResult } from "../predict/result.js";
import { ensembleMismatch, tee, zipEnsemble } from "../predict/ensemble.js";

export { PredictPool, type PoolOptions } from "../workers/pool.js";
export { loadAnyModel, loadModel, predict, predictMolecule, predictStream, type AnyModel, type PredictOptions } from "../predict/predictor.js";
export { meanAbsoluteError, type PredictionResult } from "../predict/result.js";
export { combineEnsemble, predictEnsemble, predictEnsembleStream } from "../predict/ensemble.js";

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

/**
 * Ensemble prediction in workers: one pool per model (each with `options.workers` workers), the molecules read once,
 * each result the models' mean and sample standard deviation (predict/ensemble.ts). Same results as
 * predictEnsembleStream, for any number of workers.
 */
export async function* predictEnsembleInWorkers(modelBytes: Uint8Array[], items: Iterable<Molecule | ParseItem>,
                                                options: PoolOptions = {}): AsyncGenerator<PredictionResult> {
  const pools: PredictPool[] = [];
  try {
    for (const bytes of modelBytes) pools.push(await PredictPool.create(bytes, options));
    const mismatch = ensembleMismatch(pools.map((p) => p.config));
    if (mismatch) throw new Error(mismatch);
    const branches = tee(items, pools.length);
    yield* zipEnsemble(pools.map((pool, i) => pool.predictStream(branches[i]!)));
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}
