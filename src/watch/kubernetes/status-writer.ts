// Writes translated status back to the API server (a StatusSink).
//   - Only the leader writes; followers keep the latest desired status so they
//     can take over at once.
//   - Only what changed: an update equal to the last one written, whose object
//     (in the informer cache) already shows it, costs nothing; an update whose
//     merge leaves the object's status as it is is not written either.
//   - PUT to the /status subresource with metadata.resourceVersion: a
//     read-modify-write of our controllerName entries. On 409 Conflict it
//     reads the object again and retries.
//   - Writes pass a token bucket, and one object is written at a time.
//   - What we write is fitted to the installed CRD's status schema (when the
//     API server publishes it), so a v1.1 CRD gets v1.1 shapes.
//   - A status the API server refuses (400/422) is logged once, counted, and
//     not written again until the desired status changes.
//   - 429 Too Many Requests (API Priority and Fairness): the whole writer
//     waits the Retry-After the server sent (at least the backoff), not only
//     that object, since the next write would be refused as well.
//   - Every error answer is counted by HTTP status in
//     switchyard_kube_api_errors_total{component="status-writer"}.
// publish() takes the complete set of statuses of one translation: a route or
// policy missing from it gets our entries removed; a Gateway or GatewayClass
// missing from it is left alone (it may belong to someone else now).
import type { Registry } from "prom-client";
import type { K8sObject } from "../../api/meta.ts";
import type { Kind } from "../../api/resource-set.ts";
import type { StatusUpdate } from "../../api/translation.ts";
import type { Logger } from "../../observability/log.ts";
import type { StatusSink } from "../source.ts";
import { Backoff } from "../../util/backoff.ts";
import { canonicalJson } from "../../util/canonical-json.ts";
import { throttleMs } from "../../util/retry-after.ts";
import { apiError, errorMessage, retryAfterOf, statusOf, type KubeClient, type KubeResponse } from "./kube-http.ts";
import { statusMetrics, type StatusMetrics } from "./metrics.ts";
import { objectPath, parseApiVersion, resourceInfo } from "./resources.ts";
import { applyStatusUpdate, type StatusObject } from "./status-apply.ts";
import { conformToSchema } from "./status-conform.ts";
import type { InstalledStatusSchemas } from "./status-schema.ts";
import { TokenBucket } from "../../util/token-bucket.ts";

export interface StatusWriterOptions {
  client: KubeClient;
  logger: Logger;
  registry: Registry;
  controllerName: string;
  /** Asked right before every write. */
  isLeader: () => boolean;
  /** The object as the informers last saw it; saves a GET per write. Absent: always GET first. */
  lookup?: (kind: Kind, key: string) => K8sObject | undefined;
  /** Sustained writes per second (default 10) and burst (default 20). */
  qps?: number;
  burst?: number;
  /** Attempts after a 409 Conflict before the write is retried later (default 5). */
  conflictRetries?: number;
  /** Backoff for writes that failed for other reasons (default 500 ms to 30 s). */
  retryInitialMs?: number;
  retryMaxMs?: number;
  requestTimeoutMs?: number;
  /** The clock for lastTransitionTime. */
  now?: () => Date;
  /** The installed CRDs' status schemas; absent: write the newest shapes as they are. */
  schemas?: InstalledStatusSchemas;
}

type Result = "written" | "unchanged" | "gone" | "invalid" | "conflict" | "throttled" | "error" | "not-leader";

interface Entry {
  update: StatusUpdate;
  fingerprint: string;
  /** Remove our entries (the route or policy left the translation). */
  clearing: boolean;
}

