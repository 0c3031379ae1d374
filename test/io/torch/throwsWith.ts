// Test helper: asserts that a call throws the importer's TorchCheckpointError with a message containing given words.
import * as assert from "uvu/assert";
import { TorchCheckpointError } from "../../../src/io/torch/importCheckpoint.js";

/** Asserts f throws a TorchCheckpointError whose message contains every needle; returns the message. */
export function throwsWith(f: () => unknown, ...needles: string[]): string {
  try {
    f();
  } catch (e) {
    assert.instance(e, TorchCheckpointError);
    const m = (e as Error).message;
    for (const n of needles) assert.ok(m.includes(n), `message ${JSON.stringify(m)} lacks ${JSON.stringify(n)}`);
    return m;
  }
  assert.unreachable("did not throw");
  return "";
}
