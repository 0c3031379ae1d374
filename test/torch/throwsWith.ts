// Test helper: asserts that a call throws the importer's CheckpointError with a message containing given words.
import * as assert from "uvu/assert";
import { CheckpointError } from "../../src/io/torch/importCheckpoint.js";

/** Asserts f throws a CheckpointError whose message contains every needle; returns the message. */
export function throwsWith(f: () => unknown, ...needles: string[]): string {
  try {
    f();
  } catch (e) {
    assert.instance(e, CheckpointError);
    const m = (e as Error).message;
    for (const n of needles) assert.ok(m.includes(n), `message ${JSON.stringify(m)} lacks ${JSON.stringify(n)}`);
    return m;
  }
  assert.unreachable("did not throw");
  return "";
}
