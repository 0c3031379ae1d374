// Typed wrapper of the external-potential kernel (assembly/potential.ts).
import { Scratch } from "./instance.js";

/** V f32 [nPoints] at points f64 [nPoints * 3] from atoms f64 [nAtoms * 3] with charges Z f64 [nAtoms]. */
export function externalPotential(points: Float64Array, atoms: Float64Array, charges: Float64Array): Float32Array {
  const nP = points.length / 3;
  const s = new Scratch();
  const p = s.put(points), a = s.put(atoms), z = s.put(charges);
  const out = s.alloc(nP * 4);
  s.k.potential(p, nP, a, z, charges.length, out);
  return s.f32(out, nP);
}
