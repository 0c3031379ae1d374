// The prediction worker's body, shared by the Node and browser entries: one model and one set of wasm instances per
// worker, and the dense engine its entry can provide (Node's: native too; a browser's: wasm).
import { loadAnyModel, predictMolecules, type AnyModel, type PredictOptions } from "../predict/predictor.js";
import type { PredictionResult } from "../predict/result.js";
import type { Molecule } from "../chem/molecule.js";
import { setTfjsWasmPath } from "../model/backend.js";
import { wasmOnlySelector, type EngineSelector } from "../model/denseEngine.js";
import type { PredictWorkerApi, WorkerEngine } from "./protocol.js";
import { descriptorResult, type DescriptorResult } from "../predict/descriptor.js";
import { QdfModel } from "../model/qdf.js";
import type { MemoryBudget } from "../model/memoryBudget.js";

/** A worker API whose init selects its dense engine with `select` (the entry's: Node's has the native engine too). */
export function createPredictWorkerApi(select: EngineSelector): PredictWorkerApi {
  let model: AnyModel | null = null;
  return {
    async init(modelBytes: Uint8Array, tfjsWasmPath?: string, engine: WorkerEngine = { choice: "wasm", threads: 1 }): Promise<string> {
      if (tfjsWasmPath) setTfjsWasmPath(tfjsWasmPath);
      model?.dispose();
      model = null;
      // Before the model: its frozen layers are built in the engine selected then.
      const selected = await select(engine.choice, engine.threads);
      model = await loadAnyModel(modelBytes);
      return selected.description;
    },

    predictChunk(molecules: Molecule[], options: PredictOptions = {}): PredictionResult[] {
      const m = model;
      if (!m) throw new Error("worker has no model: init() first");
      return predictMolecules(m, molecules, options);
    },

    describeChunk(molecules: Molecule[], budget: MemoryBudget = {}): DescriptorResult[] {
      const m = model;
      if (!(m instanceof QdfModel)) throw new Error(m ? "descriptors need a QDF model, this worker has a GCN" : "worker has no model: init() first");
      return molecules.map((molecule) => descriptorResult(m, molecule, budget));
    },
  };
}

/** The wasm-only worker API (browsers, and tests' workers). */
export const predictWorkerApi: PredictWorkerApi = createPredictWorkerApi(wasmOnlySelector);
