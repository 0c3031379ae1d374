// A prediction worker that fails on purpose, for the pool's isolation tests: "crash_exit" ends the thread, "crash_throw" throws.
import type { Molecule } from "../../src/chem/molecule.js";
import { exposeToParent } from "../../src/workers/exposeNode.js";
import { predictWorkerApi } from "../../src/workers/workerApi.js";
import type { PredictWorkerApi } from "../../src/workers/protocol.js";

const api: PredictWorkerApi = {
  init: predictWorkerApi.init,
  predictChunk(molecules: Molecule[]) {
    if (molecules.some((m) => m.id === "crash_exit")) process.exit(7); // the whole worker thread dies mid-chunk
    if (molecules.some((m) => m.id === "crash_throw")) throw new Error("faulty worker threw");
    return predictWorkerApi.predictChunk(molecules);
  },
  describeChunk: predictWorkerApi.describeChunk,
};
exposeToParent(api, "faultyWorker.js");
