// The applier: makes the cluster hold the desired proxy objects.
//   - Leader only: followers keep the desired state and apply nothing, so a
//     new leader starts with a full pass at once.
//   - Server-side apply (field manager "switchyard", force) of each object
//     whose content changed since it was last applied; a periodic resync
//     re-applies everything, which repairs drift.
//   - Garbage collection by label: objects we own (OWNED_SELECTOR) whose
//     Gateway is no longer ours, or that a rendered Gateway no longer has, are
//     deleted. It runs when the set of Gateways changed, on a new leadership
//     and on resync.
//   - One pass at a time; changes during a pass start another pass after it.
//     Writes pass a token bucket. A pass with failures is retried with
//     exponential backoff. Nothing here throws into the caller.
//   - 429 Too Many Requests (API Priority and Fairness) ends the pass and
//     holds every write, changes included, for the Retry-After the server
//     sent (at least the backoff), as the status writer does: the next write
//     would be refused as well.
import { Counter, Gauge, type Registry } from "prom-client";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "../../observability/log.ts";
import { Backoff } from "../../util/backoff.ts";
import { canonicalJson } from "../../util/canonical-json.ts";
import { throttleMs } from "../../util/retry-after.ts";
import { TokenBucket } from "../../util/token-bucket.ts";
import type { DesiredState } from "./desired.ts";
import { GATEWAY_KEY_ANNOTATION, OWNED_SELECTOR } from "./names.ts";
import { retryAfterMs, statusCode, type ObjectClient } from "./object-client.ts";
import type { InfraObject } from "./render.ts";

/** The kinds the provisioner owns, in apply order. */
export const OWNED_KINDS: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: "v1", kind: "ServiceAccount" },
  { apiVersion: "v1", kind: "ConfigMap" },
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "v1", kind: "Service" },
];

export interface ApplierOptions {
  client: ObjectClient;
  logger: Logger;
  registry: Registry;
  isLeader: () => boolean;
  /** Namespaces garbage collection lists; undefined: all namespaces (proxies in Gateway namespaces). */
  gcNamespaces: readonly string[] | undefined;
  /** Called with every Service and Deployment the API server returned from an apply (they carry status). */
  onApplied?: (gatewayKey: string, obj: KubernetesObject) => void;
  /** Writes per second (default 10) and burst (default 20). */
  qps?: number;
  burst?: number;
  /** Backoff after a failed pass (default 1 s to 60 s). */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Full re-apply and garbage collection this often while leading (default 10 min; 0: never). */
  resyncMs?: number;
}

