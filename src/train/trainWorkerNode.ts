// Node entry of a training worker (worker_threads): exposes the training worker API over Comlink's Node adapter.
import { parentPort } from "node:worker_threads";
import { expose } from "comlink/dist/esm/comlink.mjs";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { trainWorkerApi } from "./trainWorkerApi.js";

if (!parentPort) throw new Error("trainWorkerNode.js must run in a worker thread");
expose(trainWorkerApi, nodeEndpoint(parentPort));
