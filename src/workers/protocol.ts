// What crosses the thread boundary: the worker's Comlink API and the platform's worker handle.
import type { Molecule } from "../chem/molecule.js";
import type { PredictionResult } from "../predict/result.js";
import type { PredictOptions } from "../predict/predictor.js";
import type { DescriptorResult } from "../predict/descriptor.js";
import type { MemoryBudget } from "../model/memoryBudget.js";
import type { EngineChoice } from "../model/denseEngine.js";

/** The dense engine a worker runs its model in: the choice, and a native session's intra-op threads. */
export interface WorkerEngine {
  choice: EngineChoice;
  threads: number;
}

/** The API a prediction worker exposes over Comlink (all arguments structured-cloneable plain data). */
export interface PredictWorkerApi {
  /**
   * Starts the backend, selects the dense engine (default wasm) and loads the model from safetensors bytes; resolves
   * to the engine's description when the worker can predict.
   */
  init(modelBytes: Uint8Array, tfjsWasmPath?: string, engine?: WorkerEngine): Promise<string>;
  /** One result per molecule, in order; per-molecule failures are results with `error`, never a throw. */
  predictChunk(molecules: Molecule[], options?: PredictOptions): PredictionResult[];
  /** One quantum deep descriptor per molecule (a QDF model only), failures as results with `error`. */
  describeChunk(molecules: Molecule[], budget?: MemoryBudget): DescriptorResult[];
}

/** A started worker as the pool sees it, whatever the platform (worker_threads or Web Worker). */
export interface WorkerHandle {
  /** The Comlink endpoint (a MessagePort-like object). */
  endpoint: unknown;
  /** Called once when the worker dies by itself (crash, uncaught error, exit), with why. */
  onDeath(callback: (reason: string) => void): void;
  /** Stops the worker; resolves when it is gone. */
  terminate(): Promise<void>;
}

/** Starts one worker (the prediction pool's, or the training pool's). */
export type SpawnWorker = () => WorkerHandle;
