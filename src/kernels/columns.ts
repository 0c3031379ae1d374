// Typed wrappers of the column kernels (assembly/columns.ts): orbital normalisation and readout sums.
import { Scratch } from "./instance.js";

/** In place on m f32 [rows * cols]: each column / max(its L2 norm, 1e-12) * scale. */
export function normalizeColumns(m: Float32Array, rows: number, scale: number): Float32Array {
  const cols = m.length / rows;
  const s = new Scratch();
  const p = s.put(m), work = s.alloc(cols * 4);
  s.k.normalizeColumns(p, rows, cols, scale, work);
  return s.readInto(p, m);
}

/** Column sums f64 [cols] of m f32 [rows * cols], accumulated in float64. */
export function columnSums(m: Float32Array, rows: number): Float64Array {
  const cols = m.length / rows;
  const s = new Scratch();
  const p = s.put(m), out = s.alloc(cols * 8);
  s.k.columnSums(p, rows, cols, out);
  return s.f64(out, cols);
}
