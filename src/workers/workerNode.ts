// Node entry of a prediction worker (worker_threads): exposes the worker API over Comlink's Node adapter.
import { exposeToParent } from "./exposeNode.js";
import { predictWorkerApi } from "./workerApi.js";

exposeToParent(predictWorkerApi, "workerNode.js");
