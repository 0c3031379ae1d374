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
 * from an earlier run). Positions count molecules over all INPUTs in order (0-based), each input continuing where
 * the previous ended; the j-th selected molecule of a run is at position(j), so results need not carry it.
 */
export class ShardSelection {
  constructor(readonly shard: Shard, readonly skip: number) {}

  /** The j-th position this run predicts. */
  position(j: number): number {
    return this.shard.k + this.shard.n * (this.skip + j);
  }

  /** Whether this run predicts the molecule at position p. */
  wanted(p: number): boolean {
    const { k, n } = this.shard;
    return p >= k + n * this.skip && (p - k) % n === 0;
  }

  /** The molecules this run predicts, from the stream of every input's molecules in order (lazily). */
  async *select<T>(items: AsyncIterable<T>): AsyncGenerator<T> {
    let p = 0;
    for await (const item of items) if (this.wanted(p++)) yield item;
  }
}
