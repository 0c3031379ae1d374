// The page's density worker: rho of one molecule under the page's model on a box grid, as `qdf density`'s cube text.
import { expose } from "comlink/dist/esm/comlink.mjs";
import type { Molecule } from "../src/chem/molecule.js";
import { densityJob } from "../src/density/densityJob.js";
import { setTfjsWasmPath } from "../src/model/backend.js";
import type { QdfModel } from "../src/model/qdf.js";
import { loadModel } from "../src/predict/predictor.js";

let model: QdfModel | null = null;

const densityWorkerApi = {
  /** Loads the model; tfjs's .wasm files lie beside this worker's script (the page's folder). */
  async init(modelBytes: Uint8Array): Promise<void> {
    setTfjsWasmPath(new URL("./", import.meta.url).href);
    model?.dispose();
    model = null;
    model = await loadModel(modelBytes);
  },

  /**
   * The cube file and densityJob's summary (electrons, grid, largest rho) of one molecule, rho in electrons/bohr^3
   * (`qdf density --units electrons`, so isovalues compare with DFT cubes); throws for elements the model never saw.
   */
  rho(molecule: Molecule, spacing: number): { cube: string; summary: Record<string, unknown> } {
    if (!model) throw new Error("the density worker has no model: init() first");
    const { summary, files } = densityJob(model, molecule, { spacing, units: "electrons" });
    return { cube: files[0]!.data as string, summary };
  },
};

export type DensityWorkerApi = typeof densityWorkerApi;

expose(densityWorkerApi);
