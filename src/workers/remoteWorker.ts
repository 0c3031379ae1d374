// One worker behind Comlink: its proxy, and calls that fail (instead of waiting forever) when the worker dies or closes.
import { releaseProxy, wrap, type Remote } from "comlink/dist/esm/comlink.mjs";
import type { Endpoint } from "comlink";
import type { WorkerHandle } from "./protocol.js";

export class RemoteWorker<Api> {
  readonly api: Remote<Api>;
  /** Why the worker can take no more calls (died, or closed), or null while it can. */
  dead: string | null = null;
  private readonly pending = new Set<(e: Error) => void>();

  constructor(private readonly handle: WorkerHandle, private readonly closedReason: string, deathPrefix = "") {
    this.api = wrap<Api>(handle.endpoint as Endpoint);
    handle.onDeath((reason) => {
      this.dead = reason;
      this.rejectPending(`${deathPrefix}${reason}`);
    });
  }

  /** A remote call that also rejects if the worker dies first (Comlink alone would wait forever). */
  guard<T>(call: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.dead) return reject(new Error(this.dead));
      this.pending.add(reject);
      call.then(
        (v) => { this.pending.delete(reject); resolve(v); },
        (e) => { this.pending.delete(reject); reject(e instanceof Error ? e : new Error(String(e))); },
      );
    });
  }

  private rejectPending(reason: string): void {
    for (const reject of this.pending) reject(new Error(reason));
    this.pending.clear();
  }

  /** Ends the calls still waiting (as failures), releases the proxy and terminates the worker; safe to repeat. */
  async close(): Promise<void> {
    if (this.dead === this.closedReason) return;
    this.dead = this.closedReason;
    this.rejectPending(this.closedReason);
    this.api[releaseProxy]();
    await this.handle.terminate();
  }
}
