// SIMD kernels on tfjs-backend-wasm's own heap, registered as tfjs kernels: transposes, column sums, relu gradients, the HK map's interval gathers.
import * as tf from "#tfjs-core";
import { decodeBase64 } from "./instance.js";
import { TENSOR_KERNELS_WASM_BASE64 } from "./tensorKernelsBinary.js";
import { heapOffset as at, heapOutput, plainHeap, setHeapReads, wasmBackend, type WasmBackendInternals } from "./tfjsWasmHeap.js";

/** wasm/qdf-tensor-kernels.wasm's exports: byte offsets into tfjs-wasm's memory, f32 row-major matrices. */
interface TensorKernelExports {
  columnSums(x: number, rows: number, cols: number, out: number): void;
  weightedColumnSums(x: number, w: number, rows: number, cols: number, out: number): void;
  transpose(x: number, rows: number, cols: number, out: number): void;
  reluGrad(dy: number, y: number, n: number, out: number): void;
  reluGradRow(row: number, y: number, rows: number, cols: number, out: number): void;
  gatherAffineRelu(rho: number, idx: number, alpha: number, beta: number, n: number, h: number, out: number): void;
  segmentSums(g: number, rho: number, idx: number, n: number, h: number, nSeg: number, outA: number, outB: number): void;
  rowDots(g: number, alpha: number, idx: number, n: number, h: number, out: number): void;
}

let loading: Promise<void> | null = null;
/** Why the kernels are not in use (null: they are), e.g. a shared memory (tfjs's threaded build) they cannot import. */
let unavailable: string | null = "not loaded yet";

/** Why the heap kernels are not in use, or null; tests may force the plain-tfjs fallback with `force`. */
export function tensorKernelsUnavailable(force?: string | null): string | null {
  if (force !== undefined) setUnavailable(force);
  return unavailable;
}

function setUnavailable(why: string | null): void {
  unavailable = why;
  setHeapReads(why === null);
}

const float32 = (t: tf.TensorInfo, what: string) => {
  if (t.dtype !== "float32") throw new Error(`${what}: float32 only, got ${t.dtype}`);
};

/**
 * Instantiates the module on the current wasm backend's memory and registers its kernels (once per thread; after
 * tf.setBackend("wasm")). The module imports tfjs's memory, has no data of its own and allocates nothing:
 * outputs are tensors the backend allocates, so tfjs manages them as any other.
 */
export function loadTensorKernels(): Promise<void> {
  loading ??= (async () => {
    const memory = plainHeap(wasmBackend());
    if (!memory) {
      // tfjs's threaded build (cross-origin isolated pages) has a shared memory: use plain tfjs ops instead.
      setUnavailable("tfjs-backend-wasm's memory is not a plain (unshared) WebAssembly.Memory");
      return;
    }
    const module = await WebAssembly.compile(decodeBase64(TENSOR_KERNELS_WASM_BASE64));
    const instance = await WebAssembly.instantiate(module, { env: { memory, abort() {} } });
    const k = instance.exports as unknown as TensorKernelExports;
    type Run = (inputs: tf.NamedTensorInfoMap, b: WasmBackendInternals, attrs: tf.NamedAttrMap) => tf.TensorInfo | tf.TensorInfo[];
    const register = (kernelName: string, run: Run) => tf.registerKernel({
      kernelName, backendName: "wasm",
      kernelFunc: ({ inputs, backend: b, attrs }) => run(inputs, b as unknown as WasmBackendInternals, attrs ?? {}),
    });
    register("QdfTranspose2D", ({ x }, b) => {
      float32(x!, "QdfTranspose2D");
      const [rows, cols] = x!.shape as [number, number];
      const out = heapOutput(b, [cols, rows]);
      k.transpose(at(b, x!), rows, cols, at(b, out));
      return out;
    });
    register("QdfColumnSums", ({ x, w }, b) => {
      float32(x!, "QdfColumnSums");
      const [rows, cols] = x!.shape as [number, number];
      const out = heapOutput(b, [1, cols]);
      if (w) k.weightedColumnSums(at(b, x!), at(b, w), rows, cols, at(b, out));
      else k.columnSums(at(b, x!), rows, cols, at(b, out));
      return out;
    });
    register("QdfReluGrad", ({ dy, y }, b) => {
      float32(dy!, "QdfReluGrad");
      const out = heapOutput(b, [...y!.shape]);
      const [rows, cols] = y!.shape as [number, number];
      if (dy!.shape[0] === 1 && rows !== 1) k.reluGradRow(at(b, dy!), at(b, y!), rows, cols, at(b, out));
      else k.reluGrad(at(b, dy!), at(b, y!), rows * cols, at(b, out));
      return out;
    });
    register("QdfGatherAffineRelu", ({ rho, idx, alpha, beta }, b) => {
      const n = rho!.shape[0]!, h = alpha!.shape[1]!;
      const out = heapOutput(b, [n, h]);
      k.gatherAffineRelu(at(b, rho!), at(b, idx!), at(b, alpha!), at(b, beta!), n, h, at(b, out));
      return out;
    });
    register("QdfSegmentSums", ({ g, rho, idx }, b, { segments }) => {
      const [n, h] = g!.shape as [number, number], nSeg = segments as number;
      const outA = heapOutput(b, [nSeg, h]), outB = heapOutput(b, [nSeg, h]);
      k.segmentSums(at(b, g!), at(b, rho!), at(b, idx!), n, h, nSeg, at(b, outA), at(b, outB));
      return [outA, outB];
    });
    register("QdfRowDots", ({ g, alpha, idx }, b) => {
      const [n, h] = g!.shape as [number, number];
      const out = heapOutput(b, [n, 1]);
      k.rowDots(at(b, g!), at(b, alpha!), at(b, idx!), n, h, at(b, out));
      return out;
    });
    setUnavailable(null);
    // A self-check on a small matrix: these kernels lean on tfjs-backend-wasm internals (pinned at 4.22.0); should a
    // different version lay tensors out otherwise, fall back rather than compute with wrong memory.
    const ok = tf.tidy(() => {
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
      const t = transposeT(x).dataSync(), c = columnSumsT(x).dataSync();
      return [1, 4, 2, 5, 3, 6].every((v, i) => t[i] === v) && [5, 7, 9].every((v, i) => c[i] === v);
    });
    if (!ok) setUnavailable("the heap kernels' self-check failed (another tfjs-backend-wasm version?)");
  })();
  return loading;
}

