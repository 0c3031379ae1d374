// Typed wrapper of the Adam update kernel (assembly/adam.ts).
import { Scratch } from "./instance.js";

export interface AdamScalars {
  b1: number; a1: number; b2: number; a2: number; eps: number; bc2: number; stepSize: number;
}

/** In place on p, m, v (f32, same length): one Adam update with gradient g (null: a zero gradient). */
export function adamUpdate(p: Float32Array, g: Float32Array | null, m: Float32Array, v: Float32Array, c: AdamScalars): void {
  const s = new Scratch();
  const pp = s.put(p), pm = s.put(m), pv = s.put(v), pg = g ? s.put(g) : 0;
  s.k.adamStep(pp, pg, pm, pv, p.length, c.b1, c.a1, c.b2, c.a2, c.eps, c.bc2, c.stepSize);
  s.readInto(pp, p);
  s.readInto(pm, m);
  s.readInto(pv, v);
}
