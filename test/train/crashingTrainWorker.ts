// Test worker: a training worker whose thread dies when an epoch starts (its partner is then left at a step barrier).
import { exposeToParent } from "../../src/workers/exposeNode.js";
import { trainWorkerApi, type TrainWorkerApi } from "../../src/train/trainWorkerApi.js";

const crashing: TrainWorkerApi = { ...trainWorkerApi, runEpoch: () => process.exit(3) };
exposeToParent(crashing, "crashingTrainWorker.js");
