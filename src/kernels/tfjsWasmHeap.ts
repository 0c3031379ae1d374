// The one adapter to tfjs-backend-wasm's internals (pinned 4.22.0): its heap, where a tensor lives there, its private kernels.
import * as tf from "#tfjs-core";

/** The parts of tfjs-backend-wasm's BackendWasm used here (its memory and where each tensor lives in it). */
export interface WasmBackendInternals {
  wasm?: { asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

/** The current backend seen through its internals (call only with the wasm backend active). */
export function wasmBackend(): WasmBackendInternals {
  return tf.backend() as unknown as WasmBackendInternals;
}

/**
 * tfjs-wasm's heap when it is a plain WebAssembly.Memory, else null: its threaded build (cross-origin isolated
 * pages) has a shared memory, which qdf's heap kernels cannot import and readTensor must not view.
 */
export function plainHeap(backend: WasmBackendInternals = wasmBackend()): WebAssembly.Memory | null {
  const memory = backend.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory && memory.buffer instanceof ArrayBuffer ? memory : null;
}

/** Byte offset of a tensor's data in tfjs-wasm's heap. */
export function heapOffset(backend: WasmBackendInternals, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/** A fresh float32 output tensor allocated by the backend in its heap (tfjs manages it as any other). */
export function heapOutput(backend: WasmBackendInternals, shape: number[]): tf.TensorInfo {
  return backend.makeOutput(shape, "float32");
}

let viewHeap = false;

/** Whether readTensor may view the heap directly (off when the heap kernels are unavailable; tests may force it). */
export function setHeapReads(on: boolean): void {
  viewHeap = on;
}

/**
 * Copies a float32 tensor's values into `out` straight from tfjs-wasm's heap (dataSync would allocate a fresh array
 * per call, page faults included: ~0.5 ms per MB).
 */
export function readTensor(t: tf.Tensor, out: Float32Array): void {
  if (t.dtype !== "float32" || out.length !== t.size) throw new Error(`readTensor: ${t.dtype} [${t.shape}] into ${out.length} floats`);
  const backend = wasmBackend();
  const memory = viewHeap ? plainHeap(backend) : null;
  if (!memory) { out.set(t.dataSync() as Float32Array); return; }
  out.set(new Float32Array(memory.buffer, heapOffset(backend, t), t.size));
}

export type Activation = "relu" | "linear";

/**
 * act(x W^T + b) by tfjs-wasm's _FusedMatMul (rank 3) on x [N, in] and W^T [in, out]. Called as a kernel, not
 * tf.fused.matMul, which falls back to matMul + add + relu whenever a gradient tape is recording. W^T is explicit: the
 * kernel's transposeB with a bias gives wrong rows in tfjs-backend-wasm 4.22 (test/kernels/tfjsWasmHeap.test.ts).
 */
export function fusedMatMul(x: tf.Tensor2D, weightT: tf.Tensor2D, bias: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  const [n, k] = x.shape, out = weightT.shape[1];
  const y = tf.engine().runKernel("_FusedMatMul",
    { a: tf.reshape(x, [1, n, k]), b: tf.reshape(weightT, [1, k, out]), bias },
    { transposeA: false, transposeB: false, activation }) as tf.Tensor;
  return tf.reshape(y, [n, out]);
}
