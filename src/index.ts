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
export { lcaoFunction, type LcaoFunction } from "./density/lcaoFunction.js";
export { evaluateAtPoints, evaluateOnGrid, cutoffRadii, type EvaluateOptions, type PointValues } from "./density/evaluate.js";
export { boxGrid, type BoxGrid } from "./density/grid.js";
export { densityJob, type DensityJobOptions } from "./density/densityJob.js";
export { renderSlicePng } from "./density/sliceImage.js";
export { readCube, writeCube, CubeFormatError, type CubeData } from "./io/cube.js";
export { importTorchCheckpoint, readOrbitalTable } from "./io/torch/importCheckpoint.js";
