// The learned LCAO of one molecule as a function of position: the forward pass's normalisation factors, frozen.
import type { Molecule } from "../chem/molecule.js";
import { columnNorms } from "../kernels/columns.js";
import { basisFrozen, orbitalZeta } from "../model/basis.js";
import { featurize } from "../model/features.js";
import { shifted } from "../chem/geometryChecks.js";
import { EPS, normalizedCoefficients, orbitalFactor, orbitalProducts } from "../model/lcao.js";
import type { QdfModel } from "../model/qdf.js";


/**
 * psi_k(r) = sum_o g_o(r) C[o, k] / n_o with raw g_o(r) = d^(q_o-1) exp(-zeta_o d^2), d = |r - centre_o|, where
 * n_o are the basis columns' norms over the molecule's field points and C is the coefficient block normalised over
 * the molecule's orbital rows, then scaled per column by lcao.ts's orbitalFactor (Psi on the field points). Built from
 * the basis and LCAO stages' frozen forms, so at the field points psi and rho = sum_k psi_k^2 are the forward pass's.
 */
export interface LcaoFunction {
  molecule: Molecule;
  nOrb: number;
  /** D: number of molecular orbitals. */
  dim: number;
  nElectrons: number;
  /** Orbital centres (their atoms), f64 [nOrb * 3], angstrom, in the input's frame (as the molecule's coordinates). */
  centres: Float64Array;
  /** Quantum numbers and exponents, f32 [nOrb]. */
  q: Float32Array;
  zeta: Float32Array;
  /** n_o: basis column norms over the field points, floored at 1e-12 as the forward pass does, f64 [nOrb]. */
  basisNorms: Float64Array;
  /** C: fully scaled coefficients, f64 [nOrb * D]. */
  coefficients: Float64Array;
  /** P = diag(1/n) C C^T diag(1/n), f64 [nOrb * nOrb]: rho(r) = g(r)^T P g(r) over raw g. */
  densityMatrix: Float64Array;
  /** The molecule's field points, f64 [nField * 3] in the input's frame, and the forward pass's rho there, f64 [nField]. */
  field: Float64Array;
  fieldRho: Float64Array;
  /** max |psi_k| over the field points, f64 [D] (a scale for orbital cutoffs). */
  fieldPsiMax: Float64Array;
}

/** Builds the LCAO function of a molecule under a model (throws UnknownOrbitalError for elements it never saw). */
export function lcaoFunction(model: QdfModel, m: Molecule): LcaoFunction {
  const f = featurize(m, model.ctx);
  const D = model.config.dim, nOrb = f.orbitalIndex.length, M = f.nField;
  const coef = model.p("coefficient.weight").dataSync() as Float32Array;
  const zetaTable = model.p("zeta.weight").dataSync() as Float32Array;
  // The forward pass's own frozen stages, so field-point values are the prediction path's.
  const zeta = orbitalZeta(f, zetaTable);
  const b = basisFrozen(f, zetaTable);
  const basisNorms = Float64Array.from(b.norms, (n) => Math.max(n, EPS));
  const C32 = normalizedCoefficients(coef, f.orbitalIndex, D, new Float32Array(nOrb * D));
  const products = orbitalProducts(b.values, C32, M, D);
  // Psi's column factors in float64 fold into C, so rho summed over the field is N_elec to float64 rounding.
  const factor = Float64Array.from(columnNorms(products, M), (n) => orbitalFactor(n, f.nElectrons, D));
  const C = Float64Array.from(C32, (c, i) => c * factor[i % D]!);
  const fieldRho = new Float64Array(M);
  const fieldPsiMax = new Float64Array(D);
  for (let p = 0; p < M; p++) {
    let r = 0;
    for (let k = 0; k < D; k++) {
      const v = products[p * D + k]! * factor[k]!;
      r += v * v;
      fieldPsiMax[k] = Math.max(fieldPsiMax[k]!, Math.abs(v));
    }
    fieldRho[p] = r;
  }
  // P = diag(1/n) C C^T diag(1/n): nOrb^2 D once per molecule, then nOrb^2 per grid point instead of nOrb D.
  const P = new Float64Array(nOrb * nOrb);
  for (let i = 0; i < nOrb; i++) {
    for (let j = i; j < nOrb; j++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += C[i * D + k]! * C[j * D + k]!;
      s /= basisNorms[i]! * basisNorms[j]!;
      P[i * nOrb + j] = s;
      P[j * nOrb + i] = s;
    }
  }
  // featurize centred the molecule; cubes and slices are in the input's frame, so the positions go back there.
  const back = f.origin.map((v) => -v);
  return {
    molecule: m, nOrb, dim: D, nElectrons: f.nElectrons, centres: shifted(f.centres, back), q: f.q, zeta, basisNorms,
    coefficients: C, densityMatrix: P, field: shifted(f.field, back), fieldRho, fieldPsiMax,
  };
}
