// The page's side of the density worker: one worker for the page's (first) model, restarted when the model changes.
import { releaseProxy, transfer, wrap, type Remote } from "comlink/dist/esm/comlink.mjs";
import type { Molecule } from "../src/chem/molecule.js";
import type { DensityWorkerApi } from "./densityWorker.js";

export interface DensityResult {
  cube: string;
  summary: Record<string, unknown>;
}

export class DensityClient {
  private worker: Worker | null = null;
  private api: Remote<DensityWorkerApi> | null = null;
  private ready: Promise<void> | null = null;
  /** Rejects when the worker fails to load or crashes: a dead worker never answers, so every call races this. */
  private failed: Promise<never> | null = null;
  private modelBytes: Uint8Array | null = null;

  /** The model rho comes from; the worker (re)loads it on the next request. True when the model changed. */
  setModel(bytes: Uint8Array | null): boolean {
    if (bytes === this.modelBytes) return false;
    this.close();
    this.modelBytes = bytes;
    return true;
  }

  /** rho of `molecule` on a box grid of `spacing` angstrom (qdf density's default 0.2): cube text and summary. */
  async rho(molecule: Molecule, spacing = 0.2): Promise<DensityResult> {
    if (!this.modelBytes) throw new Error("no model loaded");
    if (!this.api) {
      const worker = this.worker = new Worker(new URL("./densityWorker.js", import.meta.url), { type: "module" });
      const api = this.api = wrap<DensityWorkerApi>(worker);
      const copy = new Uint8Array(this.modelBytes);
      const failed = this.failed = new Promise<never>((_, reject) => worker.addEventListener("error", (e) => {
        e.preventDefault();
        reject(new Error(`density worker failed: ${e.message || "could not load"}`));
      }));
      failed.catch(() => { /* surfaced by the calls racing it */ });
      this.ready = Promise.race([api.init(transfer(copy, [copy.buffer])), failed]);
    }
    // This worker's, even if the model changes meanwhile (close() drops the fields, not the worker's promises).
    const api = this.api, ready = this.ready!, failed = this.failed!;
    try {
      await ready;
      return await Promise.race([api.rho(molecule, spacing), failed]);
    } catch (e) {
      if (/worker failed|no model/.test((e as Error).message)) this.close();
      throw e;
    }
  }

  close(): void {
    this.api?.[releaseProxy]();
    this.worker?.terminate();
    this.api = null;
    this.worker = null;
    this.ready = null;
    this.failed = null;
  }
}
