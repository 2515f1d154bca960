// Streams waiting to reconcile, run in slices. A snapshot change wakes every
// stream of its key at once; run in one turn of the event loop, 1,000 streams
// writing their responses kept it busy for seconds, and health checks, the
// admin API and the ACKs of the streams already answered all waited. A slice
// runs queued tasks until `sliceMs` has passed, then yields to the event loop
// (setImmediate: pending I/O is handled first) and goes on where it stopped.

export class ReconcileQueue {
  readonly #tasks = new Set<() => void>();
  readonly #sliceMs: number;
  readonly #now: () => number;
  #armed = false;

  /** `now` is for tests; `sliceMs` bounds how long one turn of the event loop runs tasks. */
  constructor(opts: { sliceMs?: number; now?: () => number } = {}) {
    this.#sliceMs = opts.sliceMs ?? 10;
    this.#now = opts.now ?? (() => performance.now());
  }

  /** Runs `task` soon, once, however often it is added before it runs; tasks run in the order first added. */
  add(task: () => void): void {
    this.#tasks.add(task);
    if (this.#armed) return;
    this.#armed = true;
    setImmediate(this.#slice);
  }

  get size(): number {
    return this.#tasks.size;
  }

  readonly #slice = (): void => {
    const end = this.#now() + this.#sliceMs;
    for (const task of this.#tasks) {
      this.#tasks.delete(task);
      task();
      if (this.#tasks.size > 0 && this.#now() >= end) {
        setImmediate(this.#slice);
        return;
      }
    }
    this.#armed = false;
  };
}
