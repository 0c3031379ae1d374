// Browser platform for the pool: module Web Workers running workerBrowser.js, emitted beside the bundle with tfjs's .wasm files.
import type { WorkerHandle } from "./protocol.js";

/** One worker per logical core the browser reports. */
export function defaultWorkerCount(): number {
  return Math.max(1, navigator.hardwareConcurrency || 2);
}

/** The bundle's own folder: the build copies tfjs-backend-wasm's .wasm files there. */
export const defaultTfjsWasmPath: string | undefined = new URL("./", import.meta.url).href;

export function spawnWorker(): WorkerHandle {
  return spawnWorkerScript(new URL("./workerBrowser.js", import.meta.url));
}

/** A module Web Worker running `script` (prediction's or embedding's worker entry). */
export function spawnWorkerScript(script: URL): WorkerHandle {
  const worker = new Worker(script, { type: "module" });
  let dead = false;
  const deaths: ((reason: string) => void)[] = [];
  const die = (reason: string) => {
    if (dead) return;
    dead = true;
    for (const cb of deaths) cb(reason);
  };
  worker.addEventListener("error", (e) => {
    e.preventDefault();
    die(`worker error: ${e.message || "failed to load or crashed"}`);
  });
  worker.addEventListener("messageerror", () => die("worker message could not be deserialised"));
  return {
    endpoint: worker,
    onDeath: (cb) => void deaths.push(cb),
    async terminate() {
      dead = true;
      worker.terminate();
    },
  };
}
