// Kernels that work in place on tfjs-backend-wasm's own heap (this module imports that memory): the small
// non-matmul steps of training's gradients, where tfjs-wasm's Transpose and axis-0 Sum run at ~1 GB/s.
// Pointers are byte offsets of f32 row-major matrices; nothing is allocated here, and the module has no data.

/** out[c] = sum over r of x[r, c]. x: [rows, cols]; out: [cols]. */
export function columnSums(x: usize, rows: i32, cols: i32, out: usize): void {
  weightedColumnSums(x, 0, rows, cols, out);
}

/** out[c] = sum over r of x[r, c] * w[r] (w = 0: unweighted). x: [rows, cols]; w: [rows]; out: [cols]. */
export function weightedColumnSums(x: usize, w: usize, rows: i32, cols: i32, out: usize): void {
  const c4 = cols & ~3;
  for (let c = 0; c < cols; c++) store<f32>(out + (<usize>c << 2), 0);
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>r * cols << 2);
    const s = w ? load<f32>(w + (<usize>r << 2)) : <f32>1;
    const sv = f32x4.splat(s);
    let c = 0;
    for (; c < c4; c += 4) {
      const o = out + (<usize>c << 2);
      v128.store(o, f32x4.add(v128.load(o), f32x4.mul(v128.load(row + (<usize>c << 2)), sv)));
    }
    for (; c < cols; c++) {
      const o = out + (<usize>c << 2);
      store<f32>(o, load<f32>(o) + load<f32>(row + (<usize>c << 2)) * s);
    }
  }
}

/** out = x^T. x: [rows, cols]; out: [cols, rows]. Tiles of 32 x 32 (cache), 4 x 4 blocks by SIMD shuffles, scalar edges. */
export function transpose(x: usize, rows: i32, cols: i32, out: usize): void {
  const r4 = rows & ~3, c4 = cols & ~3;
  const rs = <usize>rows << 2, cs = <usize>cols << 2;
  for (let r0 = 0; r0 < r4; r0 += 32) {
    const r1 = min(r0 + 32, r4);
    for (let c0 = 0; c0 < c4; c0 += 32) {
      const c1 = min(c0 + 32, c4);
      for (let r = r0; r < r1; r += 4) {
        const src = x + (<usize>r * cols << 2);
        for (let c = c0; c < c1; c += 4) {
          const p = src + (<usize>c << 2);
          const a = v128.load(p), b = v128.load(p + cs), e = v128.load(p + 2 * cs), d = v128.load(p + 3 * cs);
          const ab0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5), ab1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
          const ed0 = v128.shuffle<f32>(e, d, 0, 4, 1, 5), ed1 = v128.shuffle<f32>(e, d, 2, 6, 3, 7);
          const q = out + ((<usize>c * rows + r) << 2);
          v128.store(q, v128.shuffle<f32>(ab0, ed0, 0, 1, 4, 5));
          v128.store(q + rs, v128.shuffle<f32>(ab0, ed0, 2, 3, 6, 7));
          v128.store(q + 2 * rs, v128.shuffle<f32>(ab1, ed1, 0, 1, 4, 5));
          v128.store(q + 3 * rs, v128.shuffle<f32>(ab1, ed1, 2, 3, 6, 7));
        }
      }
    }
    for (let r = r0; r < r1; r++) {
      for (let c = c4; c < cols; c++) store<f32>(out + ((<usize>c * rows + r) << 2), load<f32>(x + ((<usize>r * cols + c) << 2)));
    }
  }
  for (let r = r4; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(out + ((<usize>c * rows + r) << 2), load<f32>(x + ((<usize>r * cols + c) << 2)));
  }
}

/** out = dy where y > 0, else 0 (relu's gradient from its output). All: [n]. */
export function reluGrad(dy: usize, y: usize, n: i32, out: usize): void {
  const n4 = n & ~3;
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0);
  }
}

/** out[r, c] = row[c] where y[r, c] > 0, else 0 (relu's gradient under a broadcast row). row: [cols]; y, out: [rows, cols]. */
export function reluGradRow(row: usize, y: usize, rows: i32, cols: i32, out: usize): void {
  const c4 = cols & ~3;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * cols << 2;
    let c = 0;
    for (; c < c4; c += 4) {
      const k = <usize>c << 2;
      v128.store(out + o + k, v128.and(v128.load(row + k), f32x4.gt(v128.load(y + o + k), zero)));
    }
    for (; c < cols; c++) {
      const k = <usize>c << 2;
      store<f32>(out + o + k, load<f32>(y + o + k) > 0 ? load<f32>(row + k) : 0);
    }
  }
}
