// Typed wrappers of the column kernels (assembly/columns.ts): column norms and scalings, readout sums.
import { Scratch } from "./instance.js";

/** Column L2 norms f64 [cols] of m f32 [rows * cols], squares and sums in float64. */
export function columnNorms(m: Float32Array, rows: number): Float64Array {
  const cols = m.length / rows;
  const s = new Scratch();
  const p = s.put(m), out = s.alloc(cols * 8);
  s.k.columnNorms(p, rows, cols, out);
  return s.f64(out, cols);
}

/**
 * In place on m f32 [rows * cols]: each column times factors(its norm) (one pass for the norms in float64, one for
 * the products); returns the norms. The factor per column is rounded to float32 once.
 */
export function scaleColumnsByNorm(m: Float32Array, rows: number, factor: (norm: number) => number): Float64Array {
  const cols = m.length / rows;
  const s = new Scratch();
  const p = s.put(m), normsPtr = s.alloc(cols * 8), factorsPtr = s.alloc(cols * 4);
  s.k.columnNorms(p, rows, cols, normsPtr);
  const norms = s.f64(normsPtr, cols);
  new Float32Array(s.k.memory.buffer, factorsPtr, cols).set(Float32Array.from(norms, factor));
  s.k.multiplyColumns(p, rows, cols, factorsPtr);
  s.readInto(p, m);
  return norms;
}

/** acc f64 [cols] += the column sums of squares of m f32 [rows * cols] (float64; chunk by chunk = all rows at once). */
export function addColumnSquares(m: Float32Array, rows: number, acc: Float64Array): void {
  const s = new Scratch();
  const p = s.put(m), out = s.put(acc);
  s.k.columnSquaresAdd(p, rows, acc.length, out);
  acc.set(new Float64Array(s.k.memory.buffer, out, acc.length));
}

/** acc f64 [cols] += the column sums of m f32 [rows * cols] (float64; chunk by chunk = all rows at once). */
export function addColumnSums(m: Float32Array, rows: number, acc: Float64Array): void {
  const s = new Scratch();
  const p = s.put(m), out = s.put(acc);
  s.k.columnSumsAdd(p, rows, acc.length, out);
  acc.set(new Float64Array(s.k.memory.buffer, out, acc.length));
}

/** In place on m f32 [rows * cols]: each column times factors[c] (f32 [cols]). */
export function multiplyColumns(m: Float32Array, rows: number, factors: Float32Array): Float32Array {
  const s = new Scratch();
  const p = s.put(m), f = s.put(factors);
  s.k.multiplyColumns(p, rows, factors.length, f);
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
