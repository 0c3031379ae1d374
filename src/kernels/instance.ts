// Loads the AssemblyScript kernels module once and gives typed access to its linear memory.
import { KERNELS_WASM_BASE64 } from "./kernelsBinary.js";

/** The raw exports of wasm/qdf-kernels.wasm (pointers are byte offsets into `memory`). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  reset(): void;
  sphereTemplate(radius: number, interval: number, out: number, maxPoints: number): number;
  field(atoms: number, nAtoms: number, template: number, nTemplate: number, out: number): void;
  distances(points: number, nPoints: number, centres: number, nCentres: number, out: number): void;
  basis(dist: number, q: number, zeta: number, nPoints: number, nOrb: number, out: number, norms: number): void;
  basisFromPoints(points: number, nPoints: number, centres: number, nCentres: number, centreOf: number, q: number,
                  zeta: number, nOrb: number, out: number, norms: number, work: number): void;
  basisSquaresFromPoints(points: number, nPoints: number, centres: number, nCentres: number, centreOf: number,
                         q: number, zeta: number, nOrb: number, out: number, sumsq: number, work: number): void;
  basisZetaGrad(dist: number, b: number, norms: number, upstream: number, nPoints: number, nOrb: number,
                out: number, work: number): void;
  potential(points: number, nPoints: number, atoms: number, charges: number, nAtoms: number, out: number): void;
  columnNorms(m: number, rows: number, cols: number, out: number): void;
  columnSquaresAdd(m: number, rows: number, cols: number, out: number): void;
  multiplyColumns(m: number, rows: number, cols: number, factors: number): void;
  scaleColumns(m: number, rows: number, cols: number, norms: number, scale: number): void;
  columnSums(m: number, rows: number, cols: number, out: number): void;
  columnSumsAdd(m: number, rows: number, cols: number, out: number): void;
  sumColumnRuns(m: number, rows: number, cols: number, runs: number, nRuns: number, groups: number, out: number): void;
  adamStep(p: number, g: number, m: number, v: number, n: number, b1: number, a1: number, b2: number, a2: number,
           eps: number, bc2: number, stepSize: number): void;
  densityPoints(points: number, nPoints: number, centres: number, q: number, zeta: number, cut2: number, P: number,
                S: number, nOrb: number, nSel: number, outRho: number, outPsi: number): void;
  densityBox(nx: number, ny: number, nz: number, h: number, centres: number, q: number, zeta: number, cut2: number,
             P: number, S: number, nOrb: number, nSel: number, outRho: number, outPsi: number): void;
}

/** The most one scratch allocation may take (the 4 GiB address space, less room for the others). */
export const MAX_SCRATCH_BYTES = 2 ** 31;

let kernels: KernelExports | null = null;
let loading: Promise<KernelExports> | null = null;

export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** Compiles and instantiates the kernels (once per thread); call before any kernel wrapper. */
export function loadKernels(): Promise<KernelExports> {
  if (kernels) return Promise.resolve(kernels);
  loading ??= WebAssembly.compile(decodeBase64(KERNELS_WASM_BASE64)).then((module) => WebAssembly.instantiate(module, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number): never {
        throw new Error(`qdf kernel aborted at ${line}:${col}`);
      },
    },
  })).then((instance) => (kernels = instance.exports as unknown as KernelExports));
  return loading;
}

/** The loaded kernels; throws if loadKernels() has not finished. */
function getKernels(): KernelExports {
  if (!kernels) throw new Error("qdf kernels not loaded: await loadKernels() first");
  return kernels;
}

/**
 * A scope of scratch allocations: arrays are copied in, kernels run, results are copied out, then everything is freed.
 * Views are made after all allocations, since growing memory detaches earlier views.
 */
export class Scratch {
  readonly k: KernelExports;
  constructor() {
    this.k = getKernels();
    this.k.reset();
  }
  alloc(bytes: number): number {
    // The kernels' memory is 32-bit: a larger request would wrap to a small one and end "out of bounds" (or abort
    // naming no molecule). Callers keep their arrays far below this by working in chunks (model/memoryBudget.ts).
    if (!(bytes <= MAX_SCRATCH_BYTES)) {
      throw new Error(`a kernel needs ${(bytes / 2 ** 30).toFixed(1)} GiB at once, more than the 32-bit wasm memory's ${MAX_SCRATCH_BYTES / 2 ** 30} GiB`);
    }
    return this.k.alloc(Math.max(bytes, 16));
  }
  put(data: Float32Array | Float64Array | Int32Array): number {
    const ptr = this.alloc(data.byteLength);
    new Uint8Array(this.k.memory.buffer, ptr, data.byteLength).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return ptr;
  }
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, length).slice();
  }
  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.k.memory.buffer, ptr, length).slice();
  }
  /** Copies a result into a caller-owned array (no allocation). */
  readInto(ptr: number, target: Float32Array): Float32Array {
    target.set(new Float32Array(this.k.memory.buffer, ptr, target.length));
    return target;
  }
}
