// SMILES embedding in a pool of workers (worker_threads or Web Workers): records in, molecules in input order out.
import { MoleculeParseError, type ParseItem } from "../chem/parseError.js";
import type { EmbedOptions } from "../chem/embed.js";
import type { InputItem } from "../chem/parse.js";
import type { EmbedOutcome, EmbedWorkerApi } from "./embedProtocol.js";
import type { SpawnWorker } from "./protocol.js";
import { TaskPool, TaskWorker } from "./taskPool.js";
import { defaultWorkerCount, spawnEmbedWorker } from "./embedSpawn.js";

export interface EmbedPoolOptions extends EmbedOptions {
  /** Number of workers (default: one per core). */
  workers?: number;
  /** Records per message (default 4: one embedding costs ~0.3 s, so small chunks balance the workers). */
  chunkSize?: number;
  spawn?: SpawnWorker;
}

function toItem(o: EmbedOutcome): ParseItem {
  if ("molecule" in o) return o;
  const f = o.failure;
  return { error: new MoleculeParseError(f.file, f.line, f.moleculeId, f.reason) };
}

/** Up to `size` records per chunk, with the molecules and errors between them kept in place. */
function* chunks(items: Iterable<InputItem>, size: number): Generator<InputItem[]> {
  let chunk: InputItem[] = [], records = 0;
  for (const item of items) {
    chunk.push(item);
    if ("record" in item && ++records >= size) { yield chunk; chunk = []; records = 0; }
  }
  if (chunk.length > 0) yield chunk;
}

/** Embeds the records of an input stream in workers; molecules and errors already there pass through in place. */
export class EmbedPool {
  private readonly pool: TaskPool<EmbedWorkerApi, InputItem[], ParseItem[]>;
  private readonly chunkSize: number;

  constructor(options: EmbedPoolOptions = {}) {
    const { workers, chunkSize, spawn = spawnEmbedWorker, ...embed } = options;
    this.chunkSize = Math.max(1, Math.floor(chunkSize ?? 4));
    this.pool = new TaskPool({
      size: Math.max(1, Math.floor(workers ?? defaultWorkerCount())),
      start: () => new TaskWorker<EmbedWorkerApi>(spawn(), "the embedding pool was closed", (api) => api.init(embed)),
      run: async (worker, chunk) => {
        const records = chunk.flatMap((c) => ("record" in c ? [c.record] : []));
        const out = records.length === 0 ? [] : await worker.call((api) => api.embedChunk(records) as Promise<EmbedOutcome[]>);
        let k = 0;
        return chunk.map((c) => ("record" in c ? toItem(out[k++]!) : c));
      },
      failed: (chunk, e) => chunk.map((c) => "record" in c
        ? { error: new MoleculeParseError(c.record.file, c.record.line, c.record.id, `embedding worker failed: ${e.message}`) }
        : c),
    });
  }

  /** Streams the items in input order with every record embedded (a failed record is an error item). */
  async *embedStream(items: Iterable<InputItem>): AsyncGenerator<ParseItem> {
    for await (const chunk of this.pool.stream(chunks(items, this.chunkSize))) yield* chunk;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