const objectId = (o: { apiVersion: string; kind: string; metadata: { namespace?: string; name: string } }) =>
  `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

export class Applier {
  private readonly opts: ApplierOptions;
  private readonly log: Logger;
  private readonly bucket: TokenBucket;
  private readonly backoff: Backoff;
  private readonly metrics: { ops: Counter<"op" | "kind" | "result">; gateways: Gauge };
  private desired: DesiredState | undefined;
  /** Fingerprint of each object as last applied successfully. */
  private readonly applied = new Map<string, string>();
  private gcNeeded = true;
  private lastGatewayKeys = "";
  private running: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** performance.now() until which the API server asked for no writes (a 429's Retry-After). */
  private holdUntil = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(opts: ApplierOptions) {
    this.opts = opts;
    this.log = opts.logger;
    this.bucket = new TokenBucket(opts.qps ?? 10, opts.burst ?? 20);
    this.backoff = new Backoff({ initialMs: opts.retryInitialMs ?? 1_000, maxMs: opts.retryMaxMs ?? 60_000 });
    const registers = [opts.registry];
    this.metrics = {
      ops: new Counter({
        name: "switchyard_provision_operations_total",
        help: "API operations of the Envoy provisioner",
        labelNames: ["op", "kind", "result"],
        registers,
      }),
      gateways: new Gauge({ name: "switchyard_provisioned_gateways", help: "Gateways whose proxy objects are rendered", registers }),
    };
  }

  /** The latest desired state; applied now if leading. */
  setDesired(state: DesiredState): void {
    this.desired = state;
    const keys = [...state.gateways.keys()].sort().join("\n");
    if (keys !== this.lastGatewayKeys) this.gcNeeded = true;
    this.lastGatewayKeys = keys;
    this.metrics.gateways.set([...state.gateways.values()].filter((g) => g.objects).length);
    this.kick();
  }

  /** On gaining leadership: forget what was applied (another leader may have changed it) and do a full pass. */
  leaderChanged(leading: boolean): void {
    if (leading) {
      this.applied.clear();
      this.gcNeeded = true;
      this.kick();
      this.scheduleResync();
    } else {
      clearTimeout(this.resyncTimer);
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
  }

  /** Forgets that these objects were applied (they were seen deleted), so the next pass applies them again. */
  invalidate(objects: readonly InfraObject[]): void {
    let any = false;
    for (const o of objects) any = this.applied.delete(objectId(o)) || any;
    if (any) this.kick();
  }

  /** Resolves when no pass is running or due (retries pending count as idle). For tests and shutdown. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.resyncTimer);
  }

  private kick(): void {
    if (this.stopped || !this.opts.isLeader() || !this.desired) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.held()) {
      // The pass runs when the hold ends, with whatever is desired then.
      if (!this.retryTimer) this.retryIn(this.holdUntil - performance.now() + 1);
      return;
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      let ok = false;
      try {
        ok = await this.pass();
      } catch (err) {
        // pass() catches per call; this is a bug guard so nothing escapes.
        this.log.error({ err }, "provisioning pass failed");
      }
      if (this.stopped || !this.opts.isLeader()) return;
      if (ok) this.backoff.reset();
      else if (!this.again || this.held()) {
        const delay = Math.max(this.backoff.next(), Math.ceil(this.holdUntil - performance.now()) + 1);
        this.log.warn({ retryInMs: delay }, "provisioning incomplete; retrying");
        this.retryIn(delay);
        return;
      }
    } while (this.again && !this.stopped && this.opts.isLeader());
  }

  private retryIn(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, ms);
    this.retryTimer.unref?.();
  }

  private held(): boolean {
    return performance.now() < this.holdUntil;
  }

  /** After a failed call: true when the server throttled us, and then no call is made until its Retry-After has passed. */
  private throttled(err: unknown, fields: Record<string, unknown>): boolean {
    const ms = throttleMs(statusCode(err), retryAfterMs(err));
    if (ms === undefined) return false;
    this.holdUntil = Math.max(this.holdUntil, performance.now() + ms);
    this.log.warn({ ...fields, status: 429, retryAfterMs: ms }, "provisioning throttled by the API server; waiting as it asks");
    return true;
  }

  /** Whether the pass must end now: stopped, no longer leading, or throttled. */
  private interrupted(): boolean {
    return this.stopped || !this.opts.isLeader() || this.held();
  }

  /** One reconcile pass; true when everything succeeded. */
  private async pass(): Promise<boolean> {
    const desired = this.desired;
    if (!desired) return true;
    let ok = true;
    const wanted = new Set<string>();
    for (const g of desired.gateways.values()) {
      for (const obj of g.objects ?? []) {
        const id = objectId(obj);
        wanted.add(id);
        const fp = this.fingerprintOf(obj);
        if (this.applied.get(id) === fp) continue;
        if (!(await this.write(() => this.applyOne(g.key, obj, id, fp)))) ok = false;
        if (this.interrupted()) return false;
      }
    }
    // Forget objects no longer wanted, so that they are applied again if they come back.
    for (const id of this.applied.keys()) if (!wanted.has(id)) this.applied.delete(id);
    if (this.gcNeeded) {
      const gcOk = await this.collectGarbage(desired);
      if (gcOk) this.gcNeeded = false;
      else ok = false;
    }
    return ok;
  }

  /** Rendered objects are reused while their Gateway does not change, so their fingerprints are too. */
  private readonly fingerprints = new WeakMap<InfraObject, string>();
  private fingerprintOf(obj: InfraObject): string {
    let fp = this.fingerprints.get(obj);
    if (fp === undefined) this.fingerprints.set(obj, (fp = canonicalJson(obj)));
    return fp;
  }

  private async write(op: () => Promise<boolean>): Promise<boolean> {
    await this.bucket.take();
    if (this.interrupted()) return false;
    return op();
  }

  private async applyOne(gatewayKey: string, obj: InfraObject, id: string, fp: string): Promise<boolean> {
    try {
      const res = await this.opts.client.apply(structuredClone(obj) as KubernetesObject);
      this.applied.set(id, fp);
      this.metrics.ops.inc({ op: "apply", kind: obj.kind, result: "ok" });
      this.log.debug({ object: id }, "applied");
      if (obj.kind === "Service" || obj.kind === "Deployment") this.opts.onApplied?.(gatewayKey, res);
      return true;
    } catch (err) {
      const throttled = this.throttled(err, { object: id });
      this.metrics.ops.inc({ op: "apply", kind: obj.kind, result: throttled ? "throttled" : "error" });
      if (!throttled) this.log.warn({ object: id, err: describe(err) }, "apply failed");
      return false;
    }
  }

  private async collectGarbage(desired: DesiredState): Promise<boolean> {
    let ok = true;
    const namespaces = this.opts.gcNamespaces ?? [undefined];
    for (const { apiVersion, kind } of OWNED_KINDS) {
      for (const ns of namespaces) {
        let items: KubernetesObject[];
        try {
          await this.bucket.take();
          items = await this.opts.client.list(apiVersion, kind, ns, OWNED_SELECTOR);
          this.metrics.ops.inc({ op: "list", kind, result: "ok" });
        } catch (err) {
          const throttled = this.throttled(err, { kind, namespace: ns });
          this.metrics.ops.inc({ op: "list", kind, result: throttled ? "throttled" : "error" });
          if (throttled) return false;
          this.log.warn({ kind, namespace: ns, err: describe(err) }, "listing provisioned objects failed");
          ok = false;
          continue;
        }
        for (const item of items) {
          const name = item.metadata?.name;
          const namespace = item.metadata?.namespace;
          const key = item.metadata?.annotations?.[GATEWAY_KEY_ANNOTATION];
          if (!name || !namespace || !key) continue; // not made by us: leave it
          if (item.metadata?.deletionTimestamp) continue;
          const g = desired.gateways.get(key);
          // Keep objects of Gateways that are ours but could not be rendered (invalid parameters).
          const keep = g !== undefined && (g.objects === undefined || g.objects.some((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace));
          if (keep) continue;
          const done = await this.write(async () => {
            try {
              await this.opts.client.delete(apiVersion, kind, namespace, name);
              this.metrics.ops.inc({ op: "delete", kind, result: "ok" });
              this.log.info({ kind, namespace, name, gateway: key }, "deleted proxy object of a Gateway that is gone");
              return true;
            } catch (err) {
              const throttled = this.throttled(err, { kind, namespace, name });
              this.metrics.ops.inc({ op: "delete", kind, result: throttled ? "throttled" : "error" });
              if (!throttled) this.log.warn({ kind, namespace, name, err: describe(err) }, "delete failed");
              return false;
            }
          });
          if (!done) ok = false;
          if (this.interrupted()) return false;
        }
      }
    }
    return ok;
  }

  private scheduleResync(): void {
    clearTimeout(this.resyncTimer);
    const every = this.opts.resyncMs ?? 600_000;
    if (every <= 0 || this.stopped) return;
    this.resyncTimer = setTimeout(() => {
      if (!this.opts.isLeader()) return;
      this.applied.clear();
      this.gcNeeded = true;
      this.kick();
      this.scheduleResync();
    }, every);
    this.resyncTimer.unref?.();
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const body = (err as { body?: unknown }).body;
    const msg = typeof body === "object" && body && "message" in body ? String((body as { message: unknown }).message) : "";
    return msg ? `${err.message}: ${msg}` : err.message;
  }
  return String(err);
}
