// External potential on points: Brockherde et al.'s Gaussian potential V(p) = -sum_A Z_A exp(-|p - R_A|^2).

/**
 * points: f64 [nPoints * 3]; atoms: f64 [nAtoms * 3]; charges: f64 [nAtoms]; out: f32 [nPoints].
 * Computed in float64 (as the reference's numpy does) with the 0 -> 1e6 distance rule, then rounded to float32.
 */
export function potential(points: usize, nPoints: i32, atoms: usize, charges: usize, nAtoms: i32, out: usize): void {
  for (let p = 0; p < nPoints; p++) {
    const pp = points + (<usize>p * 3 << 3);
    const px = load<f64>(pp), py = load<f64>(pp, 8), pz = load<f64>(pp, 16);
    let v: f64 = 0;
    for (let a = 0; a < nAtoms; a++) {
      const ap = atoms + (<usize>a * 3 << 3);
      const dx = px - load<f64>(ap), dy = py - load<f64>(ap, 8), dz = pz - load<f64>(ap, 16);
      let d = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (d == 0.0) d = 1e6;
      v += Math.exp(-(d * d)) * load<f64>(charges + (<usize>a << 3));
    }
    store<f32>(out + (<usize>p << 2), <f32>(-v));
  }
}
