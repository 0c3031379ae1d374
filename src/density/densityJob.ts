// One molecule's density outputs: rho (and chosen psi_k, V, V_pred) on a box grid as cube files, a summary, a slice.
import type { Molecule } from "../chem/molecule.js";
import { BOHR_PER_ANGSTROM, writeCube, type CubeData } from "../io/cube.js";
import type { QdfModel } from "../model/qdf.js";
import { cutoffRadii, DEFAULT_CUTOFF_TOL, evaluateOnGrid } from "./evaluate.js";
import { boxGrid, gridPoint, gridSize, type BoxGrid } from "./grid.js";
import { lcaoFunction } from "./lcaoFunction.js";
import { checkGeometry } from "../chem/geometryChecks.js";
import { DEFAULT_MAX_MEMORY, densityMemory, MemoryBudgetError, moleculeSizes } from "../model/memoryBudget.js";
import { predictedV, trueV } from "./potentials.js";
import { parsePlane, sampleSlice } from "./slice.js";
import { renderSlicePng } from "./sliceImage.js";

export interface DensityJobOptions {
  spacing?: number;
  padding?: number;
  /** Molecular orbitals k to write psi_k cubes for. */
  orbitals?: number[];
  /** Also V (true Gaussian potential) and V_pred (the HK map's) cubes. */
  potential?: boolean;
  /** Also a PNG slice; `plane` as parsePlane, `scale` log (default) or linear. */
  png?: boolean;
  plane?: string;
  scale?: "log" | "linear";
  cutoffTol?: number;
  /**
   * Units of the rho (and psi) values written: "model" (default), the model's own, in which rho summed over the
   * molecule's QDF field points is the electron count; or "electrons": rho in electrons/bohr^3, scaled so that its
   * integral over the box (sum times the voxel volume) is the electron count, and psi_k by the square root of that
   * factor, so that rho = sum_k psi_k^2 still holds.
   */
  units?: DensityUnits;
  /** Memory limit for the molecule, bytes (default 2 GiB): estimated first, over it is an error naming both. */
  maxMemory?: number;
}

export type DensityUnits = "model" | "electrons";
export const DENSITY_UNITS: readonly DensityUnits[] = ["model", "electrons"];

export interface DensityFile {
  /** File name suffix after the molecule's id, e.g. ".rho.cube". */
  suffix: string;
  data: string | Uint8Array;
}

/** A box-grid cube in bohr from values in grid order (angstrom grid). */
export function gridCube(m: Molecule, grid: BoxGrid, values: Float32Array, comments: [string, string]): CubeData {
  const h = grid.spacing * BOHR_PER_ANGSTROM;
  return {
    comments,
    origin: grid.origin.map((v) => v * BOHR_PER_ANGSTROM) as [number, number, number],
    shape: grid.shape,
    axes: [[h, 0, 0], [0, h, 0], [0, 0, h]],
    atoms: Array.from(m.atomicNumbers, (z, i) => ({
      z, charge: z,
      position: [0, 1, 2].map((a) => m.coords[3 * i + a]! * BOHR_PER_ANGSTROM) as [number, number, number],
    })),
    values,
  };
}

const round = (x: number, digits = 6) => Number(x.toPrecision(digits));
/** Smallest value (a loop: spreading 10^5+ values into Math.min overflows the stack). */
const minOf = (a: ArrayLike<number>) => { let v = Infinity; for (let i = 0; i < a.length; i++) v = Math.min(v, a[i]!); return v; };

