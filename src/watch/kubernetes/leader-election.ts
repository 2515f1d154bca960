// Leader election on a coordination.k8s.io/v1 Lease, with client-go's
// semantics (client-node has none):
//   - leaseDuration: how long others wait after the last renewal they saw
//     before they take the lease over;
//   - renewDeadline: how long the leader keeps trying to renew before it steps
//     down (shorter than leaseDuration, so it stops before anyone else starts);
//   - retryPeriod: the time between attempts.
// Expiry is judged on our own monotonic clock, by when we last saw the lease
// record change, never by comparing renewTime with our clock: the replicas'
// clocks may disagree. On stop() the leader releases the lease (empty holder),
// so a successor takes over at its next attempt instead of after leaseDuration.
import { EventEmitter } from "node:events";
import type { Registry } from "prom-client";
import type { Logger } from "../../observability/log.ts";
import { apiError, errorMessage, type KubeClient } from "./kube-http.ts";
import { leaderMetrics, type LeaderMetrics } from "./metrics.ts";
import { objectPath, collectionPath } from "./resources.ts";

export interface LeaderElectionOptions {
  client: KubeClient;
  logger: Logger;
  registry: Registry;
  leaseName: string;
  leaseNamespace: string;
  /** Unique per replica; the pod name is the usual choice. */
  identity: string;
  /** client-go defaults: 15 s, 10 s, 2 s. */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Release the lease on stop() (default true). */
  releaseOnStop?: boolean;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  spec?: LeaseSpec;
}

export interface LeaderElectorEvents {
  "started-leading": [];
  "stopped-leading": [];
  /** The holder we observe changed (our own identity included). */
  "new-leader": [identity: string];
}

const LEASE_GROUP = "coordination.k8s.io";

export class LeaderElector extends EventEmitter<LeaderElectorEvents> {
  readonly identity: string;
  private readonly opts: LeaderElectionOptions;
  private readonly log: Logger;
  private readonly metrics: LeaderMetrics;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private leading = false;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly abort = new AbortController();
  private observedRecord: string | undefined;
  private observedAt = 0;
  private observedLease: Lease | undefined;
  private lastRenew = 0;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private lastHolder: string | undefined;
  /** A lease request is failing (403, 5xx ...): warned once, until one works again. */
  private failingStatus: number | undefined;

