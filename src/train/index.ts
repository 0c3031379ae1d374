// The training API in one place (re-exported by src/index.ts).
export { train, prepareRun, dataFingerprint, PUBLISHED_SIZES, PUBLISHED_HYPERPARAMETERS,
  type TrainOptions, type ModelSizes, type EpochReport } from "./train.js";
export { Trainer, NonFiniteLossError, type Hyperparameters, type EpochRow, type TrainerState,
  type EpochRunner, type EpochRequest, type EpochResult } from "./trainer.js";
export { balancedShares, type LossGradients } from "./losses.js";
// TrainPool (worker threads, Node only) lives in ./parallel.js, outside this module so browser bundles stay free of it.
export { Adam, ADAM_DEFAULTS, type AdamOptions, type AdamParamState } from "./adam.js";
export { encodeCheckpoint, decodeCheckpoint, checkpointMismatch, CheckpointError, type Checkpoint } from "./checkpoint.js";
export { parseSplit, prepareData, propertyFromDirName, type Splits, type TrainingData } from "./dataset.js";
export { initialWeights } from "./init.js";
export { Rng } from "./rng.js";
export { learningRate, type StepSchedule } from "./schedule.js";
