// A planar slice of rho: the plane (three heaviest atoms, chosen atoms, or an axis plane) and its sampled pixels.
import type { Molecule } from "../chem/molecule.js";
import { evaluateAtPoints, type EvaluateOptions } from "./evaluate.js";
import type { LcaoFunction } from "./lcaoFunction.js";

type Vec = [number, number, number];

export interface SlicePlane {
  /** A point of the plane (the image is centred on the atoms' projection, not on it). */
  centre: Vec;
  /** Orthonormal in-plane axes (image right, image up) and the normal. */
  u: Vec;
  v: Vec;
  normal: Vec;
  /** How the plane was chosen, for the image title and the summary. */
  label: string;
}

const sub = (a: Vec, b: Vec): Vec => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: Vec, b: Vec) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec, b: Vec): Vec => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: Vec) => Math.sqrt(dot(a, a));
const unit = (a: Vec): Vec => { const n = norm(a); return [a[0] / n, a[1] / n, a[2] / n]; };
const atom = (m: Molecule, i: number): Vec => [m.coords[3 * i]!, m.coords[3 * i + 1]!, m.coords[3 * i + 2]!];

/** The plane through atoms i, j, k (0-based); collinear atoms get the plane holding their line and the z axis (or x). */
export function planeThroughAtoms(m: Molecule, idx: number[], label?: string): SlicePlane {
  const n = m.atomicNumbers.length;
  for (const i of idx) if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`atom ${i + 1} out of range (1..${n})`);
  const pts = idx.map((i) => atom(m, i));
  const centre = pts.reduce((c, p) => [c[0] + p[0] / pts.length, c[1] + p[1] / pts.length, c[2] + p[2] / pts.length], [0, 0, 0] as Vec);
  let u: Vec = pts.length > 1 && norm(sub(pts[1]!, pts[0]!)) > 1e-6 ? unit(sub(pts[1]!, pts[0]!)) : [1, 0, 0];
  let normal: Vec | null = null;
  if (pts.length > 2) {
    const c = cross(sub(pts[1]!, pts[0]!), sub(pts[2]!, pts[0]!));
    if (norm(c) > 1e-3 * norm(sub(pts[1]!, pts[0]!)) * norm(sub(pts[2]!, pts[0]!))) normal = unit(c);
  }
  if (!normal) {
    // Collinear (or fewer than three atoms): any plane holding the line; take the one closest to containing z.
    const helper: Vec = Math.abs(u[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
    normal = unit(cross(u, helper));
  }
  u = unit(sub(u, scale(normal, dot(u, normal))));
  return { centre, u, v: cross(normal, u), normal, label: label ?? `atoms ${idx.map((i) => i + 1).join(",")}` };
}

function scale(a: Vec, s: number): Vec {
  return [a[0] * s, a[1] * s, a[2] * s];
}

/** The plane through the three heaviest atoms (ties: first in input order). */
export function planeThroughHeaviest(m: Molecule): SlicePlane {
  const order = Array.from(m.atomicNumbers, (z, i) => ({ z, i })).sort((a, b) => b.z - a.z || a.i - b.i);
  const idx = order.slice(0, 3).map((a) => a.i).sort((a, b) => a - b);
  return planeThroughAtoms(m, idx, `three heaviest atoms (${idx.map((i) => `${m.symbols[i]}${i + 1}`).join(", ")})`);
}

/** An axis plane (xy, xz, yz) through the atoms' centroid. */
export function axisPlane(m: Molecule, axes: "xy" | "xz" | "yz"): SlicePlane {
  const n = m.atomicNumbers.length;
  const c: Vec = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) c[a] += m.coords[3 * i + a]! / n;
  const e = (ch: string): Vec => (ch === "x" ? [1, 0, 0] : ch === "y" ? [0, 1, 0] : [0, 0, 1]);
  const u = e(axes[0]!), v = e(axes[1]!);
  return { centre: c, u, v, normal: cross(u, v), label: `${axes} plane through the centroid` };
}

/** Parses --plane: "heaviest" (default), "xy" | "xz" | "yz", or three 1-based atom numbers "i,j,k". */
export function parsePlane(m: Molecule, spec: string | undefined): SlicePlane {
  if (!spec || spec === "heaviest") return planeThroughHeaviest(m);
  if (spec === "xy" || spec === "xz" || spec === "yz") return axisPlane(m, spec);
  const parts = spec.split(",").map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isInteger(p))) {
    throw new Error(`--plane must be heaviest, xy, xz, yz or three atom numbers i,j,k; got "${spec}"`);
  }
  return planeThroughAtoms(m, parts.map((p) => p - 1));
}

export interface SliceAtom {
  symbol: string;
  z: number;
  /** Position in image pixels (x right, y down). */
  px: number;
  py: number;
  /** Signed distance from the plane, angstrom. */
  offset: number;
}

export interface Slice {
  plane: SlicePlane;
  width: number;
  height: number;
  /** Pixel edge, angstrom. */
  pixel: number;
  /** rho at pixel centres, f32 [height * width], row 0 at the top. */
  values: Float32Array;
  atoms: SliceAtom[];
}

/** Samples rho on the plane over the atoms' projection plus `padding` angstrom, at most `maxPixels` on a side. */
export function sampleSlice(fn: LcaoFunction, plane: SlicePlane, padding = 2.5, maxPixels = 480,
                            options: EvaluateOptions = {}): Slice {
  const m = fn.molecule;
  const proj = Array.from(m.atomicNumbers, (_, i) => {
    const d = sub(atom(m, i), plane.centre);
    return { s: dot(d, plane.u), t: dot(d, plane.v), offset: dot(d, plane.normal) };
  });
  const s0 = Math.min(...proj.map((p) => p.s)) - padding, s1 = Math.max(...proj.map((p) => p.s)) + padding;
  const t0 = Math.min(...proj.map((p) => p.t)) - padding, t1 = Math.max(...proj.map((p) => p.t)) + padding;
  const pixel = Math.max(0.02, Math.max(s1 - s0, t1 - t0) / maxPixels);
  const width = Math.ceil((s1 - s0) / pixel), height = Math.ceil((t1 - t0) / pixel);
  const points = new Float64Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const t = t1 - (y + 0.5) * pixel;
    for (let x = 0; x < width; x++) {
      const s = s0 + (x + 0.5) * pixel;
      for (let a = 0; a < 3; a++) points[(y * width + x) * 3 + a] = plane.centre[a] + s * plane.u[a] + t * plane.v[a];
    }
  }
  const { rho } = evaluateAtPoints(fn, points, { cutoffTol: options.cutoffTol });
  const atoms = proj.map((p, i) => ({
    symbol: m.symbols[i]!, z: m.atomicNumbers[i]!,
    px: (p.s - s0) / pixel - 0.5, py: (t1 - p.t) / pixel - 0.5, offset: p.offset,
  }));
  return { plane, width, height, pixel, values: rho, atoms };
}
