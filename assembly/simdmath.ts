// Vectorised float32 exp for the kernels (Cephes expf polynomial, ~1 ulp on the range used here).

/**
 * expf4's constants in a static table, read with load32_splat: V8 builds every v128.const afresh inside a loop (3-4
 * instructions each; it does not hoist them), and a broadcast load is one. QM9 basis: ~2x faster exp, bit for bit.
 */
const EXP_CONSTANTS = memory.data<f32>([
  -87.3, 88.7, 1.44269504088896341, 0.5, 0.693359375, -2.12194440e-4,
  1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, 1.0,
]);

// @ts-ignore: decorator
@inline
function expConstant(i: i32): v128 {
  return v128.load32_splat(EXP_CONSTANTS + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
export function expf4(x: v128): v128 {
  const lo = expConstant(0);
  const under = f32x4.lt(x, lo);
  // pmin/pmax are single instructions where min/max are ~8 (their NaN and -0 rules); for a clamp of x to these
  // bounds they agree (a NaN x stays NaN either way).
  x = f32x4.pmin(f32x4.pmax(x, lo), expConstant(1));
  const fx = f32x4.floor(f32x4.add(f32x4.mul(x, expConstant(2)), expConstant(3)));
  let r = f32x4.sub(x, f32x4.mul(fx, expConstant(4)));
  r = f32x4.sub(r, f32x4.mul(fx, expConstant(5)));
  let y = expConstant(6);
  y = f32x4.add(f32x4.mul(y, r), expConstant(7));
  y = f32x4.add(f32x4.mul(y, r), expConstant(8));
  y = f32x4.add(f32x4.mul(y, r), expConstant(9));
  y = f32x4.add(f32x4.mul(y, r), expConstant(10));
  y = f32x4.add(f32x4.mul(y, r), expConstant(11));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), expConstant(12));
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  const res = f32x4.mul(y, pow2);
  // exp(x) for x below float32's normal range is 0 here (the reference's value is at most a denormal).
  return v128.andnot(res, under);
}

/** d^e per lane for exponents e that are small non-negative integers (q - 1: 0 or 1 with every basis set parsed). */
// @ts-ignore: decorator
@inline
export function powInt4(d: v128, e: v128): v128 {
  const one = f32x4.splat(1);
  // The first factor by a select, not a loop: whether a lane needs it varies along a row (an atom's 1s then 2s/2p
  // orbitals), and a branch on it mispredicted; a second factor (q >= 3) never comes with the basis sets parsed.
  let r = v128.bitselect(d, one, f32x4.ge(e, one));
  let k = one;
  while (v128.any_true(f32x4.lt(k, e))) { // multiply while any lane needs more
    r = v128.bitselect(f32x4.mul(r, d), r, f32x4.lt(k, e));
    k = f32x4.add(k, one);
  }
  return r;
}