// These have no gradients: they serve inside hand-written gradients (customGrad), never on the tape. Each falls back
// to plain tfjs ops (slower, same values up to summation order) where the kernels could not be loaded.

/** x^T for x [rows, cols]. */
export function transposeT(x: tf.Tensor2D): tf.Tensor2D {
  if (unavailable) return tf.transpose(x);
  return tf.engine().runKernel("QdfTranspose2D", { x }) as tf.Tensor2D;
}

/** Column sums [1, cols] of x [rows, cols]; with w [rows, 1], of x * w. */
export function columnSumsT(x: tf.Tensor2D, w?: tf.Tensor2D): tf.Tensor2D {
  if (w && w.size !== x.shape[0]) throw new Error(`columnSumsT: weights [${w.shape}] for ${x.shape[0]} rows`);
  if (unavailable) return tf.sum(w ? tf.mul(x, tf.reshape(w, [-1, 1])) : x, 0, true);
  return tf.engine().runKernel("QdfColumnSums", w ? { x, w } : { x }) as tf.Tensor2D;
}

/** dy where y > 0, else 0 (relu's gradient, from its output y); dy may be one row [1, cols], broadcast over y's rows. */
export function reluGradT(dy: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  const row = dy.shape[0] === 1 && dy.shape[1] === y.shape[1];
  if (dy.size !== y.size && !row) throw new Error(`reluGradT: shapes [${dy.shape}] and [${y.shape}]`);
  if (unavailable) return tf.mul(dy, tf.step(y));
  return tf.engine().runKernel("QdfReluGrad", { dy, y }) as tf.Tensor2D;
}

/** relu(rho[p] alpha[idx[p]] + beta[idx[p]]) per row p: rho [N, 1], idx int32 [N], alpha and beta [K, H] -> [N, H]. */
export function gatherAffineReluT(rho: tf.Tensor2D, idx: tf.Tensor1D, alpha: tf.Tensor2D, beta: tf.Tensor2D): tf.Tensor2D {
  if (unavailable) return tf.relu(tf.add(tf.mul(rho, tf.gather(alpha, idx)), tf.gather(beta, idx))) as tf.Tensor2D;
  return tf.engine().runKernel("QdfGatherAffineRelu", { rho, idx, alpha, beta }) as tf.Tensor2D;
}

/** Per segment k of idx: [sum of rho[p] g[p], sum of g[p]] over the rows p with idx[p] = k, each [segments, H]. */
export function segmentSumsT(g: tf.Tensor2D, rho: tf.Tensor2D, idx: tf.Tensor1D, segments: number): [tf.Tensor2D, tf.Tensor2D] {
  if (unavailable) {
    // The one-hot [segments, N] times g: O(segments N H), acceptable for a fallback.
    const oneHot = tf.transpose(tf.cast(tf.oneHot(idx, segments), "float32")) as tf.Tensor2D;
    return [tf.matMul(oneHot, tf.mul(g, rho)), tf.matMul(oneHot, g)];
  }
  return tf.engine().runKernel("QdfSegmentSums", { g, rho, idx }, { segments }) as unknown as [tf.Tensor2D, tf.Tensor2D];
}

/** g[p] . alpha[idx[p]] per row p: [N, 1]. */
export function rowDotsT(g: tf.Tensor2D, alpha: tf.Tensor2D, idx: tf.Tensor1D): tf.Tensor2D {
  if (unavailable) return tf.sum(tf.mul(g, tf.gather(alpha, idx)), 1, true);
  return tf.engine().runKernel("QdfRowDots", { g, alpha, idx }) as tf.Tensor2D;
}
