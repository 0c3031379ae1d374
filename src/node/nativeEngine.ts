// The native dense engine for Node: the functional's layers as an ONNX graph run by onnxruntime-node, an optional
// package found at run time (never a dependency: the default install stays small).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, homedir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { denseReluModel, matMulModel, ONNX_INPUT, ONNX_OUTPUT, ONNX_PRODUCT, type OnnxDenseLayer } from "../io/onnxModel.js";
import { fieldSumsModel, ONNX_FIELD } from "../io/onnxFieldModel.js";
import { EPS } from "../model/lcao.js";
import {
  ENGINE_CHOICES, setDenseEngine, wasmDenseEngine, type DenseEngine, type DenseStack, type EngineChoice,
} from "../model/denseEngine.js";

/** The onnxruntime-node release this engine is written and tested against (it reaches into its binding). */
export const ONNXRUNTIME_VERSION = "1.30.0";
export const ONNXRUNTIME_INSTALL = `npm i onnxruntime-node@${ONNXRUNTIME_VERSION}`;

export { ENGINE_CHOICES, type EngineChoice };

interface OrtTensor {
  data: Float32Array | Float64Array;
  dims: readonly number[];
}
/** onnxruntime-node's native session (its binding, whose run is synchronous: the public API wraps it in a Promise). */
interface BindingSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, OrtTensor>, fetches: Record<string, null>, options: object): Record<string, OrtTensor>;
  dispose(): void;
}
interface OnnxRuntime {
  version: string;
  dir: string;
  Tensor: new (type: "float32" | "float64", data: Float32Array | Float64Array, dims: number[]) => OrtTensor;
  Session: new () => BindingSession;
}

/** The prefix .ci/run installs onnxruntime-node into (outside the project, so `npm ci` leaves it alone). */
export const CI_PREFIX = join(homedir(), ".cache", "qdf-ort");

/** The package itself, or a prefix whose node_modules holds it. */
function packageIn(dir: string): string | null {
  return [dir, join(dir, "node_modules", "onnxruntime-node")].find((d) => existsSync(join(d, "dist", "binding.js"))) ?? null;
}

/**
 * onnxruntime-node's package folder: $QDF_ONNXRUNTIME_DIR when set (only there); else the project's
 * (`npm i onnxruntime-node`); else .ci/run's prefix.
 */
