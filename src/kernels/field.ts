// Typed wrappers of the grid-field kernels (assembly/field.ts).
import { Scratch } from "./instance.js";

/** Sphere template points, f64 [n * 3], for radius r and grid interval g (angstrom). */
export function sphereTemplate(radius: number, interval: number): Float64Array {
  if (!(radius > 0) || !(interval > 0)) throw new Error(`grid radius and interval must be > 0 (got ${radius}, ${interval})`);
  const axis = Math.ceil((2 * radius + 1e-3) / interval);
  const maxPoints = axis * axis * axis;
  // A last guard below the model file's bounds: the kernel loops over axis^3 candidates.
  if (!(maxPoints <= 1e8)) throw new Error(`grid radius / interval too large for a sphere template (${radius} / ${interval})`);
  const s = new Scratch();
  const out = s.alloc(maxPoints * 24);
  const n = s.k.sphereTemplate(radius, interval, out, maxPoints);
  return s.f64(out, n * 3);
}

/** Field points f64 [nAtoms * nTemplate * 3]: the template around each atom of coords f64 [nAtoms * 3]. */
export function fieldPoints(coords: Float64Array, template: Float64Array): Float64Array {
  const nAtoms = coords.length / 3, nTemplate = template.length / 3;
  const s = new Scratch();
  const a = s.put(coords), t = s.put(template);
  const out = s.alloc(nAtoms * nTemplate * 24);
  s.k.field(a, nAtoms, t, nTemplate, out);
  return s.f64(out, nAtoms * nTemplate * 3);
}
