// SMILES embedding in a pool of workers (worker_threads or Web Workers): records in, molecules in input order out.
import { MoleculeParseError, type ParseItem } from "../chem/parseError.js";
import type { EmbedOptions } from "../chem/embed.js";
import type { InputItem } from "../chem/parse.js";
import type { SmilesRecord } from "../chem/smiles.js";
import type { EmbedOutcome, EmbedWorkerApi } from "./embedProtocol.js";
import type { SpawnWorker } from "./protocol.js";
import { RemoteWorker } from "./remoteWorker.js";
import { defaultWorkerCount, spawnEmbedWorker } from "./embedSpawn.js";

export interface EmbedPoolOptions extends EmbedOptions {
  /** Number of workers (default: one per core). */
  workers?: number;
  /** Records per message (default 4: one embedding costs ~0.3 s, so small chunks balance the workers). */
  chunkSize?: number;
  spawn?: SpawnWorker;
}

const CLOSED = "the embedding pool was closed";

class EmbedSlot extends RemoteWorker<EmbedWorkerApi> {
  readonly ready: Promise<void>;
  inFlight = 0;
  constructor(spawn: SpawnWorker, options: EmbedOptions) {
    super(spawn(), CLOSED);
    this.ready = this.guard(this.api.init(options));
    this.ready.catch(() => { /* surfaced by the calls that await it */ });
  }
  async embed(records: SmilesRecord[]): Promise<EmbedOutcome[]> {
    await this.ready;
    return this.guard(this.api.embedChunk(records) as Promise<EmbedOutcome[]>);
  }
}

function toItem(o: EmbedOutcome): ParseItem {
  if ("molecule" in o) return o;
  const f = o.failure;
  return { error: new MoleculeParseError(f.file, f.line, f.moleculeId, f.reason) };
}

/** Embeds the records of an input stream in workers; molecules and errors already there pass through in place. */
export class EmbedPool {
  readonly size: number;
  private readonly slots: EmbedSlot[] = [];
  private readonly chunkSize: number;
  private readonly spawn: SpawnWorker;
  private readonly embedOptions: EmbedOptions;
  private closed = false;

  constructor(options: EmbedPoolOptions = {}) {
    const { workers, chunkSize, spawn, ...embed } = options;
    this.size = Math.max(1, Math.floor(workers ?? defaultWorkerCount()));
    this.chunkSize = Math.max(1, Math.floor(chunkSize ?? 4));
    this.spawn = spawn ?? spawnEmbedWorker;
    this.embedOptions = embed;
  }

  private pick(): EmbedSlot | null {
    this.slots.forEach((s, i) => { if (s.dead && s.inFlight === 0 && !this.closed) this.slots[i] = new EmbedSlot(this.spawn, this.embedOptions); });
    const idle = this.slots.find((s) => !s.dead && s.inFlight === 0);
    if (idle) return idle;
    if (this.slots.length < this.size) {
      const s = new EmbedSlot(this.spawn, this.embedOptions);
      this.slots.push(s);
      return s;
    }
    const busy = this.slots.find((s) => !s.dead && s.inFlight < 2);
    return busy ?? null;
  }

  /** Streams the items in input order with every record embedded (a failed record is an error item). */
  async *embedStream(items: Iterable<InputItem>): AsyncGenerator<ParseItem> {
    const source = items[Symbol.iterator]();
    const done = new Map<number, ParseItem[]>();
    let sent = 0, yielded = 0, exhausted = false;
    let wake: () => void = () => {};
    while (true) {
      while (!exhausted && sent - yielded < this.size * 4) {
        const slot = this.pick();
        if (!slot) break;
        // A chunk: up to chunkSize records, with the molecules and errors between them kept in place.
        const chunk: InputItem[] = [];
        let records = 0;
        while (records < this.chunkSize) {
          const next = source.next();
          if (next.done) { exhausted = true; break; }
          chunk.push(next.value);
          if ("record" in next.value) records++;
        }
        if (chunk.length === 0) break;
        const seq = sent++;
        const recs = chunk.flatMap((c) => ("record" in c ? [c.record] : []));
        slot.inFlight++;
        void (recs.length === 0 ? Promise.resolve([]) : slot.embed(recs))
          .then((out) => out.map(toItem), (e: Error) => recs.map((r) => ({ error: new MoleculeParseError(r.file, r.line, r.id, `embedding worker failed: ${e.message}`) })))
          .then((embedded) => {
            slot.inFlight--;
            let k = 0;
            done.set(seq, chunk.map((c) => ("record" in c ? embedded[k++]! : c)));
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

  /** Terminates the workers; safe to call again. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.close()));
    this.slots.length = 0;
  }
}
