// Node side of a worker entry: exposes an API to the parent thread over Comlink's Node adapter.
import { parentPort } from "node:worker_threads";
import { expose } from "comlink/dist/esm/comlink.mjs";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";

/** Exposes `api` to the thread that started this one; `script` names the entry for the error outside a worker. */
export function exposeToParent(api: object, script: string): void {
  if (!parentPort) throw new Error(`${script} must run in a worker thread`);
  expose(api, nodeEndpoint(parentPort));
}
