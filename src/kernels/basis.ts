// Typed wrappers of the basis kernels (assembly/basis.ts): distances, normalised Gaussian-type values (from distances
// or straight from field points and orbital centres), d/dzeta.
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
 * Where the from-points kernels read the orbitals: points f64 [nPoints * 3], centres f64 [nCentres * 3], and
 * centreOf i32 [nOrb], the centre each orbital sits on (many orbitals share one: an atom's).
 */
export interface OrbitalSites {
  points: Float64Array;
  centres: Float64Array;
  centreOf: Int32Array;
}

/** The pointers and sizes the from-points kernels share, in a scratch scope. */
function putSites(s: Scratch, { points, centres, centreOf }: OrbitalSites, q: Float32Array, zeta: Float32Array) {
  const nOrb = q.length;
  if (centreOf.length !== nOrb || zeta.length !== nOrb) throw new Error("basis from points: shape mismatch");
  return {
    nPoints: points.length / 3, nOrb, nCentres: centres.length / 3,
    points: s.put(points), centres: s.put(centres), centreOf: s.put(centreOf), q: s.put(q), zeta: s.put(zeta),
    work: s.alloc(centres.length / 3 * 4),
  };
}

/**
 * basisValues(distances(points, the orbitals' centres), q, zeta) bit for bit, without the [nPoints x nOrb]
 * distances: each point's distance to a centre is taken once for all the orbitals on it.
 */
export function basisValuesFromPoints(sites: OrbitalSites, q: Float32Array, zeta: Float32Array): BasisValues {
  const s = new Scratch(), a = putSites(s, sites, q, zeta);
  const o = s.alloc(a.nPoints * a.nOrb * 4), n = s.alloc(a.nOrb * 4);
  s.k.basisFromPoints(a.points, a.nPoints, a.centres, a.nCentres, a.centreOf, a.q, a.zeta, a.nOrb, o, n, a.work);
  return { values: s.f32(o, a.nPoints * a.nOrb), norms: s.f32(n, a.nOrb) };
}

/** Columns in runs (src, dst, len) of consecutive groups, i32 [3 * runs], as sumColumnRuns reads them. */
function columnRuns(groupOf: Int32Array): Int32Array {
  const runs: number[] = [];
  for (let c = 0; c < groupOf.length; c++) {
    const n = runs.length;
    if (n > 0 && runs[n - 3]! + runs[n - 1]! === c && runs[n - 2]! + runs[n - 1]! === groupOf[c]) runs[n - 1]!++;
    else runs.push(c, groupOf[c]!, 1);
  }
  return Int32Array.from(runs);
}

/**
 * basisValuesFromPoints' values with the columns of each group summed, f32 [nPoints * groups]: column o goes into
 * group groupOf[o] (i32 [nOrb], each in 0..groups-1), after its normalisation, float32 sums with o ascending.
 */
export function basisGroupSumsFromPoints(sites: OrbitalSites, q: Float32Array, zeta: Float32Array,
                                         groupOf: Int32Array, groups: number): Float32Array {
  if (groupOf.length !== q.length) throw new Error("basisGroupSumsFromPoints: shape mismatch");
  if (groupOf.some((g) => g < 0 || g >= groups)) throw new Error(`basisGroupSumsFromPoints: a group outside 0..${groups - 1}`);
  const runs = columnRuns(groupOf);
  const s = new Scratch(), a = putSites(s, sites, q, zeta), rp = s.put(runs);
  const o = s.alloc(a.nPoints * a.nOrb * 4), n = s.alloc(a.nOrb * 4), out = s.alloc(a.nPoints * groups * 4);
  s.k.basisFromPoints(a.points, a.nPoints, a.centres, a.nCentres, a.centreOf, a.q, a.zeta, a.nOrb, o, n, a.work);
  s.k.sumColumnRuns(o, a.nPoints, a.nOrb, rp, runs.length / 3, groups, out);
  return s.f32(out, a.nPoints * groups);
}

/**
 * The squares of some rows' raw basis values (those points' basisValuesFromPoints before the norms) added into
 * sumsq f32 [nOrb] in place: the first pass of the column norms over a field taken in row chunks, whose sums are
 * then basisValuesFromPoints' norms squared, bit for bit.
 */
export function addBasisSquaresFromPoints(sites: OrbitalSites, q: Float32Array, zeta: Float32Array,
                                          sumsq: Float32Array): void {
  if (sumsq.length !== q.length) throw new Error("addBasisSquaresFromPoints: shape mismatch");
  const s = new Scratch(), a = putSites(s, sites, q, zeta), sp = s.put(sumsq);
  const o = s.alloc(a.nPoints * a.nOrb * 4);
  s.k.basisSquaresFromPoints(a.points, a.nPoints, a.centres, a.nCentres, a.centreOf, a.q, a.zeta, a.nOrb, o, sp, a.work);
  s.readInto(sp, sumsq);
}

/**
 * Basis values of some rows, each column divided by max(norms[o], 1e-12) where norms f32 [nOrb] are the columns'
 * norms over the whole field: a row chunk of what basisValuesFromPoints gives for all the rows, bit for bit.
 */
export function basisValuesFromPointsWithNorms(sites: OrbitalSites, q: Float32Array, zeta: Float32Array,
                                               norms: Float32Array): Float32Array {
  if (norms.length !== q.length) throw new Error("basisValuesFromPointsWithNorms: shape mismatch");
  const s = new Scratch(), a = putSites(s, sites, q, zeta), np = s.put(norms);
  const o = s.alloc(a.nPoints * a.nOrb * 4), sumsq = s.alloc(a.nOrb * 4);
  s.k.basisSquaresFromPoints(a.points, a.nPoints, a.centres, a.nCentres, a.centreOf, a.q, a.zeta, a.nOrb, o, sumsq, a.work);
  s.k.scaleColumns(o, a.nPoints, a.nOrb, np, 1);
  return s.f32(o, a.nPoints * a.nOrb);
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
