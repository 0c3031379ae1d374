// Prediction's memory per molecule, known before the work: how many field points go in one chunk, and what that
// costs in bytes, so a molecule over the limit is refused up front and large ones run in flat memory.
import { atomicOrbitals, type BasisSetShape } from "../chem/basisSet.js";
import type { Molecule } from "../chem/molecule.js";

/** The default limit per molecule (per worker: each predicts one molecule at a time). */
export const DEFAULT_MAX_MEMORY = 2 * 2 ** 30;
/**
 * Working memory of one chunk of field points (their distances, basis values, Psi and the functional's activations).
 * Molecules whose whole field fits are predicted in one go, as before; QM9 molecules (up to ~30 atoms) are far below.
 * Larger chunks gain nothing: the matmuls run as fast on a few hundred rows.
 */
export const DEFAULT_CHUNK_BYTES = 64 * 2 ** 20;
/** Fewer field points than this per chunk would make the matmuls slow; a budget that needs fewer is too small. */
export const MIN_CHUNK_ROWS = 32;
/**
 * The arrays counted below times this is the estimate: garbage the collector has not taken yet, and the wasm heaps,
 * which keep their peak. Calibrated on bench:large-molecule (100 to 3000 atoms): the peak RSS above a methane
 * child's was 0.6 to 0.97 of the estimate over two runs.
 */
export const SLACK = 1.8;

/** What the estimate reads from a model. */
export interface BudgetModel {
  basis: BasisSetShape;
  /** Points in the sphere template (field points per atom). */
  templatePoints: number;
  /** D: the orbitals' (and the functional layers') width. */
  dim: number;
  layerFunctional: number;
}

/** A molecule's sizes, all the estimate needs of it. */
export interface MoleculeSizes {
  nAtoms: number;
  nField: number;
  nOrb: number;
}

export interface MemoryEstimate extends MoleculeSizes {
  /** Field points per chunk (nField: one chunk, the whole field at once). */
  chunkRows: number;
  chunks: number;
  /** Estimated peak bytes for this molecule's prediction, chunks included. */
  bytes: number;
}

const orbitalCounts = new WeakMap<BasisSetShape, Map<number, number>>();

/** Number of atomic orbitals a molecule has under a basis (without building them). */
export function orbitalCount(m: Pick<Molecule, "atomicNumbers">, basis: BasisSetShape): number {
  let counts = orbitalCounts.get(basis);
  if (!counts) orbitalCounts.set(basis, (counts = new Map()));
  let n = 0;
  for (const z of m.atomicNumbers) {
    let c = counts.get(z);
    if (c === undefined) counts.set(z, (c = atomicOrbitals(z, basis).length));
    n += c;
  }
  return n;
}

/**
 * Bytes per field point of a chunk: its basis values (in JS, in the kernels' memory and as a tfjs tensor: 3 copies
 * of nOrb floats, counted as the 4 they were when distances came too, which keeps chunk choices as they were), and
 * Psi with the functional's activations (~layers + 5 copies of D floats: the product and its copy, the scaled copy,
 * each layer's output inside one tidy, the read-back).
 */
export function bytesPerFieldPoint(nOrb: number, model: BudgetModel): number {
  return 4 * (4 * nOrb + (model.layerFunctional + 5) * model.dim) + 24;
}

/**
 * Bytes that do not shrink with the chunk: the field (f64 xyz per point), per-orbital arrays (centres, q, index,
 * exponents, norms), the coefficient block [nOrb, D] in JS and in tfjs (twice each: the gathered copy and the
 * tensor), and the molecule's own arrays.
 */
export function fixedBytes(nAtoms: number, nField: number, nOrb: number, model: BudgetModel): number {
  return 24 * nField + 56 * nOrb + 4 * 4 * nOrb * model.dim + 64 * nAtoms;
}

/** A molecule's sizes under a model, from its elements alone (before anything is featurised). */
export function moleculeSizes(m: Pick<Molecule, "atomicNumbers">, model: BudgetModel): MoleculeSizes {
  const nAtoms = m.atomicNumbers.length;
  return { nAtoms, nField: nAtoms * model.templatePoints, nOrb: orbitalCount(m, model.basis) };
}

