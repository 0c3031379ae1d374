// Node entry of a prediction worker (worker_threads): exposes the worker API over Comlink's Node adapter, with the
// native engine available (each worker loads onnxruntime-node itself and runs its own session).
import { selectEngine } from "../node/nativeEngine.js";
import { exposeToParent } from "./exposeNode.js";
import { createPredictWorkerApi } from "./workerApi.js";

exposeToParent(createPredictWorkerApi(selectEngine), "workerNode.js");
