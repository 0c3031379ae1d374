// Browser entry of an embedding worker (a module Web Worker).
import { expose } from "comlink/dist/esm/comlink.mjs";
import { embedWorkerApi } from "./embedWorkerApi.js";

expose(embedWorkerApi);
