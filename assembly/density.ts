// Electron density on points: rho(p) = sum_k psi(p, k)^2.

/** psi: f32 [nPoints * nOrbitals] (row = point); out: f32 [nPoints]. */
export function density(psi: usize, nPoints: i32, nOrbitals: i32, out: usize): void {
  const n4 = nOrbitals & ~3;
  for (let p = 0; p < nPoints; p++) {
    const row = psi + (<usize>p * nOrbitals << 2);
    let acc = f32x4.splat(0);
    let k = 0;
    for (; k < n4; k += 4) {
      const v = v128.load(row + (<usize>k << 2));
      acc = f32x4.add(acc, f32x4.mul(v, v));
    }
    let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)
      + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; k < nOrbitals; k++) {
      const v = load<f32>(row + (<usize>k << 2));
      s += v * v;
    }
    store<f32>(out + (<usize>p << 2), s);
  }
}