export class StatusWriter implements StatusSink {
  private readonly opts: StatusWriterOptions;
  private readonly log: Logger;
  private readonly metrics: StatusMetrics;
  private readonly bucket: TokenBucket;
  private readonly desired = new Map<string, Entry>();
  /**
   * Per object: fingerprint of what we last wrote (or found already there), and
   * the resourceVersion we wrote over, by which we know the cache has not yet
   * caught up with our own write.
   */
  private readonly written = new Map<string, { fingerprint: string; baseRv: string | undefined }>();
  /**
   * Per object: `<fingerprint>@<resourceVersion>` of the last time the cache was seen to show our
   * update. Any change to the object changes its resourceVersion, so while both match the comparison
   * need not be made again: publish() gets every status of every translation, and re-comparing
   * thousands of unchanged routes was most of a change's main-thread time.
   */
  private readonly shown = new Map<string, string>();
  /** Status objects are never changed once made, and unchanged ones come back as the same object. */
  private readonly fingerprints = new WeakMap<StatusUpdate, string>();
  private readonly queue = new Set<string>();
  /** Objects whose last write failed (network, 403, 5xx): retried with backoff, logged at warn only the first time. */
  private readonly failing = new Set<string>();
  /** Fingerprints of desired statuses the API server refused, by object: not written again until they change. */
  private readonly refused = new Map<string, string>();
  private readonly retries = new Map<string, { backoff: Backoff; timer?: NodeJS.Timeout }>();
  private working = false;
  private stopped = false;
  /** After a 429: no write before this (performance.now()), and the timer that resumes. */
  private holdUntil = 0;
  private holdTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(opts: StatusWriterOptions) {
    this.opts = opts;
    this.log = opts.logger.child({ component: "status-writer" });
    this.metrics = statusMetrics(opts.registry);
    this.bucket = new TokenBucket(opts.qps ?? 10, opts.burst ?? 20);
  }