/**
 * The estimate for one molecule: the chunk holds as many field points as fit in `chunkBytes` (all of them when
 * the field fits, else at least MIN_CHUNK_ROWS), fewer if the total would pass `maxBytes`.
 */
export function estimateMemory(sizes: MoleculeSizes, model: BudgetModel, chunkBytes = DEFAULT_CHUNK_BYTES,
                               maxBytes = Infinity): MemoryEstimate {
  const { nAtoms, nField, nOrb } = sizes;
  const perRow = bytesPerFieldPoint(nOrb, model), fixed = fixedBytes(nAtoms, nField, nOrb, model);
  let rows = Math.min(nField, Math.max(MIN_CHUNK_ROWS, Math.floor(chunkBytes / perRow)));
  // A tighter limit than the default chunk allows: smaller chunks, down to MIN_CHUNK_ROWS.
  if (SLACK * (fixed + rows * perRow) > maxBytes) {
    rows = Math.min(rows, Math.max(MIN_CHUNK_ROWS, Math.floor((maxBytes / SLACK - fixed) / perRow)));
  }
  rows = Math.max(1, Math.min(rows, nField));
  return { nAtoms, nField, nOrb, chunkRows: rows, chunks: Math.ceil(nField / rows), bytes: Math.ceil(SLACK * (fixed + rows * perRow)) };
}

/**
 * Density (qdf density): the LCAO function is built over the whole field at once (distances, basis values and B C,
 * ~5 copies of nField x nOrb floats and 3 of nField x D; the density matrix P [nOrb x nOrb] in float64 and twice in
 * float32), then rho, the psi_k asked for and the potentials are evaluated on `gridPoints` box points.
 */
export function densityMemory(sizes: MoleculeSizes, dim: number, gridPoints: number, gridValues: number): number {
  const { nField, nOrb } = sizes;
  return SLACK * (20 * nField * nOrb + 12 * nField * dim + 16 * nOrb * nOrb + 24 * nOrb * dim + 24 * nField +
    gridPoints * (24 + 8 * gridValues));
}

/** "2.1 GiB", "512 MiB": a byte count for messages. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${u === 0 ? v : v.toPrecision(3)} ${units[u]}`;
}

/** Thrown before the work when a molecule's estimate is over the limit. */
export class MemoryBudgetError extends Error {
  constructor(moleculeId: string, estimate: Omit<MemoryEstimate, "chunkRows">, limit: number, what = "to predict") {
    const chunks = estimate.chunks > 1 ? `, in ${estimate.chunks} chunks` : "";
    super(`molecule ${moleculeId}: needs about ${formatBytes(estimate.bytes)} ${what} (${estimate.nField} field points ` +
      `x ${estimate.nOrb} orbitals${chunks}), over the limit of ${formatBytes(limit)} (--max-memory)`);
    this.name = "MemoryBudgetError";
  }
}

/** How a prediction may use memory: the limit per molecule and the chunks' working size (bytes). */
export interface MemoryBudget {
  /** Default DEFAULT_MAX_MEMORY. */
  maxBytes?: number;
  /** Default DEFAULT_CHUNK_BYTES. */
  chunkBytes?: number;
}

/** The molecule's estimate under a budget, or MemoryBudgetError when even the smallest chunks would pass its limit. */
export function checkMemory(m: Pick<Molecule, "id" | "atomicNumbers">, model: BudgetModel, budget: MemoryBudget = {}): MemoryEstimate {
  const maxBytes = budget.maxBytes ?? DEFAULT_MAX_MEMORY;
  const e = estimateMemory(moleculeSizes(m, model), model, budget.chunkBytes ?? DEFAULT_CHUNK_BYTES, maxBytes);
  if (e.bytes > maxBytes) throw new MemoryBudgetError(m.id, e, maxBytes);
  return e;
}
