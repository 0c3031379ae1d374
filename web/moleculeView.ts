// The page's 3D view: a molecule and an isosurface of a cube's values (rho, or psi_k's two lobes) with 3Dmol.js.
import type { GLShape, GLViewer } from "3dmol";
import type { Molecule } from "../src/chem/molecule.js";

type ThreeDmol = typeof import("3dmol");
let library: Promise<ThreeDmol> | null = null;
/** 3Dmol.js is bundled as its own chunk, loaded on the first 3D view (the table works without it). */
const load3Dmol = () => (library ??= import("3dmol/build/3Dmol.es6-min.js") as Promise<ThreeDmol>);

export interface CubeRange {
  min: number;
  max: number;
  shape: number[];
}

/** The values' range of a cube file: 6 header lines + one per atom (+1 with a negative atom count), then values. */
export function cubeRange(text: string): CubeRange {
  const lines = text.split(/\r?\n/);
  const nAtoms = parseInt(lines[2]?.trim().split(/\s+/)[0] ?? "", 10);
  const shape = [3, 4, 5].map((i) => Math.abs(parseInt(lines[i]?.trim().split(/\s+/)[0] ?? "", 10)));
  if (!Number.isFinite(nAtoms) || shape.some((n) => !(n > 0))) throw new Error("not a cube file (bad header)");
  let min = Infinity, max = -Infinity, count = 0;
  for (let i = 6 + Math.abs(nAtoms) + (nAtoms < 0 ? 1 : 0); i < lines.length; i++) {
    for (const t of lines[i]!.trim().split(/\s+/)) {
      if (t === "") continue;
      const v = Number(t);
      if (v < min) min = v;
      if (v > max) max = v;
      count++;
    }
  }
  const expected = shape[0]! * shape[1]! * shape[2]!;
  if (count !== expected) throw new Error(`cube has ${count} values, its grid ${shape.join("x")} needs ${expected}`);
  return { min, max, shape };
}

/** xyz text of a molecule (3Dmol.js draws bonds from distances). */
function xyzText(m: Molecule): string {
  const rows = m.symbols.map((s, i) => `${s} ${m.coords[3 * i]} ${m.coords[3 * i + 1]} ${m.coords[3 * i + 2]}`);
  return `${m.symbols.length}\n${m.id}\n${rows.join("\n")}\n`;
}

const STYLE = { stick: { radius: 0.12 }, sphere: { scale: 0.22 } };

export class MoleculeView {
  private volume: unknown = null;
  private range: CubeRange | null = null;
  private surfaces: GLShape[] = [];

  private constructor(private readonly lib: ThreeDmol, private readonly viewer: GLViewer, readonly element: HTMLElement) {}

  static async create(element: HTMLElement): Promise<MoleculeView> {
    const lib = await load3Dmol();
    return new MoleculeView(lib, lib.createViewer(element, { backgroundColor: "white" }), element);
  }

  /** The molecule alone (its density comes later, from showCube). */
  showMolecule(m: Molecule): void {
    this.reset();
    this.viewer.addModel(xyzText(m), "xyz");
    this.viewer.setStyle({}, STYLE);
    this.viewer.zoomTo();
    this.viewer.render();
    this.element.dataset.molecule = m.id;
    this.element.dataset.atoms = String(m.symbols.length);
  }

  /**
   * A cube's isosurface; with `withAtoms` its atoms too (a cube file opened on its own). Returns the values' range.
   * `position` is the isovalue slider's (see isovalue).
   */
  showCube(text: string, position: number, opaque: boolean, withAtoms: boolean): CubeRange {
    const range = cubeRange(text);
    if (withAtoms) {
      this.reset();
      const model = this.viewer.addModel(text, "cube");
      this.viewer.setStyle({}, STYLE);
      this.element.dataset.atoms = String(model.selectedAtoms({}).length);
      this.element.dataset.molecule = text.split(/\r?\n/)[0]!.split(":")[0]!;
      this.viewer.zoomTo();
    }
    this.volume = new this.lib.VolumeData(text, "cube");
    this.range = range;
    this.drawSurfaces(position, opaque);
    return range;
  }

  /** Slider position 0..1000 -> isovalue, log scale from 1e-4 to 0.95 of the largest |value|. */
  isovalue(position: number): number {
    if (!this.range) return NaN;
    const top = Math.max(Math.abs(this.range.max), Math.abs(this.range.min)) * 0.95;
    return top * Math.pow(10, -4 * (1 - position / 1000));
  }

  /** Redraws the isosurface(s) at the slider's isovalue: rho's, or both lobes of an orbital (negative in red). */
  drawSurfaces(position: number, opaque: boolean): number {
    for (const s of this.surfaces) this.viewer.removeShape(s);
    this.surfaces = [];
    if (!this.volume || !this.range) return NaN;
    const iso = this.isovalue(position);
    const alpha = opaque ? 1 : 0.6;
    if (this.range.max >= iso) this.surfaces.push(this.viewer.addIsosurface(this.volume, { isoval: iso, color: "#2b7bba", alpha, smoothness: 1 }));
    if (this.range.min <= -iso) this.surfaces.push(this.viewer.addIsosurface(this.volume, { isoval: -iso, color: "#d7301f", alpha, smoothness: 1 }));
    this.viewer.render();
    this.element.dataset.surfaces = String(this.surfaces.length); // tests wait on this
    this.element.dataset.isovalue = String(iso);
    return iso;
  }

  /** Drops the molecule and any surface. */
  reset(): void {
    this.viewer.clear();
    this.surfaces = [];
    this.volume = null;
    this.range = null;
    this.element.dataset.surfaces = "0";
    delete this.element.dataset.molecule;
  }
}
