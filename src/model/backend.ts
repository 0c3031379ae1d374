// Selects tfjs's WebAssembly backend (SIMD; never the slow pure-JS cpu backend) once per thread.
import * as tf from "#tfjs-core";
import { setWasmPaths } from "#tfjs-backend-wasm";
import { loadKernels } from "../kernels/instance.js";
import { loadTensorKernels } from "../kernels/tensorKernels.js";

let ready: Promise<void> | null = null;

/** Where the browser finds tfjs's .wasm files (a folder URL ending in "/"); Node finds them by itself. */
export function setTfjsWasmPath(prefix: string): void {
  setWasmPaths(prefix);
}

/** Initialises tfjs-backend-wasm and the qdf kernels; safe to call many times. */
export function initBackend(): Promise<void> {
  ready ??= (async () => {
    await loadKernels();
    const ok = await tf.setBackend("wasm");
    if (!ok || tf.getBackend() !== "wasm") throw new Error("could not start tfjs-backend-wasm");
    await tf.ready();
    await loadTensorKernels();
  })();
  return ready;
}
