// Typed wrapper of the density kernel (assembly/density.ts).
import { Scratch } from "./instance.js";

/** rho f32 [nPoints] = row sums of psi^2 for psi f32 [nPoints * nOrbitals]. */
export function density(psi: Float32Array, nPoints: number): Float32Array {
  const nOrb = psi.length / nPoints;
  const s = new Scratch();
  const p = s.put(psi);
  const out = s.alloc(nPoints * 4);
  s.k.density(p, nPoints, nOrb, out);
  return s.f32(out, nPoints);
}
