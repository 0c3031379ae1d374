// Electron density rho(p) = sum_k psi(p, k)^2 of the learned LCAO, evaluated anywhere in space.
import { gaussianOrbital4 } from "./orbital";

// ---- Density grid integration ------------------------------------------------------------------------------------
// The host folds every normalisation of the forward pass into two matrices, so the kernel only sees raw Gaussians
// g_o(r) = d^(q_o - 1) exp(-zeta_o d^2) (assembly/orbital.ts), d = |r - c_o| (no 0 -> 1e6 rule: the function is continuous at a nucleus):
//   rho(r)   = g(r)^T P g(r)        P: f32 [nOrb * nOrb], symmetric (nOrb^2 per point instead of nOrb * D)
//   psi_s(r) = g(r) . S[:, s]       S: f32 [nOrb * nSel]
// g_o is taken as 0 beyond its cutoff (cut2: f32 [nOrb], squared radius in angstrom^2; negative = never used).
// Points are processed in spatially compact chunks: orbitals whose cutoff sphere misses the chunk's bounding box
// are dropped for the whole chunk and P is compacted to the active ones, so far-away orbitals cost nothing.

const CHUNK: i32 = 512;
const BRICK: i32 = 8; // box grid bricks of 8 x 8 x 8 = CHUNK points

// Per-call work arrays (allocated in the caller's scratch scope, freed by its reset).
let wCx: usize = 0, wCy: usize = 0, wCz: usize = 0, wZeta: usize = 0, wQm1: usize = 0, wCut: usize = 0;
let wP: usize = 0, wS: usize = 0, wG: usize = 0, wT: usize = 0, wIdx: usize = 0, wPts: usize = 0;
let wRho: usize = 0, wPsi: usize = 0;

function allocWork(nOrb: i32, nSel: i32): void {
  const n4 = <usize>((nOrb + 3) & ~3);
  wCx = heap.alloc(n4 << 2); wCy = heap.alloc(n4 << 2); wCz = heap.alloc(n4 << 2);
  wZeta = heap.alloc(n4 << 2); wQm1 = heap.alloc(n4 << 2); wCut = heap.alloc(n4 << 2);
  wP = heap.alloc(<usize>nOrb * n4 << 2);
  wS = heap.alloc(<usize>max(nSel, 1) * n4 << 2);
  wG = heap.alloc(n4 << 2); wT = heap.alloc(n4 << 2);
  wIdx = heap.alloc(<usize>nOrb << 2);
  wPts = heap.alloc(<usize>CHUNK * 12);
  wRho = heap.alloc(<usize>CHUNK << 2);
  wPsi = heap.alloc(<usize>CHUNK * max(nSel, 1) << 2);
}

/**
 * Active orbitals of the points at wPts [n * 3]: those whose cutoff sphere reaches the points' bounding box.
 * Gathers their centres/exponents into the compact SIMD arrays (padding lanes get cut2 = -1, so g = 0 there),
 * P into wP [a * a4] and S transposed into wS [nSel * a4]. Returns a.
 */
