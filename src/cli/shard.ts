// `--shard K/N` for library-scale prediction: which input positions a run predicts, and skipping those already done.
import { UsageError } from "./args.js";

/** Shard K of N: the molecules at input positions K, K + N, K + 2N, ... (0-based, over all INPUTs in order). */
export interface Shard {
  k: number;
  n: number;
}

export const WHOLE_INPUT: Shard = { k: 0, n: 1 };

/** Parses "K/N" (0 <= K < N), as a job array's task id over its task count gives it. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`--shard needs K/N (this is shard K of N, counting from 0), got "${text}"`);
  const k = Number(m[1]), n = Number(m[2]);
  if (!(n >= 1) || !(k < n) || !Number.isSafeInteger(n)) {
    throw new UsageError(`--shard ${text}: K must be 0..N-1 and N at least 1 (shards of 4 are 0/4, 1/4, 2/4, 3/4)`);
  }
  return { k, n };
}

/**
 * The input positions one run predicts: those of its shard, less the first `skip` of them (already in the output,
 * from an earlier run). Positions count molecules over all INPUTs in order, each input continuing where the
 * previous ended; the j-th selected item of a run is at position(j), so results need not carry their position.
 */
export class ShardSelection {
  private offset = 0;

  constructor(readonly shard: Shard, readonly skip: number) {}

  /** The j-th position this run predicts. */
  position(j: number): number {
    return this.shard.k + this.shard.n * (this.skip + j);
  }

  /**
   * The items of the next input that this run predicts (lazily). `count`, when given, receives the input's item
   * count once the items are exhausted; pass it to endInput before selecting from the next input.
   */
  *select<T>(items: Iterable<T>, count?: { items: number }): Generator<T> {
    const { k, n } = this.shard, first = k + n * this.skip;
    let p = this.offset;
    for (const item of items) {
      if (p >= first && (p - k) % n === 0) yield item;
      p++;
    }
    if (count) count.items = p - this.offset;
  }

  /** Moves past an input of `items` molecules: the next input's first molecule has the position after its last. */
  endInput(items: number): void {
    this.offset += items;
  }
}
