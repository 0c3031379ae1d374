// The prediction worker's body, shared by the Node and browser entries: one model and one set of wasm instances per worker.
import { loadAnyModel, predictMolecule, type AnyModel, type PredictOptions } from "../predict/predictor.js";
import type { PredictionResult } from "../predict/result.js";
import type { Molecule } from "../chem/molecule.js";
import { setTfjsWasmPath } from "../model/backend.js";
import type { PredictWorkerApi } from "./protocol.js";
import { descriptorResult, type DescriptorResult } from "../predict/descriptor.js";
import { QdfModel } from "../model/qdf.js";
import type { MemoryBudget } from "../model/memoryBudget.js";

let model: AnyModel | null = null;

export const predictWorkerApi: PredictWorkerApi = {
  async init(modelBytes: Uint8Array, tfjsWasmPath?: string): Promise<void> {
    if (tfjsWasmPath) setTfjsWasmPath(tfjsWasmPath);
    model?.dispose();
    model = await loadAnyModel(modelBytes);
  },

  predictChunk(molecules: Molecule[], options: PredictOptions = {}): PredictionResult[] {
    const m = model;
    if (!m) throw new Error("worker has no model: init() first");
    return molecules.map((molecule) => predictMolecule(m, molecule, options));
  },

  describeChunk(molecules: Molecule[], budget: MemoryBudget = {}): DescriptorResult[] {
    const m = model;
    if (!(m instanceof QdfModel)) throw new Error(m ? "descriptors need a QDF model, this worker has a GCN" : "worker has no model: init() first");
    return molecules.map((molecule) => descriptorResult(m, molecule, budget));
  },
};