  constructor(opts: LeaderElectionOptions) {
    super();
    this.opts = opts;
    this.identity = opts.identity;
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs)) {
      throw new Error("leader election needs leaseDuration > renewDeadline > retryPeriod");
    }
    this.log = opts.logger.child({ component: "leader-election", lease: `${opts.leaseNamespace}/${opts.leaseName}`, identity: opts.identity });
    this.metrics = leaderMetrics(opts.registry);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** The holder we last observed, if any. */
  get holder(): string | undefined {
    return this.lastHolder;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning; a leader steps down first (no more writes), then releases the lease. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const wasLeading = this.leading;
    this.setLeading(false);
    this.abort.abort();
    this.wake?.();
    await this.loop?.catch(() => undefined);
    if (wasLeading && (this.opts.releaseOnStop ?? true)) await this.release();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // Acquire: try every retryPeriod until we hold the lease.
      if (!(await this.tryAcquireOrRenew(this.renewDeadlineMs))) {
        await this.sleep(jittered(this.retryPeriodMs));
        continue;
      }
      this.lastRenew = performance.now();
      this.setLeading(true);
      // Renew: every retryPeriod; step down when no renewal succeeded within renewDeadline.
      while (!this.stopped && this.leading) {
        await this.sleep(this.retryPeriodMs);
        if (this.stopped || !this.leading) break;
        const left = this.lastRenew + this.renewDeadlineMs - performance.now();
        if (left > 0 && (await this.tryAcquireOrRenew(left))) {
          this.lastRenew = performance.now();
          this.armDeadline();
        } else if (performance.now() - this.lastRenew >= this.renewDeadlineMs) {
          this.log.warn("could not renew the lease within the renew deadline; stepping down");
          this.setLeading(false);
        }
      }
    }
  }

  /** One attempt, as client-go's tryAcquireOrRenew. True when we hold the lease afterwards. */
  private async tryAcquireOrRenew(timeoutMs: number): Promise<boolean> {
    const { client, leaseName, leaseNamespace } = this.opts;
    const path = objectPath(LEASE_GROUP, "v1", "leases", leaseName, leaseNamespace);
    const signal = this.abort.signal;
    const now = performance.now();
    const nowWall = microTime(new Date());
    const leaseSeconds = Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
    try {
      const got = this.counted(await client.request({ method: "GET", path, timeoutMs, signal }));
      if (got.status === 404) {
        const lease: Lease = {
          apiVersion: `${LEASE_GROUP}/v1`,
          kind: "Lease",
          metadata: { name: leaseName, namespace: leaseNamespace },
          spec: { holderIdentity: this.identity, leaseDurationSeconds: leaseSeconds, acquireTime: nowWall, renewTime: nowWall, leaseTransitions: 0 },
        };
        const created = this.counted(await client.request({ method: "POST", path: collectionPath(LEASE_GROUP, "v1", "leases", leaseNamespace), body: lease, timeoutMs, signal }));
        if (created.status !== 201 && created.status !== 200) {
          if (created.status !== 409) this.failed(created.status, "lease create failed");
          return false;
        }
        this.recovered();
        this.observe(created.body as Lease, performance.now());
        return true;
      }
      if (got.status !== 200) {
        this.failed(got.status, "lease read failed");
        throw apiError(got);
      }
      const old = got.body as Lease;
      this.observe(old, now);
      const spec = old.spec ?? {};
      const holder = spec.holderIdentity ?? "";
      const durationMs = (spec.leaseDurationSeconds ?? leaseSeconds) * 1000;
      if (holder && holder !== this.identity && this.observedAt + durationMs > now) return false;
      if (this.stopped) return false;
      const ours = holder === this.identity;
      const next: Lease = {
        ...old,
        spec: {
          ...spec,
          holderIdentity: this.identity,
          leaseDurationSeconds: leaseSeconds,
          renewTime: nowWall,
          acquireTime: ours ? (spec.acquireTime ?? nowWall) : nowWall,
          leaseTransitions: ours ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
        },
      };
      const put = this.counted(await client.request({ method: "PUT", path, body: next, timeoutMs, signal }));
      if (put.status !== 200) {
        if (put.status !== 409) this.failed(put.status, "lease update failed");
        return false;
      }
      this.recovered();
      this.observe(put.body as Lease, performance.now());
      return true;
    } catch (err) {
      if (!this.stopped) this.log.debug({ err: errorMessage(err) }, "lease attempt failed");
      return false;
    }
  }

  private counted<T extends { status: number }>(res: T): T {
    if (res.status >= 400 && res.status !== 404) this.metrics.apiErrors.inc({ component: "leader-election", code: String(res.status) });
    return res;
  }

  /** Warns on the first failure of a spell (every retryPeriod would flood the log), debug after that. */
  private failed(status: number, msg: string): void {
    if (this.failingStatus === undefined) this.log.warn({ status }, `${msg}; retrying every retry period`);
    else this.log.debug({ status }, msg);
    this.failingStatus = status;
  }

  private recovered(): void {
    if (this.failingStatus === undefined) return;
    this.log.info({ status: this.failingStatus }, "lease requests work again");
    this.failingStatus = undefined;
  }

  private observe(lease: Lease, at: number): void {
    const record = JSON.stringify(lease.spec ?? {});
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = at;
    }
    this.observedLease = lease;
    const holder = lease.spec?.holderIdentity ?? "";
    if (holder && holder !== this.lastHolder) {
      this.lastHolder = holder;
      this.log.info({ leader: holder }, "new leader observed");
      this.emit("new-leader", holder);
    }
  }

  private async release(): Promise<void> {
    const lease = this.observedLease;
    if (!lease || lease.spec?.holderIdentity !== this.identity) return;
    const now = microTime(new Date());
    const body: Lease = { ...lease, spec: { leaseTransitions: lease.spec?.leaseTransitions ?? 0, leaseDurationSeconds: 1, renewTime: now, acquireTime: now } };
    const path = objectPath(LEASE_GROUP, "v1", "leases", this.opts.leaseName, this.opts.leaseNamespace);
    try {
      const res = await this.opts.client.request({ method: "PUT", path, body, timeoutMs: this.renewDeadlineMs });
      if (res.status === 200) this.log.info("released the lease");
      else this.log.warn({ status: res.status }, "could not release the lease");
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, "could not release the lease");
    }
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.metrics.leader.set(leading ? 1 : 0);
    this.metrics.transitions.inc();
    if (leading) {
      this.armDeadline();
      this.log.info("started leading");
      this.emit("started-leading");
    } else {
      clearTimeout(this.deadlineTimer);
      this.log.info("stopped leading");
      this.emit("stopped-leading");
    }
  }

  /** A backstop independent of the loop: leadership ends renewDeadline after the last renewal, whatever the loop is doing. */
  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    const left = this.lastRenew + this.renewDeadlineMs - performance.now();
    this.deadlineTimer = setTimeout(() => {
      if (this.leading && performance.now() - this.lastRenew >= this.renewDeadlineMs) {
        this.log.warn("renew deadline passed; stepping down");
        this.setLeading(false);
        this.wake?.();
      }
    }, Math.max(0, left) + 1);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}

/** client-go's JitterUntil factor 1.2: up to 20% longer. */
function jittered(ms: number): number {
  return Math.round(ms * (1 + 0.2 * Math.random()));
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(d: Date): string {
  return d.toISOString().replace(/Z$/, "000Z");
}
