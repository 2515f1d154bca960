// One resource's informer: client-node's ListWatch (what makeInformer builds)
// plus what it lacks. It pages lists, asks for bookmarks, restarts with backoff
// after the errors that stop it, relists periodically, and reports when it has
// listed once. Its event handlers only mark the source dirty: client-node
// swallows handler exceptions, so no work happens there, and the ListWatch's
// own cache stays the single copy of the objects.
import { ListWatch, Watch, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "../../observability/log.ts";
import { Backoff } from "../../util/backoff.ts";
import { errorMessage, statusOf, type KubeClient } from "./kube-http.ts";
import { makePagedList } from "./list-pager.ts";
import { apiVersionOf, collectionPath } from "./resources.ts";
import type { WatchedResource } from "./discovery.ts";
import type { SourceMetrics } from "./metrics.ts";

export interface InformerTiming {
  /** Items per list page. */
  listPageSize: number;
  /** Timeout of each list request. */
  listTimeoutMs: number;
  /** The watch is dropped and resumed when nothing arrives for this long (client-node's default is 30 s). */
  watchIdleTimeoutMs: number;
  /** Backoff for restarting an informer that client-node stopped. */
  restartInitialMs: number;
  restartMaxMs: number;
  /** A fresh list replaces the cache this often (0: never), with ±10% jitter. */
  relistIntervalMs: number;
  /** How client-node waits between watch reconnects (1 s doubling to 30 s); tests shorten it. */
  reconnectDelay?: (ms: number) => Promise<void>;
}

export const DEFAULT_INFORMER_TIMING: InformerTiming = {
  listPageSize: 500,
  listTimeoutMs: 60_000,
  watchIdleTimeoutMs: 30_000,
  restartInitialMs: 1_000,
  // As client-go's reflector and client-node's own reconnects: at most 30 s behind after an outage.
  restartMaxMs: 30_000,
  relistIntervalMs: 15 * 60_000,
};

interface Run {
  lw: ListWatch<KubernetesObject>;
  /** The list succeeded at least once: the cache is complete. */
  listed: boolean;
  /** client-node emitted an error, so this ListWatch is stopped until start() is called again. */
  failed: boolean;
}

export interface InformerOptions {
  client: KubeClient;
  kubeConfig: KubeConfig;
  resource: WatchedResource;
  /** Watch one namespace only; all namespaces when absent. */
  namespace?: string;
  timing: InformerTiming;
  logger: Logger;
  metrics: SourceMetrics;
  /** Called on every add/update/delete (with the object) and after a relist (without); must be cheap and must not throw. */
  onChange: (event?: InformerEvent) => void;
}

/** One watch event as the informer saw it. */
export interface InformerEvent {
  type: "add" | "update" | "delete";
  object: KubernetesObject;
}

export class ResourceInformer {
  readonly name: string;
  private readonly opts: InformerOptions;
  private readonly log: Logger;
  private readonly backoff: Backoff;
  private current: Run;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private relistTimer: NodeJS.Timeout | undefined;
  private syncedOnce = false;
  private readonly syncWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(opts: InformerOptions) {
    this.opts = opts;
    const r = opts.resource;
    this.name = opts.namespace ? `${r.kind}@${opts.namespace}` : r.kind;
    this.log = opts.logger.child({ informer: this.name, apiVersion: apiVersionOf(r.group, r.version) });
    this.backoff = new Backoff({ initialMs: opts.timing.restartInitialMs, maxMs: opts.timing.restartMaxMs });
    this.current = this.newRun();
  }

  get synced(): boolean {
    return this.syncedOnce;
  }

  get kind(): string {
    return this.opts.resource.kind;
  }

  /** Resolves once the first list is in the cache; rejects if stopped first. Retries forever until then. */
  start(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.syncWaiters.push({ resolve, reject }));
    void this.runCurrent();
    this.scheduleRelist();
    return done;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    clearTimeout(this.relistTimer);
    await this.current.lw.stop();
    for (const w of this.syncWaiters.splice(0)) w.reject(new Error(`informer ${this.name} stopped before it synced`));
  }

  /** Where the watch resumes from. */
  get resourceVersion(): string {
    return this.current.lw.latestResourceVersion();
  }

  /** One cached object by name (and namespace). */
  get(name: string, namespace?: string): KubernetesObject | undefined {
    return this.current.lw.get(name, namespace);
  }

  /** The namespace this informer is limited to, if any. */
  get namespace(): string | undefined {
    return this.opts.namespace;
  }

  /** The cached objects (kind and apiVersion may be missing on objects that came from a list of an older run). */
  list(): readonly KubernetesObject[] {
    return this.current.lw.list();
  }

  private newRun(): Run {
    const { resource: r, namespace, timing, client, kubeConfig, metrics } = this.opts;
    const apiVersion = apiVersionOf(r.group, r.version);
    const path = collectionPath(r.group, r.version, r.plural, namespace);
    const run: Run = { lw: undefined as unknown as ListWatch<KubernetesObject>, listed: false, failed: false };
    const pagedList = makePagedList({
      client,
      path,
      apiVersion,
      kind: r.kind,
      pageSize: timing.listPageSize,
      timeoutMs: timing.listTimeoutMs,
      onListed: (items, pages) => {
        metrics.lists.inc({ kind: r.kind });
        this.log.debug({ items, pages }, "listed");
      },
    });
    const listFn = async () => {
      const list = await pagedList();
      run.listed = true;
      return list;
    };
    const watch = new Watch(kubeConfig);
    // client-node keeps this private; it is the idle timeout after which a silent watch is resumed.
    (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = timing.watchIdleTimeoutMs;
    // This is makeInformer() with the knobs it hides: the same ListWatch, our pager, bookmarks on.
    run.lw = new ListWatch<KubernetesObject>(`${path}?allowWatchBookmarks=true`, watch, listFn, false, undefined, undefined, {
      delayFn: timing.reconnectDelay,
    });
    const onChange = this.opts.onChange;
    run.lw.on("add", (object: KubernetesObject) => onChange({ type: "add", object }));
    run.lw.on("update", (object: KubernetesObject) => onChange({ type: "update", object }));
    run.lw.on("delete", (object: KubernetesObject) => onChange({ type: "delete", object }));
    run.lw.on("connect", () => metrics.watchConnects.inc({ kind: r.kind }));
    run.lw.on("error", (err: unknown) => this.onError(run, err));
    return run;
  }

  /** Starts (or restarts) the current ListWatch. */
  private async runCurrent(): Promise<void> {
    const run = this.current;
    run.failed = false;
    try {
      await run.lw.start();
    } catch (err) {
      // client-node rejects (instead of emitting "error") when authentication fails before a request.
      this.onError(run, err);
      return;
    }
    if (this.stopped || run !== this.current) return;
    if (!run.failed) this.backoff.reset();
    if (run.listed) this.markSynced();
  }

  private onError(run: Run, err: unknown): void {
    run.failed = true;
    if (this.stopped || run !== this.current) return;
    this.opts.metrics.informerErrors.inc({ kind: this.opts.resource.kind });
    this.scheduleRestart(err);
  }

  private scheduleRestart(err: unknown): void {
    if (this.restartTimer || this.stopped) return;
    const delay = this.backoff.next();
    this.log.warn({ err: errorMessage(err), status: statusOf(err), retryInMs: delay, attempt: this.backoff.attempts }, "informer stopped; restarting");
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.opts.metrics.informerRestarts.inc({ kind: this.opts.resource.kind });
      void this.runCurrent();
    }, delay);
  }

  private markSynced(): void {
    if (this.syncedOnce) return;
    this.syncedOnce = true;
    this.log.info({ objects: this.current.lw.list().length }, "synced");
    for (const w of this.syncWaiters.splice(0)) w.resolve();
  }

  private scheduleRelist(): void {
    const every = this.opts.timing.relistIntervalMs;
    if (!every || this.stopped) return;
    const delay = Math.round(every * (0.9 + 0.2 * Math.random()));
    this.relistTimer = setTimeout(() => void this.relist().finally(() => this.scheduleRelist()), delay);
  }

  /** Lists into a fresh ListWatch and swaps it in once it has listed, so the cache is never partial. */
  private async relist(): Promise<void> {
    const next = this.newRun();
    await next.lw.start().catch((err: unknown) => this.onError(next, err));
    if (this.stopped || !next.listed) {
      await next.lw.stop();
      if (!this.stopped) this.log.warn("periodic relist failed; keeping the current cache");
      return;
    }
    const old = this.current;
    this.current = next;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await old.lw.stop();
    this.opts.metrics.relists.inc({ kind: this.opts.resource.kind });
    this.markSynced();
    this.opts.onChange();
    if (next.failed) this.scheduleRestart(new Error("watch failed right after the periodic relist"));
  }
}