function packageDir(): string | null {
  const env = process.env.QDF_ONNXRUNTIME_DIR;
  if (env) return packageIn(env);
  try {
    return join(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"), "..");
  } catch {
    return packageIn(CI_PREFIX);
  }
}

let loaded: Promise<OnnxRuntime | null> | null = null;

/** onnxruntime-node when it is installed, else null (loaded once; another version than ONNXRUNTIME_VERSION is an error). */
export function loadOnnxRuntime(): Promise<OnnxRuntime | null> {
  loaded ??= (async () => {
    const dir = packageDir();
    if (!dir) return null;
    const ort = await import(pathToFileURL(join(dir, "dist", "index.js")).href) as { Tensor: OnnxRuntime["Tensor"]; env: { versions?: { node?: string } } };
    const require = createRequire(join(dir, "dist", "index.js"));
    const binding = require("./binding.js") as { binding: { InferenceSession: OnnxRuntime["Session"] }; initOrt(): void };
    binding.initOrt();
    const version = (require("../package.json") as { version: string }).version;
    if (version !== ONNXRUNTIME_VERSION) {
      throw new Error(`onnxruntime-node ${version} in ${dir}: qdf's native engine needs ${ONNXRUNTIME_VERSION} (\`${ONNXRUNTIME_INSTALL}\`)`);
    }
    return { version, dir, Tensor: ort.Tensor, Session: binding.binding.InferenceSession };
  })();
  return loaded;
}

function missing(): Error {
  const where = process.env.QDF_ONNXRUNTIME_DIR ? ` (QDF_ONNXRUNTIME_DIR=${process.env.QDF_ONNXRUNTIME_DIR} holds no onnxruntime-node)` : "";
  return new Error(`--engine native needs onnxruntime-node, which is not installed${where}: run \`${ONNXRUNTIME_INSTALL}\`` +
    " (or set QDF_ONNXRUNTIME_DIR to a folder where it is installed)");
}

/** What `qdf --version` says of the native engine: its version and folder, or how to install it. */
export async function nativeEngineStatus(): Promise<string> {
  try {
    const ort = await loadOnnxRuntime();
    return ort ? `onnxruntime-node ${ort.version} (${ort.dir})` : `not installed (${ONNXRUNTIME_INSTALL} enables it)`;
  } catch (e) {
    return `unusable: ${(e as Error).message}`;
  }
}

/** A session of `bytes` (an ONNX model) with `threads` intra-op threads. */
function session(ort: OnnxRuntime, bytes: Uint8Array, threads: number): BindingSession {
  const s = new ort.Session();
  s.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all",
    // Idle threads sleep instead of spinning: on a shared machine spinning burnt the CPU it saved (val set, same
    // load: 123 molecules/s and 6.1 ms CPU per molecule without it, 64/s and 11.9 ms with it).
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
  return s;
}

/**
 * An engine running each model's layers as one ONNX graph (Gemm + Relu per layer) with `threads` intra-op threads,
 * and the LCAO's B C as a MatMul graph (in tfjs-wasm that product, with a new right-hand matrix each molecule, ran at
 * ~6 GFLOP/s: 6.8 ms of a molecule's ~11 ms CPU once the layers were native).
 */
export function nativeDenseEngine(ort: OnnxRuntime, threads: number): DenseEngine {
  let products: BindingSession | null = null; // built at the first product, kept for the thread's life
  return {
    name: "native",
    description: `native (onnxruntime-node ${ort.version}, ${threads} intra-op thread${threads === 1 ? "" : "s"})`,
    stack(layers): DenseStack {
      if (layers.length === 0) return { hidden: (x) => x, dispose: () => {} };
      const onnx: OnnxDenseLayer[] = layers.map((l) => ({
        weight: l.weight.data, bias: l.bias.data, outputs: l.weight.shape[0]!, inputs: l.weight.shape[1]!,
      }));
      const inputs = onnx[0]!.inputs;
      // Each graph is built at its first use: chunked fields and descriptors use the layers, whole fields the other.
      let layerRun: BindingSession | null = null, fieldRun: BindingSession | null = null;
      return {
        hidden(x, rows) {
          if (x.length !== rows * inputs) throw new Error(`native engine: ${x.length} values are not ${rows} rows of ${inputs}`);
          layerRun ??= session(ort, denseReluModel(onnx), threads);
          const out = layerRun.run({ [ONNX_INPUT]: new ort.Tensor("float32", x, [rows, inputs]) }, { [ONNX_OUTPUT]: null }, {});
          return out[ONNX_OUTPUT]!.data as Float32Array;
        },
        fieldSums(basis, coefficients, rows, scale) {
          const orbitals = coefficients.length / inputs;
          if (!Number.isInteger(orbitals) || basis.length !== rows * orbitals) {
            throw new Error(`native engine: a field of ${basis.length} basis and ${coefficients.length} coefficient values is not [${rows}, k] x [k, ${inputs}]`);
          }
          fieldRun ??= session(ort, fieldSumsModel(onnx, EPS), threads);
          const out = fieldRun.run({
            [ONNX_FIELD.basis]: new ort.Tensor("float32", basis, [rows, orbitals]),
            [ONNX_FIELD.coefficients]: new ort.Tensor("float32", coefficients, [orbitals, inputs]),
            [ONNX_FIELD.scale]: new ort.Tensor("float64", Float64Array.of(scale), [1]),
          }, { [ONNX_FIELD.sums]: null }, {});
          return out[ONNX_FIELD.sums]!.data as Float64Array;
        },
        dispose: () => { layerRun?.dispose(); fieldRun?.dispose(); },
      };
    },
    product(a, b, rows, cols) {
      const inner = b.length / cols;
      if (a.length !== rows * inner || !Number.isInteger(inner)) {
        throw new Error(`native engine: a product of ${a.length} and ${b.length} values is not [${rows}, k] x [k, ${cols}]`);
      }
      products ??= session(ort, matMulModel(), threads);
      const out = products.run({
        [ONNX_PRODUCT.a]: new ort.Tensor("float32", a, [rows, inner]), [ONNX_PRODUCT.b]: new ort.Tensor("float32", b, [inner, cols]),
      }, { [ONNX_PRODUCT.out]: null }, {});
      return out[ONNX_PRODUCT.out]!.data as Float32Array;
    },
  };
}

/**
 * Selects this thread's dense engine: wasm; native (an error naming the install command when onnxruntime-node is
 * absent); auto, native where it is installed. Resolves to the engine chosen.
 */
export async function selectEngine(choice: EngineChoice, threads = availableParallelism()): Promise<DenseEngine> {
  const ort = choice === "wasm" ? null : await loadOnnxRuntime();
  if (choice === "native" && !ort) throw missing();
  const engine = ort ? nativeDenseEngine(ort, threads) : wasmDenseEngine;
  setDenseEngine(engine);
  return engine;
}

/** What a choice comes to here, without building anything: native or wasm (native absent: an error, or wasm for auto). */
export async function resolveEngineChoice(choice: EngineChoice): Promise<"wasm" | "native"> {
  if (choice === "wasm") return "wasm";
  const ort = await loadOnnxRuntime();
  if (choice === "native" && !ort) throw missing();
  return ort ? "native" : "wasm";
}