/** Evaluates everything asked for one molecule; returns the JSON summary and the files (not yet written). */
export function densityJob(model: QdfModel, m: Molecule, o: DensityJobOptions = {}): { summary: Record<string, unknown>; files: DensityFile[] } {
  const t0 = performance.now();
  const spacing = o.spacing ?? 0.2, padding = o.padding ?? 3.0, orbitals = o.orbitals ?? [];
  const cutoffTol = o.cutoffTol ?? DEFAULT_CUTOFF_TOL;
  checkGeometry(m);
  const grid = boxGrid(m.coords, spacing, padding);
  // The density is built over the whole field at once (not in chunks as prediction is): refused up front if too big.
  const sizes = moleculeSizes(m, model.budgetModel()), limit = o.maxMemory ?? DEFAULT_MAX_MEMORY;
  const bytes = densityMemory(sizes, model.config.dim, gridSize(grid), 2 + orbitals.length + (o.potential ? 2 : 0));
  if (bytes > limit) throw new MemoryBudgetError(m.id, { ...sizes, chunks: 1, bytes }, limit, "for its density");
  const fn = lcaoFunction(model, m);
  const { rho, psi } = evaluateOnGrid(fn, grid, { orbitals, cutoffTol });
  const files: DensityFile[] = [];
  const title = (what: string) => `${m.id}: ${what}`;

  let sum = 0, max = -Infinity, argmax = 0;
  for (let i = 0; i < rho.length; i++) {
    sum += rho[i]!;
    if (rho[i]! > max) { max = rho[i]!; argmax = i; }
  }
  // Physical units: the factor that makes the box integral (in bohr^3) the electron count. V_pred below still reads
  // the model's own rho, which is what the HK map was trained on.
  const voxelBohr3 = (spacing * BOHR_PER_ANGSTROM) ** 3;
  const electrons = o.units === "electrons";
  const factor = electrons ? fn.nElectrons / (sum * voxelBohr3) : 1;
  const units = electrons
    ? `electrons/bohr^3: model rho x ${round(factor)}, so that sum x voxel volume (${round(voxelBohr3)} bohr^3) = N_elec = ${fn.nElectrons}`
    : "model units (sum over the QDF field points = N_elec)";
  const psiUnits = electrons ? `bohr^-3/2: model psi x sqrt(${round(factor)}), so that sum_k psi_k^2 = rho in electrons/bohr^3` : units;
  const scaled = (values: Float32Array, f: number) => (f === 1 ? values : values.map((v) => v * f));
  files.push({ suffix: ".rho.cube", data: writeCube(gridCube(m, grid, scaled(rho, factor), [title("QDF electron density rho"), units])) });
  orbitals.forEach((k, s) => files.push({
    suffix: `.psi${k}.cube`,
    data: writeCube(gridCube(m, grid, scaled(psi[s]!, Math.sqrt(factor)), [title(`QDF molecular orbital psi_${k}`), psiUnits])),
  }));
  const at = gridPoint(grid, argmax);
  let nearest = 0, nearestD = Infinity;
  for (let a = 0; a < m.atomicNumbers.length; a++) {
    const d = Math.hypot(at[0] - m.coords[3 * a]!, at[1] - m.coords[3 * a + 1]!, at[2] - m.coords[3 * a + 2]!);
    if (d < nearestD) { nearestD = d; nearest = a; }
  }
  const voxel = spacing ** 3;
  const allRadii = cutoffRadii(fn, orbitals, cutoffTol);
  const radii = allRadii.filter((r) => r >= 0);
  const summary: Record<string, unknown> = {
    id: m.id,
    nAtoms: m.atomicNumbers.length,
    nElectrons: fn.nElectrons,
    nBasisFunctions: fn.nOrb,
    rhoUnits: units,
    units: electrons ? "electrons" : "model",
    rhoScaleFromModelUnits: round(factor, 8),
    grid: {
      shape: grid.shape, points: gridSize(grid), spacingAngstrom: spacing, paddingAngstrom: padding,
      originAngstrom: grid.origin.map((v) => round(v, 10)), voxelVolumeAngstrom3: round(voxel, 10),
    },
    // In model units: how much of the model's normalisation the box holds (2.6 of 40 electrons, say: QDF's own rho
    // is normalised on the field points, not in space).
    rhoSumOnGridTimesVoxelVolumeAngstrom3: round(sum * voxel),
    ...(electrons ? { electronsInBox: round(sum * factor * voxelBohr3, 8) } : {}),
    rhoSumOnFieldPoints: round(fn.fieldRho.reduce((a, b) => a + b, 0), 10),
    nFieldPoints: fn.fieldRho.length,
    maxRho: round(max * factor),
    maxRhoAtAngstrom: at.map((v) => round(v, 8)),
    maxRhoNearestAtom: { index: nearest + 1, symbol: m.symbols[nearest], distanceAngstrom: round(nearestD, 4) },
    cutoff: {
      tolerance: cutoffTol,
      radiusAngstrom: radii.length && Number.isFinite(Math.max(...radii))
        ? { min: round(Math.min(...radii), 4), max: round(Math.max(...radii), 4) } : null,
      // Per basis function, in atom order (null: no cutoff; -1: never reaches the tolerance, left out).
      perBasisFunctionAngstrom: Array.from(allRadii, (r) => (Number.isFinite(r) ? round(r, 4) : null)),
    },
    orbitals,
  };
  if (o.potential) {
    const v = trueV(m, grid), vp = predictedV(model, rho);
    let mae = 0;
    for (let i = 0; i < v.length; i++) mae += Math.abs(v[i]! - vp[i]!);
    files.push({ suffix: ".V.cube", data: writeCube(gridCube(m, grid, v, [title("true Gaussian potential V"), "-sum_A Z_A exp(-|r-R_A|^2 / angstrom^2)"])) });
    files.push({ suffix: ".Vpred.cube", data: writeCube(gridCube(m, grid, vp, [title("HK map's predicted potential V_pred"), "from rho on this grid"])) });
    summary.potential = { vMin: round(minOf(v)), vPredMin: round(minOf(vp)), meanAbsDiffOnGrid: round(mae / v.length) };
  }
  if (o.png) {
    const plane = parsePlane(m, o.plane);
    const slice = sampleSlice(fn, plane, 2.5, 480, { cutoffTol });
    if (factor !== 1) slice.values = scaled(slice.values, factor);
    files.push({
      suffix: ".rho.png",
      data: renderSlicePng(slice, { scale: o.scale, title: `${m.id}: rho`, unit: electrons ? "electrons/bohr^3" : "model units" }),
    });
    summary.slice = { plane: plane.label, pixels: [slice.width, slice.height], pixelAngstrom: round(slice.pixel, 4), scale: o.scale ?? "log" };
  }
  summary.seconds = round((performance.now() - t0) / 1000, 4);
  return { summary, files };
}
