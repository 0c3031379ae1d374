// The shared gradient slots: the sum in slot order with PyTorch's grad-None semantics, progress, and the barrier's abort.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SharedGradients } from "../../src/train/sharedGradients.js";
import type { LossGradients } from "../../src/train/losses.js";

const names = ["a", "b", "c"], sizes = [3, 1, 5];
const make = (count: number) => new SharedGradients(new SharedArrayBuffer(SharedGradients.bytes(sizes, count, 4)), names, sizes, count, 4);
const f32 = (...x: number[]) => Float32Array.from(x);

/** A share's loss and gradients into a slot, as a worker writes them (null: no share). */
function write(s: SharedGradients, set: number, index: number, r: LossGradients | null): void {
  const w = s.writer(set, index);
  if (!r) return;
  w.value(r.value);
  for (const [name, g] of r.grads) w.grad(name).set(g);
}

test("sum: slots added in order as float32, a parameter absent from every slot stays absent", () => {
  const s = make(3);
  write(s, 1, 0, { value: 0.5, grads: new Map([["a", f32(1, 2, 3)], ["c", f32(1, 1, 1, 1, 1e-8)]]) });
  write(s, 1, 1, { value: 0.25, grads: new Map([["a", f32(0.1, 0.2, 0.3)], ["c", f32(0, 0, 0, 0, 1)]]) });
  write(s, 1, 2, null);
  const r = s.sum(1, 3);
  assert.is(r.value, 0.75);
  assert.not.ok(r.grads.has("b"));
  assert.equal(Array.from(r.grads.get("a")!), Array.from(f32(1 + Math.fround(0.1), 2 + Math.fround(0.2), 3 + Math.fround(0.3))));
  assert.equal(Array.from(r.grads.get("c")!), [1, 1, 1, 1, Math.fround(Math.fround(1e-8) + 1)]);
  // Only the first `shares` slots count, and the other set is separate.
  assert.equal(Array.from(s.sum(1, 1).grads.get("a")!), [1, 2, 3]);
  assert.is(s.sum(0, 3).grads.size, 0);
});

test("progress: batches reported by one worker are read back in order; reset clears them", () => {
  const s = make(2);
  s.reportBatch(0, 1.5, 2.5);
  s.reportBatch(1, 3, 4);
  assert.is(s.batchesDone(), 2);
  assert.equal(s.batchLosses(1), [3, 4]);
  s.reset();
  assert.is(s.batchesDone(), 0);
});

test("barrier: alone it passes; after abort a waiting worker gets an error instead of waiting forever", () => {
  make(1).barrier();
  const s = make(2);
  s.abort();
  assert.throws(() => s.barrier(), /aborted/);
});

test.run();
