// The quantum deep descriptor (QDD): one fixed-length vector per molecule from a QDF model's own frozen stages.
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";
import type { QdfConfig } from "../model/config.js";
import { featurize } from "../model/features.js";
import { readoutOfSums } from "../model/readout.js";
import { checkMemory, type MemoryBudget } from "../model/memoryBudget.js";
import { checkGeometry } from "../chem/geometryChecks.js";
import type { QdfModel } from "../model/qdf.js";
import { itemMolecule, moleculeResult, parseErrorResult, whereText, type PredictionResult } from "./result.js";

/** A molecule's descriptor (absent when it failed: `error` says why), with its identity as prediction gives it. */
export interface DescriptorResult extends PredictionResult {
  descriptor?: number[];
}

/**
 * The descriptor's column names, in order (README "Quantum deep descriptor"): the functional's last hidden layer
 * summed (hsum_j) and averaged (hmean_j) over the field points, the electron and atom counts, the model's predicted
 * properties (without any atomref) and per atom, the density's sum of squares and maximum over the field points.
 */
export function descriptorNames(config: Pick<QdfConfig, "dim" | "outputs">): string[] {
  const D = config.dim, K = config.outputs;
  const per = (name: string, n: number) => Array.from({ length: n }, (_, j) => `${name}${n === 1 && name.startsWith("energy") ? "" : `_${j}`}`);
  return [...per("hsum", D), ...per("hmean", D), "n_electrons", "n_atoms", ...per("energy", K), ...per("energy_per_atom", K),
    "rho2_sum", "rho_max"];
}

/**
 * One molecule's descriptor f64, from the frozen stages: Psi (lcao) and the functional's last hidden layer summed over
 * the field (hiddenSums), the readout, the head. `chunkRows` field points at a time (memoryBudget.ts), same values.
 */
export function describeMolecule(model: QdfModel, m: Molecule, chunkRows?: number): Float64Array {
  const frozen = model.frozen(), config = model.config, D = config.dim, K = config.outputs;
  const f = featurize(m, model.ctx);
  // rho(p) = sum over Psi's columns of Psi(p, :)^2 (method.md step 5), point by point as the chunks pass.
  let rho2 = 0, rhoMax = 0;
  const sum = frozen.hiddenSums(f, chunkRows ?? f.nField, (psi, rows) => {
    for (let p = 0; p < rows; p++) {
      let rho = 0;
      for (let j = 0; j < D; j++) { const v = psi[p * D + j]!; rho += v * v; }
      rho2 += rho * rho;
      if (rho > rhoMax) rhoMax = rho;
    }
  });
  const width = sum.length;
  const energy = frozen.head(readoutOfSums(Float64Array.from(sum), f.nField, config.operation));
  const out = new Float64Array(2 * width + 4 + 2 * K);
  out.set(sum, 0);
  for (let j = 0; j < width; j++) out[width + j] = sum[j]! / f.nField;
  let o = 2 * width;
  out[o++] = f.nElectrons;
  out[o++] = f.nAtoms;
  for (let k = 0; k < K; k++) out[o + k] = energy[k]!;
  for (let k = 0; k < K; k++) out[o + K + k] = energy[k]! / f.nAtoms;
  o += 2 * K;
  out[o++] = rho2;
  out[o++] = rhoMax;
  return out;
}

/**
 * One molecule's descriptor result; an unusable geometry, a molecule over the memory limit (checked before any work,
 * as prediction does), an unseen element or any other failure becomes `error` (with file and line).
 */
export function descriptorResult(model: QdfModel, m: Molecule, budget: MemoryBudget = {}): DescriptorResult {
  const result: DescriptorResult = moleculeResult(m);
  try {
    checkGeometry(m);
    const estimate = checkMemory(m, model.budgetModel(), budget);
    result.descriptor = Array.from(describeMolecule(model, m, estimate.chunkRows));
  } catch (e) {
    result.error = whereText(m) + (e as Error).message;
  }
  return result;
}

/** Streams descriptor results in input order (parse errors become error results); memory stays flat. */
export function* descriptorStream(model: QdfModel, items: Iterable<Molecule | ParseItem>,
                                  budget: MemoryBudget = {}): Generator<DescriptorResult> {
  for (const item of items) yield "error" in item ? parseErrorResult(item) : descriptorResult(model, itemMolecule(item), budget);
}

/** The descriptor of every molecule, in input order. */
export function descriptor(model: QdfModel, molecules: Iterable<Molecule | ParseItem>, budget: MemoryBudget = {}): DescriptorResult[] {
  return [...descriptorStream(model, molecules, budget)];
}
