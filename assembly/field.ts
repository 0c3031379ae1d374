// Grid field kernels: the sphere template and the field of template copies around each atom (float64, as the reference).

/**
 * Sphere template: every (x, y, z) with each coordinate in -r, -r+g, ... <= r + 1e-3 and x^2+y^2+z^2 <= r^2,
 * excluding the origin, in x-major then y then z order.
 * out: f64 [maxPoints * 3]; returns the number of points written (stops at maxPoints).
 */
export function sphereTemplate(radius: f64, interval: f64, out: usize, maxPoints: i32): i32 {
  // Same axis as numpy.arange(-r, r + 1e-3, g): element i is -r + i*g.
  const n = <i32>Math.ceil((2.0 * radius + 1e-3) / interval);
  const r2 = radius * radius;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = -radius + <f64>i * interval;
    for (let j = 0; j < n; j++) {
      const y = -radius + <f64>j * interval;
      for (let k = 0; k < n; k++) {
        const z = -radius + <f64>k * interval;
        if (x * x + y * y + z * z > r2) continue;
        if (x == 0.0 && y == 0.0 && z == 0.0) continue;
        if (count >= maxPoints) return count;
        const p = out + (<usize>count * 3 << 3);
        store<f64>(p, x);
        store<f64>(p, y, 8);
        store<f64>(p, z, 16);
        count++;
      }
    }
  }
  return count;
}

/**
 * Field: the template translated to every atom, concatenated in atom order (overlaps kept).
 * atoms: f64 [nAtoms * 3]; template: f64 [nTemplate * 3]; out: f64 [nAtoms * nTemplate * 3].
 */
export function field(atoms: usize, nAtoms: i32, template: usize, nTemplate: i32, out: usize): void {
  for (let a = 0; a < nAtoms; a++) {
    const ax = load<f64>(atoms + (<usize>a * 3 << 3));
    const ay = load<f64>(atoms + (<usize>a * 3 << 3), 8);
    const az = load<f64>(atoms + (<usize>a * 3 << 3), 16);
    const o = out + (<usize>a * nTemplate * 3 << 3);
    for (let t = 0; t < nTemplate; t++) {
      const s = template + (<usize>t * 3 << 3);
      const d = o + (<usize>t * 3 << 3);
      store<f64>(d, load<f64>(s) + ax);
      store<f64>(d, load<f64>(s, 8) + ay, 8);
      store<f64>(d, load<f64>(s, 16) + az, 16);
    }
  }
}
