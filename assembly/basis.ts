// Atomic-orbital (basis) kernels: distances to orbital centres, Gaussian-type values with column norms (from
// distances or straight from the field points), and d/dzeta.
import { gaussianOrbital, gaussianOrbital4 } from "./orbital";
import { scaleColumns } from "./columns";

/** One point's distances to every centre (float64, rounded to float32, 0 -> 1e6) into row f32 [nCentres]. */
// @ts-ignore: decorator
@inline
function distanceRow(pp: usize, centres: usize, nCentres: i32, row: usize): void {
  const pxy = v128.load(pp);
  const pz = load<f64>(pp, 16);
  for (let c = 0; c < nCentres; c++) {
    const cp = centres + (<usize>c * 3 << 3);
    const dxy = f64x2.sub(pxy, v128.load(cp));
    const dz = pz - load<f64>(cp, 16);
    const sq = f64x2.mul(dxy, dxy);
    // Same association as numpy's norm: (dx^2 + dy^2) + dz^2.
    let d = Math.sqrt(f64x2.extract_lane(sq, 0) + f64x2.extract_lane(sq, 1) + dz * dz);
    if (d == 0.0) d = 1e6;
    store<f32>(row + (<usize>c << 2), <f32>d);
  }
}

/** The orbitals at byte offset off..off+15 of a row, at distances d: g into orow, g^2 added into sumsq. */
// @ts-ignore: decorator
@inline
function orbitals4Into(d: v128, q: usize, zeta: usize, off: usize, orow: usize, sumsq: usize): void {
  const qm1 = f32x4.sub(v128.load(q + off), f32x4.splat(1));
  const g = gaussianOrbital4(d, f32x4.mul(d, d), qm1, v128.load(zeta + off));
  v128.store(orow + off, g);
  v128.store(sumsq + off, f32x4.add(v128.load(sumsq + off), f32x4.mul(g, g)));
}

/** One orbital (the loops' tails), as orbitals4Into's lanes. */
// @ts-ignore: decorator
@inline
function orbitalInto(d: f32, q: usize, zeta: usize, off: usize, orow: usize, sumsq: usize): void {
  const g = gaussianOrbital(d, load<f32>(q + off) - 1, load<f32>(zeta + off));
  store<f32>(orow + off, g);
  store<f32>(sumsq + off, load<f32>(sumsq + off) + g * g);
}

/**
 * Distances from field points to centres, computed in float64 and rounded to float32, 0 -> 1e6.
 * points: f64 [nPoints * 3]; centres: f64 [nCentres * 3]; out: f32 [nPoints * nCentres] (row = point).
 */
export function distances(points: usize, nPoints: i32, centres: usize, nCentres: i32, out: usize): void {
  for (let p = 0; p < nPoints; p++) {
    distanceRow(points + (<usize>p * 3 << 3), centres, nCentres, out + (<usize>p * nCentres << 2));
  }
}

/**
 * basisSquares straight from the field points, bit for bit, without the [nPoints x nOrb] distance matrix: each
 * point's distances are taken once per centre (an atom's orbitals share one), and orbital o reads centre centreOf[o].
 * points: f64 [nPoints * 3]; centres: f64 [nCentres * 3]; centreOf: i32 [nOrb]; q, zeta: f32 [nOrb];
 * out: f32 [nPoints * nOrb]; sumsq: f32 [nOrb] (added into, not zeroed); work: f32 [nCentres].
 */
export function basisSquaresFromPoints(points: usize, nPoints: i32, centres: usize, nCentres: i32, centreOf: usize,
                                       q: usize, zeta: usize, nOrb: i32, out: usize, sumsq: usize, work: usize): void {
  const n4 = nOrb & ~3;
  for (let p = 0; p < nPoints; p++) {
    distanceRow(points + (<usize>p * 3 << 3), centres, nCentres, work);
    const orow = out + (<usize>p * nOrb << 2);
    let o = 0;
    for (; o < n4; o += 4) {
      const off = <usize>o << 2;
      const at = centreOf + off;
      let d = f32x4.splat(load<f32>(work + (<usize>load<i32>(at) << 2)));
      d = f32x4.replace_lane(d, 1, load<f32>(work + (<usize>load<i32>(at, 4) << 2)));
      d = f32x4.replace_lane(d, 2, load<f32>(work + (<usize>load<i32>(at, 8) << 2)));
      d = f32x4.replace_lane(d, 3, load<f32>(work + (<usize>load<i32>(at, 12) << 2)));
      orbitals4Into(d, q, zeta, off, orow, sumsq);
    }
    for (; o < nOrb; o++) {
      const off = <usize>o << 2;
      orbitalInto(load<f32>(work + (<usize>load<i32>(centreOf + off) << 2)), q, zeta, off, orow, sumsq);
    }
  }
}

