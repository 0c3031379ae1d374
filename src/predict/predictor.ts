// Prediction in this thread: load a model, predict molecules one at a time, one result per molecule in input order.
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";
import { readModelFile } from "../model/modelFile.js";
import { initBackend } from "../model/backend.js";
import { featurizeField } from "../model/features.js";
import { checkMemory, DEFAULT_CHUNK_BYTES, DEFAULT_MAX_MEMORY, type MemoryBudget } from "../model/memoryBudget.js";
import { QdfModel } from "../model/qdf.js";
import { applicabilityWarnings } from "../chem/applicability.js";
import { checkGeometry } from "../chem/geometryChecks.js";
import { itemMolecule, moleculeResult, parseErrorResult, whereText, type PredictionResult } from "./result.js";
import { atomrefOffset, type Atomref } from "../chem/atomref.js";
import { GcnModel } from "../gcn/model.js";
import { readGcnModelFile } from "../gcn/modelFile.js";
import { ModelFileError } from "../model/modelFile.js";
import { modelArchitecture, modelAtomref, modelMetadata, requireQdf, type Architecture } from "./architecture.js";

/** How molecules are predicted. */
export interface PredictOptions {
  /** Applicability warnings become errors: no value, the error says why (default false). */
  strict?: boolean;
  /** The model as errors name it (its file); default "(unnamed)". */
  modelName?: string;
  /**
   * Memory limit per molecule, bytes (default 2 GiB, DEFAULT_MAX_MEMORY): estimated before the work, and a molecule
   * over it is an error naming the estimate and the limit. Large molecules are taken in chunks of field points to
   * stay within it (model/memoryBudget.ts).
   */
  maxMemory?: number;
  /** Working bytes of one chunk of field points (default 64 MiB, DEFAULT_CHUNK_BYTES; tests make it small). */
  chunkBytes?: number;
}

/** A model of either architecture, as prediction sees it. */
export type AnyModel = QdfModel | GcnModel;

/** The atomref of each loaded model that has one (added to its predictions). */
const atomrefs = new WeakMap<AnyModel, Atomref>();

/** Reads a QDF model file (safetensors bytes) and prepares it for prediction and training. */
export async function loadModel(bytes: Uint8Array): Promise<QdfModel> {
  requireQdf(modelMetadata(bytes));
  const model = await loadAnyModel(bytes);
  if (model instanceof GcnModel) {
    model.dispose();
    throw new Error("unreachable: requireQdf let a GCN through");
  }
  return model;
}

/** Reads a model file of any architecture (QDF, or the 3D GCN) for prediction. */
export async function loadAnyModel(bytes: Uint8Array): Promise<AnyModel> {
  const meta = modelMetadata(bytes);
  const gcn = modelArchitecture(meta) === "gcn" ? readGcnModelFile(bytes) : null;
  const qdf = gcn ? null : readModelFile(bytes);
  const ref = modelAtomref(meta, (gcn ?? qdf)!.config.outputs);
  await initBackend();
  const model = gcn ? new GcnModel(gcn.config, gcn.weights) : new QdfModel(qdf!);
  if (ref) atomrefs.set(model, ref);
  return model;
}

/** What a model file of any architecture predicts, validated: what a worker pool and the page need up front. */
export interface ModelSummary {
  architecture: Architecture;
  outputs: number;
  property: string;
  /** Width of the orbitals (QDF) or atom vectors (GCN). */
  dim: number;
}

export function modelSummary(bytes: Uint8Array): ModelSummary {
  const architecture = modelArchitecture(modelMetadata(bytes));
  const config = architecture === "gcn" ? readGcnModelFile(bytes).config : readModelFile(bytes).config;
  return { architecture, outputs: config.outputs, property: config.property, dim: config.dim };
}

/**
 * Predicts one molecule, with its applicability warnings (src/chem/applicability.ts); an unseen element or other
 * per-molecule failure becomes `error` (with file and line), never a throw.
 */
export function predictMolecule(model: AnyModel, m: Molecule, options: PredictOptions = {}): PredictionResult {
  const result = moleculeResult(m);
  try {
    // Unusable geometry (atoms at one point, coordinates of 1e308) is an error before anything else looks at it.
    checkGeometry(m);
    result.warnings = applicabilityWarnings(m, (model.config as { atomCountRange?: [number, number] }).atomCountRange);
    if (options.strict && result.warnings.length > 0) {
      throw new Error(`molecule ${m.id}: refused (strict): ${result.warnings.join("; ")}`);
    }
    if (m.properties && m.properties.length !== model.config.outputs) {
      throw new Error(`molecule ${m.id} has ${m.properties.length} property values, the model predicts ${model.config.outputs}`);
    }
    let predicted: number[];
    if (model instanceof GcnModel) {
      predicted = model.predictMolecule(m);
    } else {
      const budget: MemoryBudget = {
        maxBytes: options.maxMemory ?? DEFAULT_MAX_MEMORY, chunkBytes: options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      };
      // Before any work: a molecule over the limit fails alone, naming its estimate.
      checkMemory(m, model.budgetModel(), budget);
      predicted = Array.from(model.predict([featurizeField(m, model.ctx)], budget));
    }
    const ref = atomrefs.get(model);
    if (ref) {
      const off = atomrefOffset(m, ref, model.config.outputs);
      predicted.forEach((p, k) => (predicted[k] = p + off[k]!));
    }
    // A NaN or infinity is this molecule's error, never a value in the table (nor in an MAE).
    const bad = predicted.findIndex((p) => !Number.isFinite(p));
    if (bad >= 0) {
      throw new Error(`model ${options.modelName ?? "(unnamed)"}: molecule ${m.id}: predicted value ` +
        `${predicted.length > 1 ? `${bad + 1} ` : ""}is ${predicted[bad]}, not a finite number`);
    }
    result.predicted = predicted;
  } catch (e) {
    result.error = whereText(m) + (e as Error).message;
  }
  return result;
}

/** Predicts a run of molecules (a worker's chunk): one result each, in order, a failure its own molecule's. */
export function predictMolecules(model: AnyModel, molecules: Molecule[], options: PredictOptions = {}): PredictionResult[] {
  return molecules.map((m) => predictMolecule(model, m, options));
}

/**
 * Streams results in input order for molecules or parser items (a parse error becomes an error result, so one bad
 * molecule never stops the others). Nothing is kept between molecules, so memory stays flat on any input size.
 */
export function* predictStream(model: AnyModel, items: Iterable<Molecule | ParseItem>,
                               options: PredictOptions = {}): Generator<PredictionResult> {
  for (const item of items) {
    yield "error" in item ? parseErrorResult(item) : predictMolecule(model, itemMolecule(item), options);
  }
}

/** Predicts every molecule; results in input order. */
export function predict(model: AnyModel, molecules: Iterable<Molecule | ParseItem>,
                        options: PredictOptions = {}): PredictionResult[] {
  return [...predictStream(model, molecules, options)];
}
