// The qdf-wasm library API: parse molecules, load a model, predict (documented in README.md).
export type { Molecule } from "./chem/molecule.js";
export { parseMolecules, iterateMolecules, MoleculeParseError, type ParseItem } from "./chem/parse.js";
export { parseBasisSet, atomicOrbitals } from "./chem/basisSet.js";
export type { QdfConfig, QdfModelData, Float32Tensor, Weights } from "./model/config.js";
export { readModelFile, writeModelFile, ModelFileError } from "./model/modelFile.js";
export { readSafetensors, writeSafetensors, SafetensorsError } from "./io/safetensors.js";
export { QdfModel } from "./model/qdf.js";
export { featurize, type MoleculeFeatures } from "./model/features.js";
export { initBackend, setTfjsWasmPath } from "./model/backend.js";
export { loadModel, predict, predictStream, predictMolecule, meanAbsoluteError, type PredictionResult } from "./api/predict.js";
export { tsvHeader, tsvRow, propertyUnit } from "./io/predictionsTsv.js";