/**
 * Raw basis values g(p,o) = d^(q_o - 1) exp(-zeta_o d^2) into out, and g^2 added into sumsq (float32, not zeroed).
 * dist: f32 [nPoints * nOrb]; q, zeta: f32 [nOrb]; out: f32 [nPoints * nOrb] (may be dist itself); sumsq: f32 [nOrb].
 * nOrb need not be a multiple of 4; the tail is done lane by lane.
 */
function basisSquares(dist: usize, q: usize, zeta: usize, nPoints: i32, nOrb: i32, out: usize, sumsq: usize): void {
  const n4 = nOrb & ~3;
  for (let p = 0; p < nPoints; p++) {
    const drow = dist + (<usize>p * nOrb << 2);
    const orow = out + (<usize>p * nOrb << 2);
    let o = 0;
    for (; o < n4; o += 4) {
      const off = <usize>o << 2;
      const d = v128.load(drow + off);
      orbitals4Into(d, q, zeta, off, orow, sumsq);
    }
    for (; o < nOrb; o++) {
      const off = <usize>o << 2;
      orbitalInto(load<f32>(drow + off), q, zeta, off, orow, sumsq);
    }
  }
}

/**
 * Basis values g(p,o) = d^(q_o - 1) exp(-zeta_o d^2), then each column divided by max(||g(:,o)||, 1e-12).
 * dist: f32 [nPoints * nOrb]; q, zeta: f32 [nOrb]; out: f32 [nPoints * nOrb]; norms: f32 [nOrb] (before the floor).
 */
export function basis(dist: usize, q: usize, zeta: usize, nPoints: i32, nOrb: i32, out: usize, norms: usize): void {
  for (let o = 0; o < nOrb; o++) store<f32>(norms + (<usize>o << 2), 0);
  basisSquares(dist, q, zeta, nPoints, nOrb, out, norms);
  normaliseColumns(out, nPoints, nOrb, norms);
}

/**
 * basis straight from the field points (basisSquaresFromPoints's arguments; norms: f32 [nOrb], before the floor):
 * the same values and norms bit for bit as distances then basis on the orbitals' own centres.
 */
export function basisFromPoints(points: usize, nPoints: i32, centres: usize, nCentres: i32, centreOf: usize,
                                q: usize, zeta: usize, nOrb: i32, out: usize, norms: usize, work: usize): void {
  for (let o = 0; o < nOrb; o++) store<f32>(norms + (<usize>o << 2), 0);
  basisSquaresFromPoints(points, nPoints, centres, nCentres, centreOf, q, zeta, nOrb, out, norms, work);
  normaliseColumns(out, nPoints, nOrb, norms);
}

/** Sums of squares -> norms in place, then each column of out divided by max(norm, 1e-12). */
function normaliseColumns(out: usize, nPoints: i32, nOrb: i32, norms: usize): void {
  for (let o = 0; o < nOrb; o++) {
    const off = <usize>o << 2;
    store<f32>(norms + off, Mathf.sqrt(load<f32>(norms + off)));
  }
  scaleColumns(out, nPoints, nOrb, norms, 1);
}

/**
 * Gradient of a loss through the normalised basis with respect to each column's zeta.
 * With g the raw values, n = ||g||, b = g / n and dg/dzeta = -d^2 g:
 *   dL/dzeta_o = sum_p G b' - (sum_p G b)(sum_p b b'), where b' = -d^2 b
 * i.e. the derivative of g/n projected off b. (Columns whose norm hit the 1e-12 floor get 0.)
 * dist, b, upstream: f32 [nPoints * nOrb]; norms: f32 [nOrb] (unfloored, from `basis`); out: f32 [nOrb].
 */
export function basisZetaGrad(dist: usize, b: usize, norms: usize, upstream: usize,
                              nPoints: i32, nOrb: i32, out: usize, work: usize): void {
  // work: f32 [3 * nOrb] accumulators: sum G b', sum G b, sum b b'.
  const gbp = work, gb = work + (<usize>nOrb << 2), bbp = work + (<usize>nOrb << 3);
  for (let o = 0; o < nOrb * 3; o++) store<f32>(work + (<usize>o << 2), 0);
  for (let p = 0; p < nPoints; p++) {
    const base = <usize>p * nOrb << 2;
    for (let o = 0; o < nOrb; o++) {
      const off = <usize>o << 2;
      const d = load<f32>(dist + base + off);
      const bv = load<f32>(b + base + off);
      const g = load<f32>(upstream + base + off);
      const bp = -d * d * bv;
      store<f32>(gbp + off, load<f32>(gbp + off) + g * bp);
      store<f32>(gb + off, load<f32>(gb + off) + g * bv);
      store<f32>(bbp + off, load<f32>(bbp + off) + bv * bp);
    }
  }
  for (let o = 0; o < nOrb; o++) {
    const off = <usize>o << 2;
    const grad = load<f32>(norms + off) > 1e-12
      ? load<f32>(gbp + off) - load<f32>(gb + off) * load<f32>(bbp + off)
      : <f32>0;
    store<f32>(out + off, grad);
  }
}
