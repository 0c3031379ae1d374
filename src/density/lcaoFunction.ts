// The learned LCAO of one molecule as a function of position: the forward pass's normalisation factors, frozen.
import type { Molecule } from "../chem/molecule.js";
import { basisValues } from "../kernels/basis.js";
import { featurize } from "../model/features.js";
import { moleculeOrbitals } from "../model/orbitals.js";
import type { QdfModel } from "../model/qdf.js";
import { EPS, normalizedCoefficients, orbitalZeta } from "../model/lcao.js";


/**
 * psi_k(r) = sum_o g_o(r) C[o, k] / n_o with raw g_o(r) = d^(q_o-1) exp(-zeta_o d^2), d = |r - centre_o|, where
 * n_o are the basis columns' norms over the molecule's field points and C is the coefficient block normalised over
 * the molecule's orbital rows, then scaled per column by sqrt(N_elec / D) / ||Psi[:, k]|| (Psi on the field points).
 * So at the field points psi and rho = sum_k psi_k^2 are exactly the forward pass's (method.md section 5, steps 1-3).
 */
export interface LcaoFunction {
  molecule: Molecule;
  nOrb: number;
  /** D: number of molecular orbitals. */
  dim: number;
  nElectrons: number;
  /** Orbital centres (their atoms), f64 [nOrb * 3], angstrom. */
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
  /** The molecule's field points, f64 [nField * 3], and the forward pass's rho there, f64 [nField]. */
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
  // Step 1: the SIMD basis kernel's own values and norms, so field-point values match the forward pass bit for bit.
  const zeta = orbitalZeta(f, zetaTable);
  const b = basisValues(f.dist, f.q, zeta, M);
  const basisNorms = Float64Array.from(b.norms, (n) => Math.max(n, EPS));
  // Step 2: coefficient columns normalised over the molecule's rows (float64 from here on).
  const C = normalizedCoefficients(coef, f.orbitalIndex, D, new Float64Array(nOrb * D));
  // Step 3: Psi = B C on the field, column norms -> scale folded into C.
  const psi = new Float64Array(M * D);
  for (let p = 0; p < M; p++) {
    const row = psi.subarray(p * D, (p + 1) * D);
    for (let i = 0; i < nOrb; i++) {
      const bv = b.values[p * nOrb + i]!;
      if (bv === 0) continue;
      const ci = i * D;
      for (let k = 0; k < D; k++) row[k] += bv * C[ci + k]!;
    }
  }
  const psiNorm = new Float64Array(D);
  for (let p = 0; p < M; p++) for (let k = 0; k < D; k++) psiNorm[k] += psi[p * D + k]! ** 2;
  const target = Math.sqrt(f.nElectrons / D);
  const scale = Float64Array.from(psiNorm, (s) => target / Math.max(Math.sqrt(s), EPS));
  for (let i = 0; i < nOrb; i++) for (let k = 0; k < D; k++) C[i * D + k] *= scale[k]!;
  const fieldRho = new Float64Array(M);
  const fieldPsiMax = new Float64Array(D);
  for (let p = 0; p < M; p++) {
    let r = 0;
    for (let k = 0; k < D; k++) {
      const v = psi[p * D + k]! * scale[k]!;
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
  const centres = moleculeOrbitals(m, model.ctx.basis, model.config.orbitalDict).centres;
  return {
    molecule: m, nOrb, dim: D, nElectrons: f.nElectrons, centres, q: f.q, zeta, basisNorms, coefficients: C,
    densityMatrix: P, field: f.field, fieldRho, fieldPsiMax,
  };
}
