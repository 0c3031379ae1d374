// Node platform for the embedding pool: worker_threads running embedWorkerNode.js (browsers get embedSpawn.browser.ts).
import { spawnWorkerScript } from "./spawn.js";
import type { WorkerHandle } from "./protocol.js";

export { defaultWorkerCount } from "./spawn.js";

export function spawnEmbedWorker(): WorkerHandle {
  return spawnWorkerScript(new URL("./embedWorkerNode.js", import.meta.url));
}
