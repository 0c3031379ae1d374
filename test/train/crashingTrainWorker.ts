// Test worker: a training worker whose thread dies when an epoch starts (its partner is then left at a step barrier).
import { parentPort } from "node:worker_threads";
import { expose } from "comlink/dist/esm/comlink.mjs";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { trainWorkerApi, type TrainWorkerApi } from "../../src/train/trainWorkerApi.js";

const crashing: TrainWorkerApi = { ...trainWorkerApi, runEpoch: () => process.exit(3) };
expose(crashing, nodeEndpoint(parentPort!));
