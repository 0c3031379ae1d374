// The quantum deep descriptor (QDD): one fixed-length vector per molecule from a QDF model's own frozen stages.
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";
import type { QdfConfig } from "../model/config.js";
import { featurize } from "../model/features.js";
import { readoutFrozen } from "../model/readout.js";
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

/** One molecule's descriptor f64, from the frozen stages: Psi (lcao), h (functionalHiddenFrozen), the readout, the head. */
export function describeMolecule(model: QdfModel, m: Molecule): Float64Array {
  const frozen = model.frozen(), config = model.config, D = config.dim, K = config.outputs;
  const f = featurize(m, model.ctx);
  const psi = frozen.orbitals(f);
  const h = frozen.hidden(f, psi);
  const width = h.length / f.nField;
  const sum = readoutFrozen(h, f.nField, "sum");
  const reduced = config.operation === "sum" ? sum : readoutFrozen(h, f.nField, config.operation);
  const energy = frozen.head(reduced);
  const out = new Float64Array(2 * width + 4 + 2 * K);
  out.set(sum, 0);
  for (let j = 0; j < width; j++) out[width + j] = sum[j]! / f.nField;
  let o = 2 * width;
  out[o++] = f.nElectrons;
  out[o++] = f.nAtoms;
  for (let k = 0; k < K; k++) out[o + k] = energy[k]!;
  for (let k = 0; k < K; k++) out[o + K + k] = energy[k]! / f.nAtoms;
  o += 2 * K;
  // rho(p) = sum over Psi's columns of Psi(p, :)^2 (method.md step 5).
  let rho2 = 0, rhoMax = 0;
  for (let p = 0; p < f.nField; p++) {
    let rho = 0;
    for (let j = 0; j < D; j++) { const v = psi[p * D + j]!; rho += v * v; }
    rho2 += rho * rho;
    if (rho > rhoMax) rhoMax = rho;
  }
  out[o++] = rho2;
  out[o++] = rhoMax;
  return out;
}

/** One molecule's descriptor result; an unseen element or other failure becomes `error` (with file and line). */
export function descriptorResult(model: QdfModel, m: Molecule): DescriptorResult {
  const result: DescriptorResult = moleculeResult(m);
  try {
    result.descriptor = Array.from(describeMolecule(model, m));
  } catch (e) {
    result.error = whereText(m) + (e as Error).message;
  }
  return result;
}

/** Streams descriptor results in input order (parse errors become error results); memory stays flat. */
export function* descriptorStream(model: QdfModel, items: Iterable<Molecule | ParseItem>): Generator<DescriptorResult> {
  for (const item of items) yield "error" in item ? parseErrorResult(item) : descriptorResult(model, itemMolecule(item));
}

/** The descriptor of every molecule, in input order. */
export function descriptor(model: QdfModel, molecules: Iterable<Molecule | ParseItem>): DescriptorResult[] {
  return [...descriptorStream(model, molecules)];
}
