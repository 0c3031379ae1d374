// A pool of prediction workers over Comlink (worker_threads in Node, Web Workers in browsers): chunks in, ordered results out.
import { transfer } from "comlink/dist/esm/comlink.mjs";
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";
import { moleculeResult, whereText, type PredictionResult } from "../predict/result.js";
import { modelSummary, type PredictOptions } from "../predict/predictor.js";
import { assemble, chunked } from "./chunks.js";
import type { EngineChoice } from "../model/denseEngine.js";
import type { PredictWorkerApi, SpawnWorker, WorkerEngine, WorkerHandle } from "./protocol.js";
import { RemoteWorker } from "./remoteWorker.js";
import { defaultTfjsWasmPath, defaultWorkerCount, spawnWorker } from "./spawn.js";

export interface PoolOptions extends PredictOptions {
  /** Number of workers (default: one per core). Workers start lazily, as the input needs them. */
  workers?: number;
  /** Molecules per message (default 16): large enough to amortise messaging, small enough to balance. */
  chunkSize?: number;
  /** Chunks queued per worker (default 2), so a worker never waits for the next message. */
  inFlightPerWorker?: number;
  /** Browser only: folder URL of tfjs-backend-wasm's .wasm files (default: beside the bundle). */
  tfjsWasmPath?: string;
  /** Starts a worker (default: the platform's); tests use it to inject failing workers. */
  spawn?: SpawnWorker;
  /**
   * The dense engine in each worker (default wasm): native gives every worker its own native session
   * (Node only: a browser worker refuses it); auto, native where it is installed.
   */
  engine?: EngineChoice;
  /** Intra-op threads of each worker's native session (default 1: the workers are the parallelism). */
  threads?: number;
}

const CLOSED = "the pool was closed";

/** The result for a molecule no worker could predict. */
function failed(m: Molecule, e: unknown): PredictionResult {
  const r = moleculeResult(m);
  r.error = `${whereText(m)}molecule ${m.id}: worker failed: ${(e as Error).message}`;
  return r;
}

/** One prediction worker: its in-flight count and the model loaded once at start. */
class Slot extends RemoteWorker<PredictWorkerApi> {
  /** Resolves to the worker's engine description once it can predict. */
  readonly ready: Promise<string>;
  inFlight = 0;

  constructor(handle: WorkerHandle, modelBytes: Uint8Array, wasmPath: string | undefined,
              private readonly options: PredictOptions, engine: WorkerEngine) {
    super(handle, CLOSED);
    const copy = new Uint8Array(modelBytes); // a copy, transferred: each worker owns its own (Buffer.slice would share)
    this.ready = this.guard(this.api.init(transfer(copy, [copy.buffer]), wasmPath, engine));
    this.ready.catch(() => { /* surfaced by the calls that await it */ });
  }

  async predict(molecules: Molecule[]): Promise<PredictionResult[]> {
    await this.ready;
    return this.guard(this.api.predictChunk(molecules, this.options) as Promise<PredictionResult[]>);
  }
}

