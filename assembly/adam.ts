// Adam's element-wise update (PyTorch's rule) in f32 SIMD: every operation rounds as PyTorch's float32 kernels do.

/**
 * In place over n elements: m = m b1 + g a1; v = v b2 + (g g) a2; p -= stepSize * (m / (sqrt(v) / bc2 + eps)).
 * g = 0 (no pointer): a step without a gradient (the moments decay). p, g, m, v: f32 [n].
 */
export function adamStep(p: usize, g: usize, m: usize, v: usize, n: i32, b1: f32, a1: f32, b2: f32, a2: f32,
                         eps: f32, bc2: f32, stepSize: f32): void {
  const vb1 = f32x4.splat(b1), va1 = f32x4.splat(a1), vb2 = f32x4.splat(b2), va2 = f32x4.splat(a2);
  const ve = f32x4.splat(eps), vbc2 = f32x4.splat(bc2), vs = f32x4.splat(stepSize), zero = f32x4.splat(0);
  const n4 = n & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const gi = g ? v128.load(g + o) : zero;
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), f32x4.mul(gi, va1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(f32x4.mul(gi, gi), va2));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), vbc2), ve);
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vs, f32x4.div(mi, denom))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi: f32 = g ? load<f32>(g + o) : 0;
    const mi = load<f32>(m + o) * b1 + gi * a1;
    const vi = load<f32>(v + o) * b2 + gi * gi * a2;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) - stepSize * (mi / (Mathf.sqrt(vi) / bc2 + eps)));
  }
}
