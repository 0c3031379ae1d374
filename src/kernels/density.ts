// Typed wrappers of the density kernels (assembly/density.ts): the LCAO on points and box grids.
import { Scratch } from "./instance.js";

/** The LCAO folded into raw Gaussians (see assembly/density.ts): what the grid kernels need, all f32. */
export interface DensityOperator {
  /** Orbital centres f32 [nOrb * 3], in the frame of the points (box grid: relative to its origin). */
  centres: Float32Array;
  /** Quantum numbers and exponents, f32 [nOrb]. */
  q: Float32Array;
  zeta: Float32Array;
  /** Squared cutoff radius per orbital (angstrom^2), f32 [nOrb]; Infinity = no cutoff, negative = orbital unused. */
  cut2: Float32Array;
  /** rho = g^T P g: f32 [nOrb * nOrb]. */
  P: Float32Array;
  /** psi_s = g . S[:, s]: f32 [nOrb * nSel] (nSel may be 0). */
  S: Float32Array;
  nSel: number;
}

export interface DensityValues {
  /** f32 [nPoints]. */
  rho: Float32Array;
  /** f32 [nPoints * nSel], row = point. */
  psi: Float32Array;
}

function putOperator(s: Scratch, op: DensityOperator) {
  const nOrb = op.q.length;
  if (op.centres.length !== nOrb * 3 || op.zeta.length !== nOrb || op.cut2.length !== nOrb ||
      op.P.length !== nOrb * nOrb || op.S.length !== nOrb * op.nSel) throw new Error("density operator: shape mismatch");
  return { nOrb, c: s.put(op.centres), q: s.put(op.q), z: s.put(op.zeta), cut: s.put(op.cut2), P: s.put(op.P), S: s.put(op.S) };
}

/** rho and psi at points f32 [nPoints * 3] (keep nearby points consecutive: chunks share their active orbitals). */
export function densityAtPoints(points: Float32Array, op: DensityOperator): DensityValues {
  const n = points.length / 3;
  const s = new Scratch();
  const pts = s.put(points);
  const o = putOperator(s, op);
  const rho = s.alloc(n * 4), psi = s.alloc(n * op.nSel * 4);
  s.k.densityPoints(pts, n, o.c, o.q, o.z, o.cut, o.P, o.S, o.nOrb, op.nSel, rho, psi);
  return { rho: s.f32(rho, n), psi: s.f32(psi, n * op.nSel) };
}

/** rho and psi on the box grid (ix h, iy h, iz h), point index (ix * ny + iy) * nz + iz; centres relative to its origin. */
export function densityOnBox(shape: readonly [number, number, number], spacing: number, op: DensityOperator): DensityValues {
  const [nx, ny, nz] = shape;
  const n = nx * ny * nz;
  const s = new Scratch();
  const o = putOperator(s, op);
  const rho = s.alloc(n * 4), psi = s.alloc(n * op.nSel * 4);
  s.k.densityBox(nx, ny, nz, spacing, o.c, o.q, o.z, o.cut, o.P, o.S, o.nOrb, op.nSel, rho, psi);
  return { rho: s.f32(rho, n), psi: s.f32(psi, n * op.nSel) };
}