  publish(updates: readonly StatusUpdate[]): void {
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const update of updates) {
      const key = keyOf(update);
      seen.add(key);
      const fingerprint = this.fingerprint(update);
      this.desired.set(key, { update, fingerprint, clearing: false });
      if (this.refused.get(key) === fingerprint) continue;
      this.refused.delete(key);
      const last = this.written.get(key);
      if (last?.fingerprint !== fingerprint || !this.cacheShows(key, update, last)) this.enqueue(key);
    }
    for (const [key, entry] of this.desired) {
      if (seen.has(key) || entry.clearing) continue;
      const u = entry.update;
      if (u.kind === "GatewayClass" || u.kind === "Gateway" || u.kind === "ListenerSet") {
        this.desired.delete(key);
        this.written.delete(key);
        this.shown.delete(key);
        continue;
      }
      const cleared: StatusUpdate = "parents" in u ? { ...u, parents: [] } : { ...u, ancestors: [] };
      this.desired.set(key, { update: cleared, fingerprint: JSON.stringify(cleared), clearing: true });
      this.enqueue(key);
    }
    this.kick();
  }

  /** Call when leadership changes. A new leader re-checks every desired status against the objects. */
  /** Our own updates only: the translator is deterministic, so equal statuses have equal key order. */
  private fingerprint(update: StatusUpdate): string {
    let f = this.fingerprints.get(update);
    if (f === undefined) this.fingerprints.set(update, (f = JSON.stringify(update)));
    return f;
  }

  leaderChanged(leading: boolean): void {
    if (leading) {
      this.written.clear();
      this.shown.clear();
      for (const key of this.desired.keys()) this.enqueue(key);
      this.kick();
    }
  }

  /** Resolves when nothing is queued or being written (retries waiting on backoff do not count). */
  whenIdle(): Promise<void> {
    if (!this.working && (this.queue.size === 0 || !this.opts.isLeader() || this.held())) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Objects with a status change still to write. */
  get pending(): number {
    return this.queue.size + [...this.retries.values()].filter((r) => r.timer).length;
  }

  stop(): void {
    this.stopped = true;
    for (const r of this.retries.values()) clearTimeout(r.timer);
    this.retries.clear();
    clearTimeout(this.holdTimer);
    this.queue.clear();
    this.notifyIdle();
  }

  private enqueue(key: string): void {
    const r = this.retries.get(key);
    if (r?.timer) {
      clearTimeout(r.timer);
      r.timer = undefined;
    }
    this.queue.add(key);
    this.metrics.queue.set(this.queue.size);
  }

  private kick(): void {
    if (this.working || this.stopped) return;
    this.working = true;
    void this.drain().finally(() => {
      this.working = false;
      // A publish() between drain()'s last look at the queue and this callback found `working` set and left
      // its key queued: drain again, or that key would wait for the next, unrelated change.
      if (this.queue.size > 0 && this.opts.isLeader() && !this.stopped && !this.held()) this.kick();
      else this.notifyIdle();
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.opts.isLeader() && !this.held()) {
      const key = this.queue.values().next().value;
      if (key === undefined) return;
      this.queue.delete(key);
      this.metrics.queue.set(this.queue.size);
      const entry = this.desired.get(key);
      if (!entry) continue;
      let result: Result;
      try {
        result = await this.writeOne(key, entry);
      } catch (err) {
        const first = !this.failing.has(key);
        this.failing.add(key);
        const status = statusOf(err);
        const retryAfterMs = throttleMs(status, retryAfterOf(err));
        const fields = { object: key, err: errorMessage(err), status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
        if (first) this.log.warn(fields, retryAfterMs !== undefined ? "status write throttled by the API server; waiting as it asks" : "status write failed; retrying with backoff");
        else this.log.debug(fields, "status write failed again");
        result = retryAfterMs !== undefined ? "throttled" : "error";
        if (retryAfterMs !== undefined) this.hold(retryAfterMs);
        this.metrics.writes.inc({ kind: entry.update.kind, result });
        this.retryLater(key, retryAfterMs);
        continue;
      }
      if (this.failing.delete(key)) this.log.info({ object: key, result }, "status write works again");
      this.metrics.writes.inc({ kind: entry.update.kind, result });
      if (result === "conflict") this.retryLater(key);
      else this.retries.delete(key);
    }
  }

  private async writeOne(key: string, entry: Entry): Promise<Result> {
    const { update, fingerprint } = entry;
    const info = resourceInfo(update.kind);
    const { group, version } = parseApiVersion(update.target.apiVersion);
    const path = objectPath(group, version, info.plural, update.target.name, update.target.namespace);
    const timeoutMs = this.opts.requestTimeoutMs ?? 10_000;
    let obj = this.opts.lookup?.(update.kind, targetKey(update)) as StatusObject | undefined;
    await this.opts.schemas?.ensure(update.target.apiVersion);
    let reloadedSchema = false;
    const attempts = (this.opts.conflictRetries ?? 5) + 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (!obj) {
        // Read through the status subresource: RBAC then needs get on <kind>/status only, not on the object.
        const res = this.counted(await this.opts.client.request({ method: "GET", path: `${path}/status`, timeoutMs }));
        if (res.status === 404) return this.done(key, entry, "gone");
        if (res.status !== 200) throw apiError(res);
        obj = res.body as StatusObject;
      }
      const status = this.statusFor(obj, update);
      if (canonicalJson(status) === canonicalJson(obj.status ?? {})) return this.done(key, entry, "unchanged", undefined);
      if (!this.opts.isLeader() || this.stopped) {
        this.queue.add(key); // the next leader term writes it
        return "not-leader";
      }
      await this.bucket.take();
      const body = { ...obj, status };
      const res = this.counted(await this.opts.client.request({ method: "PUT", path: `${path}/status`, body, timeoutMs }));
      if (res.status === 200) {
        this.log.debug({ object: key, fingerprint: fingerprint.length }, "status written");
        return this.done(key, entry, "written", obj.metadata.resourceVersion);
      }
      if (res.status === 404) return this.done(key, entry, "gone");
      if (res.status === 409) {
        obj = undefined; // someone else wrote it first: read it again and merge onto theirs
        continue;
      }
      if (res.status === 400 || res.status === 422) {
        // The CRD may have changed since its schema was read: read it again, and try once more if it did.
        const schemas = this.opts.schemas;
        if (schemas && !reloadedSchema) {
          reloadedSchema = true;
          const before = schemas.fingerprint(update.target.apiVersion);
          await schemas.ensure(update.target.apiVersion, true);
          if (schemas.fingerprint(update.target.apiVersion) !== before) {
            attempt--;
            continue;
          }
        }
        this.log.error({ object: key, err: apiError(res).message, causes: causesOf(res.body) }, "API server rejected our status; not writing it again until it changes");
        this.refused.set(key, fingerprint);
        return this.done(key, entry, "invalid");
      }
      throw apiError(res);
    }
    return "conflict";
  }

  private done(key: string, entry: Entry, result: Result, baseRv?: string): Result {
    if (entry.clearing || result === "gone") {
      // Nothing of ours is left on the object (or the object is gone): forget it.
      if (this.desired.get(key) === entry) {
        this.desired.delete(key);
        this.written.delete(key);
        this.shown.delete(key);
      }
      return result;
    }
    this.written.set(key, { fingerprint: entry.fingerprint, baseRv });
    return result;
  }

  /** Counts error answers; 404 is not one here (the object is gone, result "gone"). */
  private counted(res: KubeResponse): KubeResponse {
    if (res.status >= 400 && res.status !== 404) this.metrics.apiErrors.inc({ component: "status-writer", code: String(res.status) });
    return res;
  }

  private held(): boolean {
    return performance.now() < this.holdUntil;
  }

  /** No writes for `ms` (a 429's Retry-After); then the queue drains again. */
  private hold(ms: number): void {
    this.holdUntil = Math.max(this.holdUntil, performance.now() + ms);
    clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      this.kick();
    }, Math.max(1, this.holdUntil - performance.now()) + 1);
  }

  private retryLater(key: string, atLeastMs = 0): void {
    if (this.stopped) return;
    let r = this.retries.get(key);
    if (!r) this.retries.set(key, (r = { backoff: new Backoff({ initialMs: this.opts.retryInitialMs ?? 500, maxMs: this.opts.retryMaxMs ?? 30_000 }) }));
    const entry = r;
    const delay = Math.max(entry.backoff.next(), atLeastMs);
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.queue.add(key);
      this.kick();
    }, delay);
  }

  /** True when the cached object's status already is what this update would make it (or the cache lags our write). */
  private cacheShows(key: string, update: StatusUpdate, last: { fingerprint: string; baseRv: string | undefined }): boolean {
    const obj = this.opts.lookup?.(update.kind, targetKey(update)) as StatusObject | undefined;
    if (!obj) return !this.opts.lookup; // without a cache, trust what we wrote
    const rv = obj.metadata.resourceVersion;
    if (last.baseRv !== undefined && rv === last.baseRv) return true;
    const seen = `${last.fingerprint}@${rv ?? ""}`;
    if (rv !== undefined && this.shown.get(key) === seen) return true;
    const status = this.statusFor(obj, update);
    const shows = canonicalJson(status) === canonicalJson(obj.status ?? {});
    if (shows) this.shown.set(key, seen);
    else this.shown.delete(key);
    return shows;
  }

  /** The object's status after our update, in the installed CRD's shape. */
  private statusFor(obj: StatusObject, update: StatusUpdate): Record<string, unknown> {
    const status = applyStatusUpdate(obj, update, this.opts.controllerName, this.nowString());
    const schema = this.opts.schemas?.statusSchema(update.target.apiVersion, update.kind);
    return schema ? (conformToSchema(status, schema) as Record<string, unknown>) : status;
  }

  private nowString(): string {
    return (this.opts.now?.() ?? new Date()).toISOString().replace(/\.\d+Z$/, "Z");
  }

  private notifyIdle(): void {
    if (this.working) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}

function targetKey(u: StatusUpdate): string {
  return u.target.namespace ? `${u.target.namespace}/${u.target.name}` : u.target.name;
}

/** The field errors of a 422 Status ("status.supportedFeatures[0]: Invalid value ..."), for the log. */
function causesOf(body: unknown): string[] | undefined {
  const causes = (body as { details?: { causes?: { field?: string; message?: string }[] } } | undefined)?.details?.causes;
  return causes?.map((c) => [c.field, c.message].filter(Boolean).join(": "));
}

function keyOf(u: StatusUpdate): string {
  return `${u.kind}/${targetKey(u)}`;
}
