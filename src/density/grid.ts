// The regular box grid around a molecule (angstrom): origin, spacing and shape, in the cube file's point order.

export interface BoxGrid {
  /** Corner point (ix = iy = iz = 0), angstrom. */
  origin: [number, number, number];
  /** Voxel edge (cubic voxels, axis-aligned), angstrom. */
  spacing: number;
  /** [nx, ny, nz]; point (ix, iy, iz) = origin + spacing (ix, iy, iz), index (ix * ny + iy) * nz + iz. */
  shape: [number, number, number];
}

/** Grid covering the atoms plus `padding` on every side, centred on the atoms' bounding box. */
export function boxGrid(coords: Float64Array, spacing: number, padding: number): BoxGrid {
  if (!(spacing > 0) || !Number.isFinite(spacing)) throw new Error(`grid spacing must be > 0, got ${spacing}`);
  if (!(padding >= 0) || !Number.isFinite(padding)) throw new Error(`grid padding must be >= 0, got ${padding}`);
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < coords.length; i += 3) {
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, coords[i + a]!);
      hi[a] = Math.max(hi[a]!, coords[i + a]!);
    }
  }
  const shape = [0, 0, 0] as [number, number, number];
  const origin = [0, 0, 0] as [number, number, number];
  for (let a = 0; a < 3; a++) {
    const extent = hi[a]! - lo[a]! + 2 * padding;
    const n = Math.floor(extent / spacing + 1e-9) + 1;
    shape[a] = n;
    // Centre the (n - 1) spacing span on the box, so the molecule sits in the middle.
    origin[a] = (lo[a]! + hi[a]!) / 2 - ((n - 1) * spacing) / 2;
  }
  const total = shape[0] * shape[1] * shape[2];
  if (total > 2 ** 27) throw new Error(`grid of ${shape.join(" x ")} points is too large; use a larger spacing`);
  return { origin, spacing, shape };
}

export function gridSize(g: BoxGrid): number {
  return g.shape[0] * g.shape[1] * g.shape[2];
}

/** Every grid point, f64 [n * 3], in index order (for kernels that take point lists, such as the potential). */
export function gridPoints(g: BoxGrid): Float64Array {
  const [nx, ny, nz] = g.shape;
  const out = new Float64Array(nx * ny * nz * 3);
  let i = 0;
  for (let ix = 0; ix < nx; ix++) {
    for (let iy = 0; iy < ny; iy++) {
      for (let iz = 0; iz < nz; iz++) {
        out[i++] = g.origin[0] + ix * g.spacing;
        out[i++] = g.origin[1] + iy * g.spacing;
        out[i++] = g.origin[2] + iz * g.spacing;
      }
    }
  }
  return out;
}

/** Position of a point index, angstrom. */
export function gridPoint(g: BoxGrid, index: number): [number, number, number] {
  const [, ny, nz] = g.shape;
  const iz = index % nz, iy = Math.floor(index / nz) % ny, ix = Math.floor(index / (ny * nz));
  return [g.origin[0] + ix * g.spacing, g.origin[1] + iy * g.spacing, g.origin[2] + iz * g.spacing];
}
