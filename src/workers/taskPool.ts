// An ordered pool of workers for chunked tasks (embedding, descriptors): tasks in, results out in input order.
import type { WorkerHandle } from "./protocol.js";
import { RemoteWorker } from "./remoteWorker.js";

/** One worker with an API that starts with init(...) and then runs tasks. */
export class TaskWorker<Api> extends RemoteWorker<Api> {
  readonly ready: Promise<void>;
  inFlight = 0;
  constructor(handle: WorkerHandle, closedReason: string, init: (api: TaskWorker<Api>["api"]) => Promise<void>) {
    super(handle, closedReason);
    this.ready = this.guard(init(this.api));
    this.ready.catch(() => { /* surfaced by the calls that await it */ });
  }
  async call<R>(run: (api: TaskWorker<Api>["api"]) => Promise<R>): Promise<R> {
    await this.ready;
    return this.guard(run(this.api));
  }
}

export interface TaskPoolSpec<Api, T, R> {
  /** Workers at most (started lazily, as the input needs them). */
  size: number;
  /** Starts a worker, its init call included. */
  start: () => TaskWorker<Api>;
  /** Runs one task on a worker. */
  run: (worker: TaskWorker<Api>, task: T) => Promise<R>;
  /** The result for a task whose worker failed or died (every item in it gets an error). */
  failed: (task: T, error: Error) => R;
  /** Tasks queued per worker (default 2), so a worker never waits for the next message. */
  perWorker?: number;
}

export class TaskPool<Api, T, R> {
  private readonly workers: TaskWorker<Api>[] = [];
  private closed = false;
  constructor(private readonly spec: TaskPoolSpec<Api, T, R>) {}

  /** The least busy live worker with room, starting (or replacing a dead) one when that helps. */
  private pick(): TaskWorker<Api> | null {
    this.workers.forEach((w, i) => { if (w.dead && w.inFlight === 0 && !this.closed) this.workers[i] = this.spec.start(); });
    const idle = this.workers.find((w) => !w.dead && w.inFlight === 0);
    if (idle) return idle;
    if (this.workers.length < this.spec.size) {
      const w = this.spec.start();
      this.workers.push(w);
      return w;
    }
    return this.workers.find((w) => !w.dead && w.inFlight < (this.spec.perWorker ?? 2)) ?? null;
  }

  /** Runs every task; results in task order (a bounded reorder buffer, so a long input never piles up). */
  async *stream(tasks: Iterable<T>): AsyncGenerator<R> {
    if (this.closed) throw new Error("the pool is closed");
    const source = tasks[Symbol.iterator]();
    const done = new Map<number, R>();
    let sent = 0, yielded = 0, exhausted = false;
    let wake: () => void = () => {};
    const maxAhead = this.spec.size * (this.spec.perWorker ?? 2) * 2;
    while (true) {
      while (!exhausted && sent - yielded < maxAhead) {
        const worker = this.pick();
        if (!worker) break;
        const next = source.next();
        if (next.done) { exhausted = true; break; }
        const seq = sent++, task = next.value;
        worker.inFlight++;
        void this.spec.run(worker, task)
          .catch((e: Error) => this.spec.failed(task, e))
          .then((r) => {
            worker.inFlight--;
            done.set(seq, r);
            wake();
          });
      }
      if (done.has(yielded)) {
        const r = done.get(yielded)!;
        done.delete(yielded++);
        yield r;
        continue;
      }
      if (exhausted && yielded === sent) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }

  /** Terminates the workers; safe to call again. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.close()));
    this.workers.length = 0;
  }
}
