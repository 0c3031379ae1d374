// Gradient exchange between training workers through one SharedArrayBuffer: a slot per worker, a barrier, and the sum.
import type { LossGradients } from "./losses.js";

/** How long a worker waits at the barrier between checks of the abort flag (ms). */
const WAIT_SLICE_MS = 200;
const HEADER_INTS = 4; // arrived, generation, aborted, batches done

/**
 * Layout: an Int32 header, the epoch's per-batch losses (f64 pairs, for progress), then two sets of `count` slots (steps alternate between the sets, so one barrier per step
 * suffices: a worker can write step s + 1 while the others still read step s, never step s + 2). A slot holds the
 * share's loss (f64), one presence flag per parameter (PyTorch's grad None: absent from every share stays absent)
 * and every parameter's gradient (f32), in a fixed parameter order.
 */
export class SharedGradients {
  private readonly header: Int32Array;
  private readonly slotBytes: number;
  private readonly offsets: number[] = [];
  private readonly total: number;

  private readonly lossesBase: number;

  /** maxBatches: the most batches an epoch can have (the training set's size). */
  constructor(readonly buffer: SharedArrayBuffer, readonly names: string[], readonly sizes: number[], readonly count: number,
              readonly maxBatches: number) {
    this.header = new Int32Array(buffer, 0, HEADER_INTS);
    this.lossesBase = HEADER_INTS * 4;
    let at = 0;
    for (const n of sizes) { this.offsets.push(at); at += n; }
    this.total = at;
    this.slotBytes = SharedGradients.slotBytes(sizes);
    if (buffer.byteLength < SharedGradients.bytes(sizes, count, maxBatches)) throw new Error("shared gradient buffer too small");
  }

  private static slotBytes(sizes: number[]): number {
    const flags = Math.ceil(sizes.length / 2) * 8; // Int32 flags, padded to 8 bytes
    return 8 + flags + Math.ceil(sizes.reduce((a, b) => a + b, 0) / 2) * 8;
  }

  /** Bytes of the buffer for these parameter sizes, workers and batches. */
  static bytes(sizes: number[], count: number, maxBatches: number): number {
    return HEADER_INTS * 4 + maxBatches * 16 + 2 * count * SharedGradients.slotBytes(sizes);
  }

  private slot(set: number, index: number) {
    const base = this.lossesBase + this.maxBatches * 16 + (set * this.count + index) * this.slotBytes;
    return {
      value: new Float64Array(this.buffer, base, 1),
      flags: new Int32Array(this.buffer, base + 8, this.names.length),
      grads: new Float32Array(this.buffer, base + 8 + Math.ceil(this.names.length / 2) * 8, this.total),
    };
  }

  /**
   * Slot `index` of set `set`, cleared (no gradients, loss 0), to fill: value() sets the share's loss, grad(name) gives
   * the array to write that parameter's gradient into (and marks it present: the loss reaches it).
   */
  writer(set: number, index: number): { value(v: number): void; grad(name: string): Float32Array } {
    const s = this.slot(set, index);
    s.flags.fill(0);
    s.value[0] = 0;
    return {
      value: (v) => { s.value[0] = v; },
      grad: (name) => {
        const p = this.names.indexOf(name);
        if (p < 0) throw new Error(`no parameter ${name} in the shared gradients`);
        s.flags[p] = 1;
        return s.grads.subarray(this.offsets[p]!, this.offsets[p]! + this.sizes[p]!);
      },
    };
  }

  /** Reused across steps: the sum's arrays (fresh 1.6 MB arrays every step cost page faults). */
  private readonly sums = new Map<string, Float32Array>();

  /**
   * The first `shares` slots of set `set` summed in slot order (a parameter absent from every slot stays absent).
   * The arrays returned are reused by the next call.
   */
  sum(set: number, shares: number): LossGradients {
    let value = 0;
    const grads = new Map<string, Float32Array>();
    for (let i = 0; i < shares; i++) {
      const s = this.slot(set, i);
      value += s.value[0]!;
      this.names.forEach((name, p) => {
        if (!s.flags[p]) return;
        const g = s.grads.subarray(this.offsets[p]!, this.offsets[p]! + this.sizes[p]!);
        const acc = grads.get(name);
        if (acc) { for (let k = 0; k < acc.length; k++) acc[k]! += g[k]!; return; }
        let buf = this.sums.get(name);
        if (!buf) this.sums.set(name, (buf = new Float32Array(this.sizes[p]!)));
        buf.set(g);
        grads.set(name, buf);
      });
    }
    return { value, grads };
  }

  /** Waits until all `count` workers have arrived; throws if the run was aborted meanwhile. */
  barrier(): void {
    const h = this.header;
    const generation = Atomics.load(h, 1);
    if (Atomics.add(h, 0, 1) === this.count - 1) {
      Atomics.store(h, 0, 0);
      Atomics.add(h, 1, 1);
      Atomics.notify(h, 1);
      return;
    }
    while (Atomics.load(h, 1) === generation) {
      if (Atomics.load(h, 2)) throw new Error("training step aborted: another worker failed");
      Atomics.wait(h, 1, generation, WAIT_SLICE_MS);
    }
  }

  /** Releases every worker waiting at the barrier with an error (a worker failed). */
  abort(): void {
    Atomics.store(this.header, 2, 1);
    Atomics.notify(this.header, 1);
  }

  /** Clears the barrier, the abort flag and the progress for a new epoch (no worker may be running). */
  reset(): void {
    Atomics.store(this.header, 0, 0);
    Atomics.store(this.header, 2, 0);
    Atomics.store(this.header, 3, 0);
  }

  /** Records batch b's summed losses and that batches 0..b are done (one worker reports). */
  reportBatch(b: number, lossE: number, lossV: number): void {
    new Float64Array(this.buffer, this.lossesBase + b * 16, 2).set([lossE, lossV]);
    Atomics.store(this.header, 3, b + 1);
  }

  /** Batches done so far, and batch b's losses (b below that count). */
  batchesDone(): number {
    return Atomics.load(this.header, 3);
  }

  batchLosses(b: number): [number, number] {
    const l = new Float64Array(this.buffer, this.lossesBase + b * 16, 2);
    return [l[0]!, l[1]!];
  }
}
