// Browser platform for the embedding pool: module Web Workers running embedWorkerBrowser.js, beside the bundle.
import { spawnWorkerScript } from "./spawn.browser.js";
import type { WorkerHandle } from "./protocol.js";

export { defaultWorkerCount } from "./spawn.browser.js";

export function spawnEmbedWorker(): WorkerHandle {
  return spawnWorkerScript(new URL("./embedWorkerBrowser.js", import.meta.url));
}
