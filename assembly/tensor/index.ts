// Kernels that work in place on tfjs-backend-wasm's own heap (this module imports that memory): the non-matmul steps
// of the hand-written ops (transposes and axis-0 sums, where tfjs-wasm runs at ~1 GB/s; relu gradients; the HK map's
// interval gathers and segment sums, forward passes included).
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

// Row-indexed kernels for the HK map's second layer, whose pre-activation is affine in rho on each interval between
// the first layer's breakpoints: row p reads row idx[p] of [K, H] tables. idx: i32 [N].

/** out[p, :] = relu(rho[p] * alpha[idx[p], :] + beta[idx[p], :]). rho: [N]; alpha, beta: [K, H]; out: [N, H]. */
export function gatherAffineRelu(rho: usize, idx: usize, alpha: usize, beta: usize, n: i32, h: i32, out: usize): void {
  const h4 = h & ~3;
  const zero = f32x4.splat(0);
  for (let p = 0; p < n; p++) {
    const r = load<f32>(rho + (<usize>p << 2));
    const rv = f32x4.splat(r);
    const row = <usize>load<i32>(idx + (<usize>p << 2)) * h << 2;
    const o = out + (<usize>p * h << 2);
    let j = 0;
    for (; j < h4; j += 4) {
      const k = <usize>j << 2;
      const v = f32x4.add(f32x4.mul(rv, v128.load(alpha + row + k)), v128.load(beta + row + k));
      v128.store(o + k, f32x4.max(v, zero));
    }
    for (; j < h; j++) {
      const k = <usize>j << 2;
      store<f32>(o + k, max<f32>(r * load<f32>(alpha + row + k) + load<f32>(beta + row + k), 0));
    }
  }
}

/** outA[k, :] = sum over p with idx[p] = k of rho[p] g[p, :]; outB[k, :] the same without rho. g: [N, H]; out*: [K, H]. */
export function segmentSums(g: usize, rho: usize, idx: usize, n: i32, h: i32, nSeg: i32, outA: usize, outB: usize): void {
  const h4 = h & ~3;
  memory.fill(outA, 0, <usize>nSeg * h << 2);
  memory.fill(outB, 0, <usize>nSeg * h << 2);
  for (let p = 0; p < n; p++) {
    const r = load<f32>(rho + (<usize>p << 2));
    const rv = f32x4.splat(r);
    const row = <usize>load<i32>(idx + (<usize>p << 2)) * h << 2;
    const src = g + (<usize>p * h << 2);
    let j = 0;
    for (; j < h4; j += 4) {
      const k = <usize>j << 2, v = v128.load(src + k);
      v128.store(outA + row + k, f32x4.add(v128.load(outA + row + k), f32x4.mul(rv, v)));
      v128.store(outB + row + k, f32x4.add(v128.load(outB + row + k), v));
    }
    for (; j < h; j++) {
      const k = <usize>j << 2, v = load<f32>(src + k);
      store<f32>(outA + row + k, load<f32>(outA + row + k) + r * v);
      store<f32>(outB + row + k, load<f32>(outB + row + k) + v);
    }
  }
}

/** out[p] = g[p, :] . alpha[idx[p], :]. g: [N, H]; alpha: [K, H]; out: [N]. */
export function rowDots(g: usize, alpha: usize, idx: usize, n: i32, h: i32, out: usize): void {
  const h4 = h & ~3;
  for (let p = 0; p < n; p++) {
    const row = <usize>load<i32>(idx + (<usize>p << 2)) * h << 2;
    const src = g + (<usize>p * h << 2);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j < h4; j += 4) {
      const k = <usize>j << 2;
      acc = f32x4.add(acc, f32x4.mul(v128.load(src + k), v128.load(alpha + row + k)));
    }
    let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; j < h; j++) s += load<f32>(src + (<usize>j << 2)) * load<f32>(alpha + row + (<usize>j << 2));
    store<f32>(out + (<usize>p << 2), s);
  }
}
