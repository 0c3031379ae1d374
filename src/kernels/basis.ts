// Typed wrappers of the basis kernels (assembly/basis.ts): distances, normalised Gaussian-type values, d/dzeta.
import { Scratch } from "./instance.js";

/** Distances f32 [nPoints * nCentres] from points f64 [nPoints * 3] to centres f64 [nCentres * 3]; 0 -> 1e6. */
export function distances(points: Float64Array, centres: Float64Array): Float32Array {
  const nP = points.length / 3, nC = centres.length / 3;
  const s = new Scratch();
  const p = s.put(points), c = s.put(centres);
  const out = s.alloc(nP * nC * 4);
  s.k.distances(p, nP, c, nC, out);
  return s.f32(out, nP * nC);
}

export interface BasisValues {
  /** f32 [nPoints * nOrb]: column-normalised basis values. */
  values: Float32Array;
  /** f32 [nOrb]: each column's L2 norm before normalisation (unfloored). */
  norms: Float32Array;
}

/** Basis matrix from distances f32 [nPoints * nOrb], quantum numbers q and exponents zeta (f32 [nOrb] each). */
export function basisValues(dist: Float32Array, q: Float32Array, zeta: Float32Array, nPoints: number): BasisValues {
  const nOrb = q.length;
  if (dist.length !== nPoints * nOrb || zeta.length !== nOrb) throw new Error("basisValues: shape mismatch");
  const s = new Scratch();
  const d = s.put(dist), qp = s.put(q), zp = s.put(zeta);
  const o = s.alloc(nPoints * nOrb * 4), n = s.alloc(nOrb * 4);
  s.k.basis(d, qp, zp, nPoints, nOrb, o, n);
  return { values: s.f32(o, nPoints * nOrb), norms: s.f32(n, nOrb) };
}

/**
 * Raw basis values of some rows (dist f32 [nPoints * nOrb]) with their squares added into sumsq f32 [nOrb], in
 * place: the first pass of the column norms over a field taken in row chunks (the sums bit for bit as `basisValues`').
 */
export function addBasisSquares(dist: Float32Array, q: Float32Array, zeta: Float32Array, nPoints: number,
                                sumsq: Float32Array): void {
  const nOrb = q.length;
  if (dist.length !== nPoints * nOrb || zeta.length !== nOrb || sumsq.length !== nOrb) throw new Error("addBasisSquares: shape mismatch");
  const s = new Scratch();
  const d = s.put(dist), qp = s.put(q), zp = s.put(zeta), sp = s.put(sumsq);
  s.k.basisSquares(d, qp, zp, nPoints, nOrb, d, sp);
  s.readInto(sp, sumsq);
}

/**
 * Basis values of some rows, each column divided by max(norms[o], 1e-12) where norms f32 [nOrb] are the columns'
 * norms over the whole field: a row chunk of what `basisValues` gives for all the rows, bit for bit.
 */
export function basisValuesWithNorms(dist: Float32Array, q: Float32Array, zeta: Float32Array, nPoints: number,
                                     norms: Float32Array): Float32Array {
  const nOrb = q.length;
  if (dist.length !== nPoints * nOrb || zeta.length !== nOrb || norms.length !== nOrb) throw new Error("basisValuesWithNorms: shape mismatch");
  const s = new Scratch();
  const d = s.put(dist), qp = s.put(q), zp = s.put(zeta), np = s.put(norms), work = s.alloc(nOrb * 4);
  s.k.basisSquares(d, qp, zp, nPoints, nOrb, d, work);
  s.k.scaleColumns(d, nPoints, nOrb, np, 1);
  return s.f32(d, nPoints * nOrb);
}

/** dL/dzeta per column f32 [nOrb], given the upstream gradient dL/dB f32 [nPoints * nOrb]. */
export function basisZetaGrad(dist: Float32Array, basis: BasisValues, upstream: Float32Array, nPoints: number): Float32Array {
  const nOrb = basis.norms.length;
  const s = new Scratch();
  const d = s.put(dist), b = s.put(basis.values), n = s.put(basis.norms), g = s.put(upstream);
  const out = s.alloc(nOrb * 4), work = s.alloc(nOrb * 12);
  s.k.basisZetaGrad(d, b, n, g, nPoints, nOrb, out, work);
  return s.f32(out, nOrb);
}