/** Prediction in workers: one model copy and wasm instance set per worker; results in input order. */
export class PredictPool {
  readonly config: { outputs: number; property: string };
  readonly size: number;
  /** What runs the dense layers in the workers (the first worker's engine description), e.g. for a bench. */
  engine = "";
  private readonly slots: Slot[] = [];
  private readonly chunkSize: number;
  private readonly perWorker: number;
  private readonly spawn: SpawnWorker;
  private readonly wasmPath: string | undefined;
  private readonly predictOptions: PredictOptions;
  private readonly workerEngine: WorkerEngine;
  private closed = false;
  /** A worker used only for retries, so that one failing molecule cannot take others down with it. */
  private quarantine: Slot | null = null;
  private quarantineQueue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly modelBytes: Uint8Array, options: PoolOptions) {
    // Validated here, so a bad model file throws once instead of failing in every worker.
    this.config = modelSummary(modelBytes);
    this.size = Math.max(1, Math.floor(options.workers ?? defaultWorkerCount()));
    this.chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 16));
    this.perWorker = Math.max(1, Math.floor(options.inFlightPerWorker ?? 2));
    this.spawn = options.spawn ?? spawnWorker;
    this.wasmPath = options.tfjsWasmPath ?? defaultTfjsWasmPath;
    this.workerEngine = { choice: options.engine ?? "wasm", threads: Math.max(1, Math.floor(options.threads ?? 1)) };
    // Only the prediction options cross to the workers (spawn, a function, could not be cloned).
    this.predictOptions = { strict: options.strict ?? false };
    if (options.modelName !== undefined) this.predictOptions.modelName = options.modelName;
    if (options.maxMemory !== undefined) this.predictOptions.maxMemory = options.maxMemory;
    if (options.chunkBytes !== undefined) this.predictOptions.chunkBytes = options.chunkBytes;
  }

  /** Starts the pool with its first worker ready (so setup errors throw here); the others start as needed. */
  static async create(modelBytes: Uint8Array, options: PoolOptions = {}): Promise<PredictPool> {
    const pool = new PredictPool(new Uint8Array(modelBytes), options);
    try {
      pool.engine = await pool.addSlot().ready;
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private addSlot(index = this.slots.length): Slot {
    void this.slots[index]?.close(); // a dead worker being replaced: release its proxy too
    const slot = new Slot(this.spawn(), this.modelBytes, this.wasmPath, this.predictOptions, this.workerEngine);
    this.slots[index] = slot;
    return slot;
  }

  /** The least busy live worker with room, starting another (or replacing a dead one) when that helps. */
  private pick(): Slot | null {
    this.slots.forEach((s, i) => { if (s.dead && s.inFlight === 0 && !this.closed) this.addSlot(i); });
    const live = this.slots.filter((s) => !s.dead);
    const idle = live.find((s) => s.inFlight === 0);
    if (idle) return idle;
    if (this.slots.length < this.size) return this.addSlot();
    const best = live.reduce<Slot | null>((a, s) => (!a || s.inFlight < a.inFlight ? s : a), null);
    return best && best.inFlight < this.perWorker ? best : null;
  }

  /**
   * Predicts one molecule alone in the quarantine worker, one at a time, so a failure there is this molecule's own:
   * it gets an error with its id, and a dead quarantine worker is replaced for the next one.
   */
  private isolate(m: Molecule): Promise<PredictionResult> {
    const next = this.quarantineQueue.then(async () => {
      if (this.closed) return failed(m, new Error(CLOSED));
      if (!this.quarantine || this.quarantine.dead) {
        void this.quarantine?.close();
        this.quarantine = new Slot(this.spawn(), this.modelBytes, this.wasmPath, this.predictOptions, this.workerEngine);
      }
      try {
        return (await this.quarantine.predict([m]))[0]!;
      } catch (e) {
        return failed(m, e);
      }
    });
    this.quarantineQueue = next;
    return next;
  }

  /**
   * Runs a chunk; if the worker throws or dies, its molecules are retried one by one in quarantine, so only the
   * molecule that fails again gets an error (with its id) and every other molecule still gets its prediction.
   */
  private async run(slot: Slot, molecules: Molecule[]): Promise<PredictionResult[]> {
    slot.inFlight++;
    try {
      return await slot.predict(molecules);
    } catch {
      // fall through to isolation below
    } finally {
      slot.inFlight--;
    }
    return Promise.all(molecules.map((m) => this.isolate(m)));
  }

  /** Streams results in input order; parse errors become error results, as in the in-process predictStream. */
  async *predictStream(items: Iterable<Molecule | ParseItem>): AsyncGenerator<PredictionResult> {
    if (this.closed) throw new Error("the pool is closed");
    const input = chunked(items, this.chunkSize);
    const done = new Map<number, PredictionResult[]>();
    let sent = 0, yielded = 0, exhausted = false;
    let wake: () => void = () => {};
    const maxAhead = this.size * this.perWorker * 2; // bounds the reorder buffer
    while (true) {
      while (!exhausted && sent - yielded < maxAhead) {
        const slot = this.closed ? null : this.pick();
        if (!slot && !this.closed) break;
        const next = input.next();
        if (next.done) { exhausted = true; break; }
        const seq = sent++, chunk = next.value;
        if (!slot || chunk.molecules.length === 0) { // closed mid-stream: the rest fail, the stream still ends
          done.set(seq, assemble(chunk, chunk.molecules.map((m) => failed(m, new Error(CLOSED)))));
          continue;
        }
        void this.run(slot, chunk.molecules)
          .catch((e) => chunk.molecules.map((m) => failed(m, e))) // e.g. a worker could not even be started
          .then((results) => {
            done.set(seq, assemble(chunk, results));
            wake();
          });
      }
      const ready = done.get(yielded);
      if (ready) {
        done.delete(yielded++);
        yield* ready;
        continue;
      }
      if (exhausted && yielded === sent) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }

  /** Every result, in input order. */
  async predict(items: Iterable<Molecule | ParseItem>): Promise<PredictionResult[]> {
    const out: PredictionResult[] = [];
    for await (const r of this.predictStream(items)) out.push(r);
    return out;
  }

  private closing: Promise<void> | null = null;

  /** Terminates every worker and releases the proxies; the process can then exit by itself. Safe to call again. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= Promise.all([...this.slots, ...(this.quarantine ? [this.quarantine] : [])].map((s) => s.close()))
      .then(() => {
        this.slots.length = 0;
        this.quarantine = null;
      });
    return this.closing;
  }
}
