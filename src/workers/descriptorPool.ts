// Quantum deep descriptors in a pool of prediction workers (worker_threads or Web Workers): results in input order.
import { transfer } from "comlink/dist/esm/comlink.mjs";
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";
import { moleculeResult, whereText } from "../predict/result.js";
import type { DescriptorResult } from "../predict/descriptor.js";
import type { MemoryBudget } from "../model/memoryBudget.js";
import { assemble, chunked, type Chunk } from "./chunks.js";
import type { PredictWorkerApi, SpawnWorker } from "./protocol.js";
import { TaskPool, TaskWorker } from "./taskPool.js";
import { defaultTfjsWasmPath, defaultWorkerCount, spawnWorker } from "./spawn.js";

export interface DescriptorPoolOptions {
  /** Number of workers (default: one per core). */
  workers?: number;
  /** Molecules per message (default 16). */
  chunkSize?: number;
  /** Browser only: folder URL of tfjs-backend-wasm's .wasm files. */
  tfjsWasmPath?: string;
  spawn?: SpawnWorker;
  /** Each worker's memory limit per molecule and chunk size (memoryBudget.ts defaults). */
  budget?: MemoryBudget;
}

function failed(m: Molecule, e: Error): DescriptorResult {
  const r: DescriptorResult = moleculeResult(m);
  r.error = `${whereText(m)}molecule ${m.id}: worker failed: ${e.message}`;
  return r;
}

/** The same results as descriptorStream in this thread, for any number of workers. */
export class DescriptorPool {
  private readonly pool: TaskPool<PredictWorkerApi, Chunk, DescriptorResult[]>;
  private readonly chunkSize: number;

  constructor(modelBytes: Uint8Array, options: DescriptorPoolOptions = {}) {
    const spawn = options.spawn ?? spawnWorker, wasmPath = options.tfjsWasmPath ?? defaultTfjsWasmPath;
    const budget = options.budget ?? {};
    this.chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 16));
    this.pool = new TaskPool({
      size: Math.max(1, Math.floor(options.workers ?? defaultWorkerCount())),
      start: () => new TaskWorker<PredictWorkerApi>(spawn(), "the descriptor pool was closed", (api) => {
        const copy = new Uint8Array(modelBytes); // each worker owns its copy
        return api.init(transfer(copy, [copy.buffer]), wasmPath).then(() => {});
      }),
      run: async (worker, chunk) => assemble(chunk, chunk.molecules.length === 0 ? [] :
        await worker.call((api) => api.describeChunk(chunk.molecules, budget) as Promise<DescriptorResult[]>)),
      failed: (chunk, e) => assemble(chunk, chunk.molecules.map((m) => failed(m, e))),
    });
  }

  async *describeStream(items: Iterable<Molecule | ParseItem>): AsyncGenerator<DescriptorResult> {
    for await (const results of this.pool.stream(chunked(items, this.chunkSize))) yield* results;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
