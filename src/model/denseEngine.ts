// The engine that runs the frozen functional's dense ReLU layers: tfjs-wasm (everywhere), or a native one in Node.
import type { Float32Tensor } from "./config.js";
import { FrozenDense, functionalHiddenFrozen } from "./functional.js";
import { orbitalProducts } from "./lcao.js";

/** One dense layer's weights as the model file holds them: W [out, in] (torch's layout), b [out]. */
export interface DenseWeights {
  weight: Float32Tensor;
  bias: Float32Tensor;
}

/** A model's chain of relu layers, compiled once by an engine. */
export interface DenseStack {
  /** relu(... relu(x W0^T + b0) ...) on x f32 [rows * in]: the last layer's output f32 [rows * out]. */
  hidden(x: Float32Array, rows: number): Float32Array;
  /**
   * Where an engine does a whole field at once (native): the column sums f64 [out] of the last layer over the field
   * points of Psi = B C, from B f32 [rows * k] and C f32 [k * in] (any k columns: prediction passes the basis summed
   * per orbital type and the types' rows, lcao.ts orbitalTypes), Psi's columns normalised and times `scale`
   * (model/lcao.ts, molecularOrbitalsFrozen), all in one call. C's columns need not be normalised: Psi's
   * normalisation takes out any positive factor per column, so the table's rows as they are give the same Psi (the
   * 1e-12 floors aside, which only columns with no weight on the field reach).
   */
  fieldSums?(basis: Float32Array, coefficients: Float32Array, rows: number, scale: number): Float64Array;
  dispose(): void;
}

export interface DenseEngine {
  /** "wasm" or "native" (what `qdf --version` and the bench report). */
  readonly name: string;
  /** More detail: the library and its version, threads. */
  readonly description: string;
  stack(layers: DenseWeights[]): DenseStack;
  /** a b for a f32 [rows * inner] and b f32 [inner * cols] (the LCAO's B C): f32 [rows * cols]. */
  product(a: Float32Array, b: Float32Array, rows: number, cols: number): Float32Array;
}

/** tfjs-backend-wasm's fused matmuls (the frozen path as it always was). */
export const wasmDenseEngine: DenseEngine = {
  name: "wasm",
  description: "wasm (tfjs-backend-wasm SIMD)",
  stack(layers) {
    const frozen = layers.map((l) => new FrozenDense(l.weight, l.bias));
    return {
      hidden: (x, rows) => functionalHiddenFrozen(x, rows, frozen),
      dispose: () => frozen.forEach((f) => f.dispose()),
    };
  },
  product: orbitalProducts,
};

let selected: DenseEngine = wasmDenseEngine;

/** What `--engine` may say: wasm; native (Node only: src/node/nativeEngine.ts); auto (native where it is installed). */
export const ENGINE_CHOICES = ["auto", "wasm", "native"] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** Selects this thread's engine for a choice with `threads` intra-op threads (a native one: Node's edge provides it). */
export type EngineSelector = (choice: EngineChoice, threads: number) => Promise<DenseEngine>;

/** The selector where no native engine exists (browsers): wasm, and native an error. */
export const wasmOnlySelector: EngineSelector = async (choice) => {
  if (choice === "native") throw new Error("the native engine runs only in Node; here the engine is wasm");
  setDenseEngine(wasmDenseEngine);
  return wasmDenseEngine;
};

/** Chooses the engine for prediction in this thread (models built from then on use it). */
export function setDenseEngine(engine: DenseEngine): void {
  selected = engine;
}

/** The engine chosen in this thread: wasm unless setDenseEngine said otherwise. */
export function denseEngine(): DenseEngine {
  return selected;
}
