// One SHA-256 over a safetensors file's content (tensor names, shapes and bytes, and its metadata), independent of
// the order either is stored in: what model files and checkpoints carry to show they are as written.
import type { Float32Tensor } from "./safetensors.js";
import { sha256Hex } from "./sha256.js";

export function contentSha256(tensors: Map<string, Float32Tensor>, metadata: Record<string, string>): string {
  function* chunks(): Generator<Uint8Array | string> {
    for (const name of [...tensors.keys()].sort()) {
      const t = tensors.get(name)!;
      yield `${JSON.stringify(name)}:${t.shape.join(",")};`;
      yield new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    }
    yield JSON.stringify(Object.keys(metadata).sort().map((k) => [k, metadata[k]]));
  }
  return sha256Hex(chunks());
}
