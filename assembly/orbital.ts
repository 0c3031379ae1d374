// The Gaussian-type atomic orbital g = d^(q-1) exp(-zeta d^2): the one place the basis function is written.
import { expf4, powInt4 } from "./simdmath";

/**
 * g for 4 orbitals at once: d and d2 = d * d (callers hold one or the other cheaply), qm1 = q - 1, zeta.
 * d is only read where some lane has q - 1 > 0 (powInt4 multiplies nothing for exponent 0), so a caller with only d2
 * may pass d2 itself as d when every lane's q is 1.
 */
// @ts-ignore: decorator
@inline
export function gaussianOrbital4(d: v128, d2: v128, qm1: v128, zeta: v128): v128 {
  return f32x4.mul(powInt4(d, qm1), expf4(f32x4.neg(f32x4.mul(zeta, d2))));
}

/** g for one orbital (the tails of the SIMD loops): lane 0 of gaussianOrbital4, so body and tail agree bit for bit. */
// @ts-ignore: decorator
@inline
export function gaussianOrbital(d: f32, qm1: f32, zeta: f32): f32 {
  return f32x4.extract_lane(gaussianOrbital4(f32x4.splat(d), f32x4.splat(d * d), f32x4.splat(qm1), f32x4.splat(zeta)), 0);
}
