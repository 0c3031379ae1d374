// Gaussian cube files: writer and reader (browser-safe, strings in and out). Units in the file are bohr.

/** 1 angstrom in bohr (the cube format's unit of length). */
export const BOHR_PER_ANGSTROM = 1.8897261246;

export interface CubeAtom {
  z: number;
  /** The nuclear charge column (usually = z). */
  charge: number;
  /** Position, bohr. */
  position: [number, number, number];
}

export interface CubeData {
  /** The two free-text header lines (no newlines). */
  comments: [string, string];
  /** Point (0, 0, 0), bohr. */
  origin: [number, number, number];
  /** Points along each axis. */
  shape: [number, number, number];
  /** Step vector of each axis (rows), bohr. */
  axes: [[number, number, number], [number, number, number], [number, number, number]];
  atoms: CubeAtom[];
  /** nx * ny * nz values, index (ix * ny + iy) * nz + iz. */
  values: Float32Array | Float64Array;
}

export class CubeFormatError extends Error {
  override name = "CubeFormatError";
}

/** C's %13.5E: "  1.23450E-01", exponent of at least two digits. */
export function formatE(x: number): string {
  if (!Number.isFinite(x)) return (Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity").padStart(13);
  const [mant, exp] = x.toExponential(5).split("e") as [string, string];
  const e = Number(exp);
  return `${mant}E${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`.padStart(13);
}

function fixed(x: number, width: number, digits: number): string {
  return x.toFixed(digits).padStart(width);
}

/** The cube text: header, atoms, then values 6 per line, a new line after every z row (the usual layout). */
export function writeCube(c: CubeData): string {
  const [nx, ny, nz] = c.shape;
  if (c.values.length !== nx * ny * nz) throw new CubeFormatError(`cube has ${c.values.length} values, shape needs ${nx * ny * nz}`);
  const clean = (s: string) => s.replace(/[\r\n]+/g, " ");
  const lines: string[] = [clean(c.comments[0]), clean(c.comments[1])];
  lines.push(`${String(c.atoms.length).padStart(5)}${c.origin.map((v) => fixed(v, 12, 6)).join("")}`);
  c.axes.forEach((axis, a) => lines.push(`${String(c.shape[a]).padStart(5)}${axis.map((v) => fixed(v, 12, 6)).join("")}`));
  for (const atom of c.atoms) {
    lines.push(`${String(atom.z).padStart(5)}${fixed(atom.charge, 12, 6)}${atom.position.map((v) => fixed(v, 12, 6)).join("")}`);
  }
  const row: string[] = [];
  for (let i = 0; i < nx * ny; i++) {
    for (let iz = 0; iz < nz; iz++) {
      row.push(formatE(c.values[i * nz + iz]!));
      if (row.length === 6 || iz === nz - 1) {
        lines.push(row.join(""));
        row.length = 0;
      }
    }
  }
  return lines.join("\n") + "\n";
}

/** Parses a cube file (any line layout of the values; a negative atom count's orbital-id line is skipped). */
export function readCube(text: string): CubeData {
  const lines = text.split(/\r?\n/);
  let at = 2;
  const numbers = (what: string, count: number): number[] => {
    const line = lines[at++];
    const parts = line?.trim().split(/\s+/).map(Number) ?? [];
    if (parts.length < count || parts.slice(0, count).some((v) => !Number.isFinite(v))) {
      throw new CubeFormatError(`line ${at}: expected ${count} numbers (${what}), got ${JSON.stringify(line ?? "<end of file>")}`);
    }
    return parts.slice(0, count);
  };
  if (lines.length < 6) throw new CubeFormatError("not a cube file: too short");
  const [nAtomsSigned, ox, oy, oz] = numbers("atom count and origin", 4) as [number, number, number, number];
  const shape = [0, 0, 0] as [number, number, number];
  const axes = [] as unknown as CubeData["axes"];
  for (let a = 0; a < 3; a++) {
    const [n, x, y, z] = numbers(`axis ${a + 1}`, 4) as [number, number, number, number];
    // A negative count means the file is in angstrom (Gaussian's convention); convert the step to bohr.
    const unit = n < 0 ? BOHR_PER_ANGSTROM : 1;
    if (!Number.isInteger(n) || n === 0) throw new CubeFormatError(`line ${at}: axis ${a + 1} needs a non-zero integer count`);
    shape[a] = Math.abs(n);
    axes.push([x * unit, y * unit, z * unit]);
  }
  const atoms: CubeAtom[] = [];
  for (let i = 0; i < Math.abs(nAtomsSigned); i++) {
    const [z, charge, x, y, zz] = numbers(`atom ${i + 1}`, 5) as [number, number, number, number, number];
    atoms.push({ z, charge, position: [x, y, zz] });
  }
  if (nAtomsSigned < 0) at++; // the MO line: count and orbital numbers
  const n = shape[0] * shape[1] * shape[2];
  const values = new Float64Array(n);
  let k = 0;
  for (; at < lines.length && k < n; at++) {
    for (const t of lines[at]!.trim().split(/\s+/)) {
      if (t === "") continue;
      const v = Number(t);
      if (Number.isNaN(v) && t !== "NaN") throw new CubeFormatError(`line ${at + 1}: "${t}" is not a number`);
      if (k >= n) throw new CubeFormatError(`line ${at + 1}: more values than the ${n} the grid has`);
      values[k++] = v;
    }
  }
  if (k < n) throw new CubeFormatError(`cube has ${k} values, the grid needs ${n}`);
  return { comments: [lines[0] ?? "", lines[1] ?? ""], origin: [ox, oy, oz], shape, axes, atoms, values };
}