function gatherActive(n: i32, centres: usize, q: usize, zeta: usize, cut2: usize, P: usize, S: usize,
                      nOrb: i32, nSel: i32): i32 {
  let x0 = f32.MAX_VALUE, y0 = f32.MAX_VALUE, z0 = f32.MAX_VALUE;
  let x1 = -f32.MAX_VALUE, y1 = -f32.MAX_VALUE, z1 = -f32.MAX_VALUE;
  for (let i = 0; i < n; i++) {
    const p = wPts + (<usize>i * 12);
    const x = load<f32>(p), y = load<f32>(p, 4), z = load<f32>(p, 8);
    x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y); z0 = min(z0, z); z1 = max(z1, z);
  }
  let a = 0;
  for (let o = 0; o < nOrb; o++) {
    const c = centres + (<usize>o * 12);
    const cx = load<f32>(c), cy = load<f32>(c, 4), cz = load<f32>(c, 8);
    // Squared distance from the centre to the box (0 inside).
    const dx = max<f32>(max<f32>(x0 - cx, cx - x1), 0);
    const dy = max<f32>(max<f32>(y0 - cy, cy - y1), 0);
    const dz = max<f32>(max<f32>(z0 - cz, cz - z1), 0);
    const r2 = load<f32>(cut2 + (<usize>o << 2));
    if (dx * dx + dy * dy + dz * dz > r2) continue;
    const s = <usize>a << 2;
    store<f32>(wCx + s, cx); store<f32>(wCy + s, cy); store<f32>(wCz + s, cz);
    store<f32>(wZeta + s, load<f32>(zeta + (<usize>o << 2)));
    store<f32>(wQm1 + s, load<f32>(q + (<usize>o << 2)) - 1);
    store<f32>(wCut + s, r2);
    store<i32>(wIdx + s, o);
    a++;
  }
  const a4 = (a + 3) & ~3;
  for (let j = a; j < a4; j++) {
    const s = <usize>j << 2;
    store<f32>(wCx + s, 0); store<f32>(wCy + s, 0); store<f32>(wCz + s, 0);
    store<f32>(wZeta + s, 0); store<f32>(wQm1 + s, 0); store<f32>(wCut + s, -1);
  }
  for (let i = 0; i < a; i++) {
    const src = P + (<usize>load<i32>(wIdx + (<usize>i << 2)) * nOrb << 2);
    const dst = wP + (<usize>i * a4 << 2);
    for (let j = 0; j < a; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>load<i32>(wIdx + (<usize>j << 2)) << 2)));
    for (let j = a; j < a4; j++) store<f32>(dst + (<usize>j << 2), 0);
  }
  for (let s = 0; s < nSel; s++) {
    const dst = wS + (<usize>s * a4 << 2);
    for (let j = 0; j < a; j++) {
      const o = load<i32>(wIdx + (<usize>j << 2));
      store<f32>(dst + (<usize>j << 2), load<f32>(S + (<usize>(o * nSel + s) << 2)));
    }
    for (let j = a; j < a4; j++) store<f32>(dst + (<usize>j << 2), 0);
  }
  return a;
}

/** Evaluates the n points at wPts with the gathered active set: rho -> wRho [n], psi -> wPsi [n * nSel]. */
function evalChunk(n: i32, a: i32, nSel: i32): void {
  const a4 = (a + 3) & ~3;
  for (let i = 0; i < n; i++) {
    const p = wPts + (<usize>i * 12);
    const px = f32x4.splat(load<f32>(p)), py = f32x4.splat(load<f32>(p, 4)), pz = f32x4.splat(load<f32>(p, 8));
    // g over the active orbitals, 4 at a time.
    for (let j = 0; j < a4; j += 4) {
      const off = <usize>j << 2;
      const dx = f32x4.sub(px, v128.load(wCx + off));
      const dy = f32x4.sub(py, v128.load(wCy + off));
      const dz = f32x4.sub(pz, v128.load(wCz + off));
      const d2 = f32x4.add(f32x4.add(f32x4.mul(dx, dx), f32x4.mul(dy, dy)), f32x4.mul(dz, dz));
      // d^(q-1): the square root only where some lane needs it (d is not read for q = 1).
      const e = v128.load(wQm1 + off);
      const d = v128.any_true(f32x4.gt(e, f32x4.splat(0))) ? f32x4.sqrt(d2) : d2;
      const g = gaussianOrbital4(d, d2, e, v128.load(wZeta + off));
      v128.store(wG + off, v128.and(g, f32x4.le(d2, v128.load(wCut + off))));
    }
    // t = P g (rows with g_i = 0 skipped: orbitals past their cutoff at this point), rho = g . t.
    for (let j = 0; j < a4; j += 4) v128.store(wT + (<usize>j << 2), f32x4.splat(0));
    for (let r = 0; r < a; r++) {
      const gi = load<f32>(wG + (<usize>r << 2));
      if (gi == 0) continue;
      const gv = f32x4.splat(gi);
      const row = wP + (<usize>r * a4 << 2);
      for (let j = 0; j < a4; j += 4) {
        const off = <usize>j << 2;
        v128.store(wT + off, f32x4.add(v128.load(wT + off), f32x4.mul(gv, v128.load(row + off))));
      }
    }
    store<f32>(wRho + (<usize>i << 2), dot(wG, wT, a4));
    for (let s = 0; s < nSel; s++) {
      store<f32>(wPsi + (<usize>(i * nSel + s) << 2), dot(wG, wS + (<usize>s * a4 << 2), a4));
    }
  }
}

