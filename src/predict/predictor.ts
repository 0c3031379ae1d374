// Prediction in this thread: load a model, predict molecules one at a time, one result per molecule in input order.
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";
import { readModelFile } from "../model/modelFile.js";
import { initBackend } from "../model/backend.js";
import { featurize } from "../model/features.js";
import { QdfModel } from "../model/qdf.js";
import { itemMolecule, parseErrorResult, type PredictionResult } from "./result.js";

/** Reads a model file (safetensors bytes) and prepares it for prediction and training. */
export async function loadModel(bytes: Uint8Array): Promise<QdfModel> {
  const data = readModelFile(bytes);
  await initBackend();
  return new QdfModel(data);
}

/** Predicts one molecule; an unseen element or other per-molecule failure becomes `error`, never a throw. */
export function predictMolecule(model: QdfModel, m: Molecule): PredictionResult {
  const result: PredictionResult = { id: m.id, nAtoms: m.atomicNumbers.length };
  if (m.properties) result.true = m.properties;
  try {
    if (m.properties && m.properties.length !== model.config.outputs) {
      throw new Error(`molecule ${m.id} has ${m.properties.length} property values, the model predicts ${model.config.outputs}`);
    }
    result.predicted = Array.from(model.predict([featurize(m, model.ctx)]));
  } catch (e) {
    result.error = (e as Error).message;
  }
  return result;
}

/**
 * Streams results in input order for molecules or parser items (a parse error becomes an error result, so one bad
 * molecule never stops the others). Nothing is kept between molecules, so memory stays flat on any input size.
 */
export function* predictStream(model: QdfModel, items: Iterable<Molecule | ParseItem>): Generator<PredictionResult> {
  for (const item of items) {
    yield "error" in item ? parseErrorResult(item) : predictMolecule(model, itemMolecule(item));
  }
}

/** Predicts every molecule; results in input order. */
export function predict(model: QdfModel, molecules: Iterable<Molecule | ParseItem>): PredictionResult[] {
  return [...predictStream(model, molecules)];
}
