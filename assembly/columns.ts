// Column reductions over point-major matrices (rows = field points): norms with scaling, and sums.

/**
 * In place: m[:, c] / max(||m[:, c]||, 1e-12) * scale, as torch's F.normalize(m, 2, 0) * scale.
 * m: f32 [rows * cols]; work: f32 [cols] (receives the unfloored norms).
 */
export function normalizeColumns(m: usize, rows: i32, cols: i32, scale: f32, work: usize): void {
  const c4 = cols & ~3;
  for (let c = 0; c < cols; c++) store<f32>(work + (<usize>c << 2), 0);
  for (let r = 0; r < rows; r++) {
    const row = m + (<usize>r * cols << 2);
    let c = 0;
    for (; c < c4; c += 4) {
      const v = v128.load(row + (<usize>c << 2));
      const w = work + (<usize>c << 2);
      v128.store(w, f32x4.add(v128.load(w), f32x4.mul(v, v)));
    }
    for (; c < cols; c++) {
      const v = load<f32>(row + (<usize>c << 2));
      const w = work + (<usize>c << 2);
      store<f32>(w, load<f32>(w) + v * v);
    }
  }
  for (let c = 0; c < cols; c++) {
    const w = work + (<usize>c << 2);
    store<f32>(w, Mathf.sqrt(load<f32>(w)));
  }
  scaleColumns(m, rows, cols, work, scale);
}

/**
 * In place: m[:, c] / max(norms[c], 1e-12) * scale (scale 1: the division alone, exactly).
 * m: f32 [rows * cols]; norms: f32 [cols].
 */
export function scaleColumns(m: usize, rows: i32, cols: i32, norms: usize, scale: f32): void {
  const c4 = cols & ~3;
  const s = f32x4.splat(scale), floor = f32x4.splat(1e-12);
  for (let r = 0; r < rows; r++) {
    const row = m + (<usize>r * cols << 2);
    let c = 0;
    for (; c < c4; c += 4) {
      const p = row + (<usize>c << 2);
      const n = f32x4.max(v128.load(norms + (<usize>c << 2)), floor);
      v128.store(p, f32x4.mul(f32x4.div(v128.load(p), n), s));
    }
    for (; c < cols; c++) {
      const p = row + (<usize>c << 2);
      store<f32>(p, load<f32>(p) / max<f32>(load<f32>(norms + (<usize>c << 2)), 1e-12) * scale);
    }
  }
}

/** out[c] = sum over rows of m[r, c], accumulated in f64 (two f64x2 lanes per 4 columns). m: f32 [rows * cols]; out: f64 [cols]. */
export function columnSums(m: usize, rows: i32, cols: i32, out: usize): void {
  const c4 = cols & ~3;
  for (let c = 0; c < cols; c++) store<f64>(out + (<usize>c << 3), 0);
  for (let r = 0; r < rows; r++) {
    const row = m + (<usize>r * cols << 2);
    let c = 0;
    for (; c < c4; c += 4) {
      const v = v128.load(row + (<usize>c << 2));
      const o = out + (<usize>c << 3);
      v128.store(o, f64x2.add(v128.load(o), f64x2.promote_low_f32x4(v)));
      v128.store(o, f64x2.add(v128.load(o, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1))), 16);
    }
    for (; c < cols; c++) {
      const o = out + (<usize>c << 3);
      store<f64>(o, load<f64>(o) + <f64>load<f32>(row + (<usize>c << 2)));
    }
  }
}
