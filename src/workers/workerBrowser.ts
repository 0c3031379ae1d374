// Browser entry of a prediction worker (a module Web Worker): exposes the worker API over Comlink.
import { expose } from "comlink/dist/esm/comlink.mjs";
import { predictWorkerApi } from "./workerApi.js";

expose(predictWorkerApi);
