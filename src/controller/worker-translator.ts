// translate() in a worker thread, as the controller's TranslateFn: the main
// thread only works out which inputs changed, posts them, and rebuilds the
// result from the changes the worker sends back (translation-delta.ts).
// A worker that dies is replaced on the next translation, which then sends
// every input again.
import { Worker } from "node:worker_threads";
import type { Message } from "@bufbuild/protobuf";
import type { PreparedEncoding } from "../xds/resource.ts";
import type { ResourceSet } from "../api/resource-set.ts";
import type { TranslationResult, TranslatorOptions } from "../api/translation.ts";
import type { TranslateReply, TranslateRequest, TranslationMode } from "./translate-worker.ts";
import { InputTracker, ResultDecoder } from "./translation-delta.ts";

export class WorkerTranslator {
  private worker?: Worker;
  private readonly tracker = new InputTracker();
  private readonly decoder = new ResultDecoder();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: TranslationResult) => void; reject: (e: Error) => void }>();
  private closed = false;
  /** Translations answered, by how (tests and the metrics read it). */
  readonly runs: Record<TranslationMode, number> = { full: 0, endpoints: 0, gateways: 0, unchanged: 0 };
  private readonly onRun: ((mode: TranslationMode) => void) | undefined;

  /** `onRun` is told how each translation was done. */
  constructor(onRun?: (mode: TranslationMode) => void) {
    this.onRun = onRun;
    // Loading the translator's modules takes a while: let it overlap the source's first read.
    this.start();
  }

  /** Translates `rs`; one call at a time (the controller never overlaps them). */
  translate(rs: ResourceSet, options: TranslatorOptions): Promise<TranslationResult> {
    if (this.closed) return Promise.reject(new Error("the translation worker was stopped"));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const req: TranslateRequest = { id, inputs: this.tracker.delta(rs), options };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(req);
    });
  }

  /** The worker's encoding of a message it sent (for the xDS cache). */
  prepared(message: Message): PreparedEncoding | undefined {
    return this.decoder.prepared.get(message);
  }

  /** Stops the worker. Not waited for: a worker still loading its modules would hold up shutdown for seconds. */
  close(): void {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  private start(): Worker {
    // A fresh worker knows nothing: send every input, expect every resource.
    this.tracker.reset();
    this.decoder.reset();
    const worker = new Worker(new URL("./translate-worker.ts", import.meta.url));
    worker.unref();
    worker.on("message", (reply: TranslateReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if ("error" in reply) return p.reject(new Error(`translation failed in the worker: ${reply.error}`));
      try {
        const result = this.decoder.decode(reply.result);
        this.runs[reply.mode]++;
        this.onRun?.(reply.mode);
        p.resolve(result);
      } catch (err) {
        // The two sides disagree about what is held: start over with a new worker.
        this.discard(worker);
        p.reject(err as Error);
      }
    });
    const fail = (err: Error) => {
      this.discard(worker);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the translation worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private discard(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    void worker.terminate();
  }
}
