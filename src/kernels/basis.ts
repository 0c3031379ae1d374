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

/** dL/dzeta per column f32 [nOrb], given the upstream gradient dL/dB f32 [nPoints * nOrb]. */
export function basisZetaGrad(dist: Float32Array, basis: BasisValues, upstream: Float32Array, nPoints: number): Float32Array {
  const nOrb = basis.norms.length;
  const s = new Scratch();
  const d = s.put(dist), b = s.put(basis.values), n = s.put(basis.norms), g = s.put(upstream);
  const out = s.alloc(nOrb * 4), work = s.alloc(nOrb * 12);
  s.k.basisZetaGrad(d, b, n, g, nPoints, nOrb, out, work);
  return s.f32(out, nOrb);
}
