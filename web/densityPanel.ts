// The page's 3D panel: the selected molecule, rho from the page's model as an isosurface, isovalue, cube in and out.
import { $, saveText } from "./dom.js";
import type { Molecule } from "../src/chem/molecule.js";
import { DensityClient, type DensityResult } from "./densityClient.js";
import { MoleculeView } from "./moleculeView.js";


export class DensityPanel {
  private readonly viewerEl = $<HTMLDivElement>("viewer");
  private readonly iso = $<HTMLInputElement>("iso");
  private readonly isoValue = $<HTMLSpanElement>("isoValue");
  private readonly opaque = $<HTMLInputElement>("opaque");
  private readonly download = $<HTMLButtonElement>("cubeDownload");
  private readonly cubeFile = $<HTMLInputElement>("cubeFile");
  private readonly status = $<HTMLDivElement>("densityStatus");
  private readonly info = $<HTMLDivElement>("densityInfo");
  private readonly title = $<HTMLSpanElement>("densityTitle");
  private readonly density = new DensityClient();
  private view: Promise<MoleculeView> | null = null;
  private cube: { name: string; text: string } | null = null;
  /** Densities already computed under the current model, by molecule (clicking back is instant). */
  private computed = new WeakMap<Molecule, Promise<DensityResult>>();
  /** Bumped by every request, so a slow answer for an earlier row never replaces a later one. */
  private request = 0;

  constructor() {
    this.iso.addEventListener("input", () => void this.redraw());
    this.opaque.addEventListener("change", () => void this.redraw());
    this.download.addEventListener("click", () => this.saveCube());
    this.cubeFile.addEventListener("change", async () => {
      const f = this.cubeFile.files?.[0];
      if (f) await this.openCube(f.name, await f.text());
    });
  }

  /** Why the current model gives no density (a GCN), shown instead of computing one; null: it gives one. */
  private noDensity: string | null = null;

  /** The model rho comes from (null: none loaded); `noDensity`: it has none, and why (molecules still show in 3D). */
  setModel(bytes: Uint8Array | null, noDensity?: string): void {
    this.noDensity = noDensity ?? null;
    if (this.density.setModel(noDensity ? null : bytes)) this.computed = new WeakMap();
  }

  private getView(): Promise<MoleculeView> {
    return (this.view ??= MoleculeView.create(this.viewerEl));
  }

  private setStatus(text: string, error = false): void {
    this.status.textContent = text;
    this.status.className = error ? "error" : "";
  }

  /** Shows a molecule at once, then its density when the worker has it. */
  async show(m: Molecule, label: string): Promise<void> {
    const request = ++this.request;
    this.cube = null;
    this.download.disabled = true;
    this.title.textContent = `· ${label}`;
    this.info.textContent = "";
    this.viewerEl.dataset.state = "busy";
    try {
      const view = await this.getView();
      if (request !== this.request) return;
      view.showMolecule(m);
      if (this.noDensity) {
        this.setStatus(`${m.id}: ${this.noDensity}`);
        this.viewerEl.dataset.state = "done";
        return;
      }
      this.setStatus(`${m.id}: computing rho...`);
      let job = this.computed.get(m);
      if (!job) {
        job = this.density.rho(m);
        this.computed.set(m, job);
        job.catch(() => this.computed.delete(m)); // a failure is retried on the next click
      }
      const { cube, summary } = await job;
      if (request !== this.request) return;
      this.cube = { name: `${m.id}.rho.cube`, text: cube };
      const range = view.showCube(cube, Number(this.iso.value), this.opaque.checked, false);
      this.afterCube(range.max);
      const grid = summary.grid as { shape: number[]; spacingAngstrom: number };
      const near = summary.maxRhoNearestAtom as { index: number; symbol: string };
      this.setStatus(`${m.id}: rho from the model, ${summary.nElectrons} electrons (computed in ${summary.seconds} s)`);
      this.info.textContent = `grid ${grid.shape.join(" x ")} at ${grid.spacingAngstrom} A; largest rho ` +
        `${Number(summary.maxRho).toExponential(3)} near atom ${near.index} (${near.symbol}); rho in ${summary.rhoUnits}`;
      this.viewerEl.dataset.state = "done";
    } catch (e) {
      if (request !== this.request) return;
      this.setStatus(`${m.id}: no density: ${(e as Error).message}`, true);
      this.viewerEl.dataset.state = "error";
    }
  }

  /** A molecule with nothing to draw (it failed to parse). */
  clear(message: string): void {
    ++this.request;
    this.cube = null;
    this.download.disabled = true;
    this.iso.disabled = true;
    this.title.textContent = "";
    this.info.textContent = "";
    this.setStatus(message, true);
    void this.view?.then((v) => v.reset());
    this.viewerEl.dataset.state = "error";
  }

  /** A cube file from `qdf density` (rho or psi_k), shown with its own atoms. */
  async openCube(name: string, text: string): Promise<void> {
    const request = ++this.request;
    this.viewerEl.dataset.state = "busy";
    try {
      const view = await this.getView();
      if (request !== this.request) return;
      const range = view.showCube(text, Number(this.iso.value), this.opaque.checked, true);
      this.cube = { name, text };
      this.afterCube(range.max);
      const lines = text.split(/\r?\n/);
      this.title.textContent = `· ${name}`;
      this.setStatus(`${name}: ${lines[0]}`);
      this.info.textContent = `${lines[1]} | grid ${range.shape.join(" x ")}, values ${range.min.toExponential(3)} .. ${range.max.toExponential(3)}`;
      this.viewerEl.dataset.state = "done";
    } catch (e) {
      if (request !== this.request) return;
      this.setStatus(`${name}: ${(e as Error).message}`, true);
      this.viewerEl.dataset.state = "error";
    }
  }

  private afterCube(max: number): void {
    this.iso.disabled = false;
    this.download.disabled = false;
    void this.getView().then((v) => { this.isoValue.textContent = v.isovalue(Number(this.iso.value)).toExponential(3); });
    this.viewerEl.dataset.maxValue = String(max);
  }

  private async redraw(): Promise<void> {
    if (!this.cube) return;
    const iso = (await this.getView()).drawSurfaces(Number(this.iso.value), this.opaque.checked);
    this.isoValue.textContent = iso.toExponential(3);
  }

  private saveCube(): void {
    if (!this.cube) return;
    saveText(/\.cube?$/.test(this.cube.name) ? this.cube.name : `${this.cube.name}.cube`, this.cube.text, "chemical/x-cube");
  }
}
