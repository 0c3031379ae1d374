// Vectorised float32 exp for the kernels (Cephes expf polynomial, ~1 ulp on the range used here).

// @ts-ignore: decorator
@inline
export function expf4(x: v128): v128 {
  const lo = f32x4.splat(-87.3);
  const under = f32x4.lt(x, lo);
  x = f32x4.min(f32x4.max(x, lo), f32x4.splat(88.7));
  const fx = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(0.5)));
  let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), f32x4.splat(1.0));
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  const res = f32x4.mul(y, pow2);
  // exp(x) for x below float32's normal range is 0 here (the reference's value is at most a denormal).
  return v128.andnot(res, under);
}

/** d^e per lane for exponents e that are small non-negative integers (q - 1: 0 or 1 with every basis set parsed). */
// @ts-ignore: decorator
@inline
export function powInt4(d: v128, e: v128): v128 {
  let r = f32x4.splat(1);
  let k = f32x4.splat(0);
  const one = f32x4.splat(1);
  while (v128.any_true(f32x4.lt(k, e))) { // multiply while any lane needs it
    r = v128.bitselect(f32x4.mul(r, d), r, f32x4.lt(k, e));
    k = f32x4.add(k, one);
  }
  return r;
}