// @ts-ignore: decorator
@inline
function dot(x: usize, y: usize, n4: i32): f32 {
  let acc = f32x4.splat(0);
  for (let j = 0; j < n4; j += 4) {
    const off = <usize>j << 2;
    acc = f32x4.add(acc, f32x4.mul(v128.load(x + off), v128.load(y + off)));
  }
  return f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
}

/**
 * rho and chosen psi at arbitrary points. points: f32 [nPoints * 3] (angstrom, same frame as centres);
 * centres: f32 [nOrb * 3]; q, zeta, cut2: f32 [nOrb]; P: f32 [nOrb * nOrb]; S: f32 [nOrb * nSel];
 * outRho: f32 [nPoints]; outPsi: f32 [nPoints * nSel] (row = point). Nearby points should be consecutive
 * (chunks of 512 share one active set).
 */
export function densityPoints(points: usize, nPoints: i32, centres: usize, q: usize, zeta: usize, cut2: usize,
                              P: usize, S: usize, nOrb: i32, nSel: i32, outRho: usize, outPsi: usize): void {
  allocWork(nOrb, nSel);
  for (let start = 0; start < nPoints; start += CHUNK) {
    const n = min(CHUNK, nPoints - start);
    memory.copy(wPts, points + (<usize>start * 12), <usize>n * 12);
    const a = gatherActive(n, centres, q, zeta, cut2, P, S, nOrb, nSel);
    evalChunk(n, a, nSel);
    memory.copy(outRho + (<usize>start << 2), wRho, <usize>n << 2);
    if (nSel > 0) memory.copy(outPsi + (<usize>start * nSel << 2), wPsi, <usize>(n * nSel) << 2);
  }
}

/**
 * rho and chosen psi on the box grid r = (ix h, iy h, iz h), ix < nx, iy < ny, iz < nz: centres must be given
 * relative to the grid origin. Other arrays as densityPoints; outRho: f32 [nx * ny * nz] and outPsi:
 * f32 [nx * ny * nz * nSel], point index (ix * ny + iy) * nz + iz (the cube file's order). Evaluated in 8^3 bricks.
 */
export function densityBox(nx: i32, ny: i32, nz: i32, h: f32, centres: usize, q: usize, zeta: usize, cut2: usize,
                           P: usize, S: usize, nOrb: i32, nSel: i32, outRho: usize, outPsi: usize): void {
  allocWork(nOrb, nSel);
  for (let bx = 0; bx < nx; bx += BRICK) {
    const ex = min(bx + BRICK, nx);
    for (let by = 0; by < ny; by += BRICK) {
      const ey = min(by + BRICK, ny);
      for (let bz = 0; bz < nz; bz += BRICK) {
        const ez = min(bz + BRICK, nz);
        let n = 0;
        for (let ix = bx; ix < ex; ix++) for (let iy = by; iy < ey; iy++) for (let iz = bz; iz < ez; iz++) {
          const p = wPts + (<usize>n * 12);
          store<f32>(p, <f32>ix * h); store<f32>(p, <f32>iy * h, 4); store<f32>(p, <f32>iz * h, 8);
          n++;
        }
        const a = gatherActive(n, centres, q, zeta, cut2, P, S, nOrb, nSel);
        evalChunk(n, a, nSel);
        n = 0;
        for (let ix = bx; ix < ex; ix++) for (let iy = by; iy < ey; iy++) for (let iz = bz; iz < ez; iz++) {
          const idx = (ix * ny + iy) * nz + iz;
          store<f32>(outRho + (<usize>idx << 2), load<f32>(wRho + (<usize>n << 2)));
          for (let s = 0; s < nSel; s++) {
            store<f32>(outPsi + (<usize>(idx * nSel + s) << 2), load<f32>(wPsi + (<usize>(n * nSel + s) << 2)));
          }
          n++;
        }
      }
    }
  }
}
