// Node entry of a training worker (worker_threads): exposes the training worker API over Comlink's Node adapter.
import { exposeToParent } from "../workers/exposeNode.js";
import { trainWorkerApi } from "./trainWorkerApi.js";

exposeToParent(trainWorkerApi, "trainWorkerNode.js");
