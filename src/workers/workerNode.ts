// Node entry of a prediction worker (worker_threads): exposes the worker API over Comlink's Node adapter.
import { parentPort } from "node:worker_threads";
import { expose } from "comlink/dist/esm/comlink.mjs";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { predictWorkerApi } from "./workerApi.js";

if (!parentPort) throw new Error("workerNode.js must run in a worker thread");
expose(predictWorkerApi, nodeEndpoint(parentPort));
