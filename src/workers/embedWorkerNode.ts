// Node entry of an embedding worker (worker_threads).
import { exposeToParent } from "./exposeNode.js";
import { embedWorkerApi } from "./embedWorkerApi.js";

exposeToParent(embedWorkerApi, "embedWorkerNode.js");
