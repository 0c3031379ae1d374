// Node platform for the pool: workers are worker_threads running workerNode.js (the browser build swaps in spawn.browser.ts).
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import type { WorkerHandle } from "./protocol.js";

/** One worker per core: tfjs-backend-wasm runs single-threaded here. */
export function defaultWorkerCount(): number {
  return availableParallelism();
}

/** Node finds tfjs's .wasm files by itself. */
export const defaultTfjsWasmPath: string | undefined = undefined;

export function spawnWorker(): WorkerHandle {
  // Beside this module in dist/src/workers and in the flat rollup bundle alike.
  return spawnWorkerScript(new URL("./workerNode.js", import.meta.url));
}

/**
 * The parent's Node flags minus those about the main script (`node --input-type=module -e ...` would otherwise make
 * every worker fail to start); the rest (--enable-source-maps, memory limits, ...) still apply in workers.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    if (/^(-e|--eval|-p|--print|--input-type)$/.test(a)) i++; // and its value
    else if (!/^(--eval|--print|--input-type)=/.test(a)) out.push(a);
  }
  return out;
}

/** A worker_threads worker running `script`, which exposes its API (prediction's or training's) over Comlink's Node adapter. */
export function spawnWorkerScript(script: URL): WorkerHandle {
  const worker = new Worker(script, { execArgv: workerExecArgv(process.execArgv) });
  let terminating = false;
  let dead = false;
  const deaths: ((reason: string) => void)[] = [];
  const die = (reason: string) => {
    if (dead || terminating) return;
    dead = true;
    for (const cb of deaths) cb(reason);
  };
  worker.on("error", (e) => die(`worker error: ${e.message}`));
  worker.on("exit", (code) => die(`worker exited with code ${code}`));
  return {
    endpoint: nodeEndpoint(worker),
    onDeath: (cb) => void deaths.push(cb),
    async terminate() {
      terminating = true;
      await worker.terminate();
    },
  };
}
