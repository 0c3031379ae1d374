// Column reductions over point-major matrices (rows = field points): norms, scalings and sums.

/**
 * out[c] += sum over rows of m[r, c]^2, squares and sums in float64 (not zeroed: calls over consecutive row ranges with
 * one out give the sums over all the rows, bit for bit). m: f32 [rows * cols]; out: f64 [cols].
 */
export function columnSquaresAdd(m: usize, rows: i32, cols: i32, out: usize): void {
  const c2 = cols & ~1;
  for (let r = 0; r < rows; r++) {
    const row = m + (<usize>r * cols << 2);
    let c = 0;
    for (; c < c2; c += 2) {
      const v = f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>c << 2)));
      const o = out + (<usize>c << 3);
      v128.store(o, f64x2.add(v128.load(o), f64x2.mul(v, v)));
    }
    for (; c < cols; c++) {
      const v = <f64>load<f32>(row + (<usize>c << 2));
      const o = out + (<usize>c << 3);
      store<f64>(o, load<f64>(o) + v * v);
    }
  }
}

/** out[c] = ||m[:, c]||_2, squares and sums in float64. m: f32 [rows * cols]; out: f64 [cols]. */
export function columnNorms(m: usize, rows: i32, cols: i32, out: usize): void {
  for (let c = 0; c < cols; c++) store<f64>(out + (<usize>c << 3), 0);
  columnSquaresAdd(m, rows, cols, out);
  for (let c = 0; c < cols; c++) {
    const o = out + (<usize>c << 3);
    store<f64>(o, Math.sqrt(load<f64>(o)));
  }
}

/** In place: m[:, c] * factors[c]. m: f32 [rows * cols]; factors: f32 [cols]. */
export function multiplyColumns(m: usize, rows: i32, cols: i32, factors: usize): void {
  const c4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = m + (<usize>r * cols << 2);
    let c = 0;
    for (; c < c4; c += 4) {
      const p = row + (<usize>c << 2);
      v128.store(p, f32x4.mul(v128.load(p), v128.load(factors + (<usize>c << 2))));
    }
    for (; c < cols; c++) {
      const p = row + (<usize>c << 2);
      store<f32>(p, load<f32>(p) * load<f32>(factors + (<usize>c << 2)));
    }
  }
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

/**
 * out[c] += sum over rows of m[r, c], accumulated in f64 (two f64x2 lanes per 4 columns; not zeroed, so consecutive
 * row ranges with one out sum all the rows, bit for bit). m: f32 [rows * cols]; out: f64 [cols].
 */
export function columnSumsAdd(m: usize, rows: i32, cols: i32, out: usize): void {
  const c4 = cols & ~3;
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

/** out[c] = sum over rows of m[r, c], accumulated in f64. m: f32 [rows * cols]; out: f64 [cols]. */
export function columnSums(m: usize, rows: i32, cols: i32, out: usize): void {
  for (let c = 0; c < cols; c++) store<f64>(out + (<usize>c << 3), 0);
  columnSumsAdd(m, rows, cols, out);
}

/**
 * out[r, g] = sum of m[r, c] over the columns c in group g, float32, c ascending (out is zeroed here), with the
 * columns given as runs (src, dst, len): columns src..src+len-1 go into groups dst..dst+len-1, runs in column order
 * (an atom's orbitals are one run of consecutive orbital types), so 4 columns are added at a time.
 * m: f32 [rows * cols]; runs: i32 [3 * nRuns]; out: f32 [rows * groups].
 */
export function sumColumnRuns(m: usize, rows: i32, cols: i32, runs: usize, nRuns: i32, groups: i32, out: usize): void {
  memory.fill(out, 0, <usize>rows * groups << 2);
  for (let r = 0; r < rows; r++) {
    const row = m + (<usize>r * cols << 2), orow = out + (<usize>r * groups << 2);
    for (let s = 0; s < nRuns; s++) {
      const run = runs + (<usize>s * 12);
      const src = row + (<usize>load<i32>(run) << 2), dst = orow + (<usize>load<i32>(run, 4) << 2);
      const len = load<i32>(run, 8);
      let j = 0;
      for (; j + 4 <= len; j += 4) {
        const off = <usize>j << 2;
        v128.store(dst + off, f32x4.add(v128.load(dst + off), v128.load(src + off)));
      }
      for (; j < len; j++) {
        const off = <usize>j << 2;
        store<f32>(dst + off, load<f32>(dst + off) + load<f32>(src + off));
      }
    }
  }
}
