// The Kubernetes Source: discovers the installed Gateway API kinds, runs one
// informer per kind (per namespace when filtered) and turns their caches into
// a ResourceSet. It reports synced only after every informer listed once, and
// while the API server is unreachable it keeps serving the last ResourceSet.
// Discovery runs again periodically: a CRD installed, upgraded or removed
// later starts, moves or stops its informers without a restart.
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import type { K8sObject } from "../../api/meta.ts";
import { buildResourceSet, EMPTY_RESOURCE_SET, type Kind, type ResourceSet } from "../../api/resource-set.ts";
import type { Logger } from "../../observability/log.ts";
import type { Source, SourceChange } from "../source.ts";
import { Backoff } from "../../util/backoff.ts";
import { discoverResources, type DiscoveryResult, type WatchedResource } from "./discovery.ts";
import { DEFAULT_INFORMER_TIMING, ResourceInformer, type InformerTiming } from "./informer.ts";
import { errorMessage, KubeClient } from "./kube-http.ts";
import { sourceMetrics, type SourceMetrics } from "./metrics.ts";
import { GATEWAY_GROUP } from "../../api/gateway-api.ts";
import { apiVersionOf } from "./resources.ts";
import { StatusOnlyReuse } from "./status-only.ts";

export interface KubernetesSourceOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  registry: Registry;
  /** Watch namespaced kinds only in these namespaces; all namespaces when empty or absent. */
  namespaces?: readonly string[];
  /** Durations and sizes; tests shorten them. */
  timing?: Partial<InformerTiming>;
  /** Timeout of discovery requests. */
  discoveryTimeoutMs?: number;
  /** How often discovery runs again after the first sync (default 60 s; 0: never). */
  rediscoverIntervalMs?: number;
  /** Shared HTTP client; made from kubeConfig when absent. */
  client?: KubeClient;
}

export interface KubernetesSource extends Source {
  /** The kinds being watched and the apiVersion of each; empty until discovery ran. */
  watched(): readonly { kind: Kind; apiVersion: string }[];
  /** Gateway API kinds whose CRDs are not installed; their features are off. */
  missingKinds(): readonly Kind[];
  /** An object from the informer caches by kind and objectKey (what the status writer reads first). */
  getCached(kind: Kind, key: string): K8sObject | undefined;
  /** The resourceVersion each informer would resume its watch from, by informer name; for debugging. */
  resumeVersions(): Record<string, string>;
}

export function createKubernetesSource(opts: KubernetesSourceOptions): KubernetesSource {
  return new KubeSource(opts);
}

class KubeSource implements KubernetesSource {
  private readonly opts: KubernetesSourceOptions;
  private readonly log: Logger;
  private readonly client: KubeClient;
  private readonly timing: InformerTiming;
  private readonly metrics: SourceMetrics;
  private readonly namespaces: ReadonlySet<string>;
  /** Active informers per kind, with the resource (version) they watch. */
  private readonly groups = new Map<Kind, KindGroup>();
  /** Informers for a kind being (re)started after rediscovery; swapped in once synced. */
  private readonly pending = new Map<Kind, KindGroup>();
  private discovery: DiscoveryResult | undefined;
  private readonly loggedMissing = new Set<Kind>();
  private rediscoverTimer: NodeJS.Timeout | undefined;
  private readonly listeners: ((change: SourceChange) => void)[] = [];
  /** Kinds with informer events since the last notification. */
  private changedKinds = new Set<Kind>();
  private snapshot: ResourceSet = EMPTY_RESOURCE_SET;
  private readonly reuse = new StatusOnlyReuse();
  private dirty = true;
  private notifyScheduled = false;
  private isSynced = false;
  private stopped = false;
  private startPromise: Promise<void> | undefined;
  private abortStart: (() => void) | undefined;

  constructor(opts: KubernetesSourceOptions) {
    this.opts = opts;
    this.log = opts.logger.child({ component: "kubernetes-source" });
    this.client = opts.client ?? new KubeClient(opts.kubeConfig);
    this.timing = { ...DEFAULT_INFORMER_TIMING, ...opts.timing };
    this.metrics = sourceMetrics(opts.registry);
    this.namespaces = new Set(opts.namespaces ?? []);
  }

  get synced(): boolean {
    return this.isSynced;
  }

  start(): Promise<void> {
    this.startPromise ??= this.run();
    return this.startPromise;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abortStart?.();
    clearTimeout(this.rediscoverTimer);
    const all = [...this.groups.values(), ...this.pending.values()].flatMap((g) => g.informers);
    await Promise.all(all.map((i) => i.stop()));
  }

  private get informers(): ResourceInformer[] {
    return [...this.groups.values()].flatMap((g) => g.informers);
  }

  current(): ResourceSet {
    if (!this.isSynced) return EMPTY_RESOURCE_SET;
    if (this.dirty) this.rebuild();
    return this.snapshot;
  }

  onChange(listener: (change: SourceChange) => void): void {
    this.listeners.push(listener);
  }

  watched(): readonly { kind: Kind; apiVersion: string }[] {
    const resources = this.groups.size > 0 ? [...this.groups.values()].map((g) => g.resource) : (this.discovery?.watched ?? []);
    return resources.map((w) => ({ kind: w.kind, apiVersion: apiVersionOf(w.group, w.version) }));
  }

  missingKinds(): readonly Kind[] {
    return (this.discovery?.missing ?? []).map((m) => m.kind);
  }

  getCached(kind: Kind, key: string): K8sObject | undefined {
    const slash = key.indexOf("/");
    const ns = slash < 0 ? undefined : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    for (const inf of this.informers) {
      if (inf.kind !== kind || (inf.namespace !== undefined && inf.namespace !== ns)) continue;
      const hit = inf.get(name, ns);
      if (hit) return hit as K8sObject;
    }
    return undefined;
  }

  resumeVersions(): Record<string, string> {
    return Object.fromEntries(this.informers.map((i) => [i.name, i.resourceVersion]));
  }

  private async run(): Promise<void> {
    this.discovery = await this.discoverWithRetry();
    this.logMissing(this.discovery);
    for (const r of this.discovery.watched) this.groups.set(r.kind, { resource: r, informers: this.informersFor(r) });
    if (this.stopped) throw new Error("kubernetes source stopped before it synced");
    const started = Date.now();
    await Promise.all(this.informers.map((i) => i.start()));
    this.isSynced = true;
    this.metrics.synced.set(1);
    this.dirty = true;
    // What the first current() holds is the start; changes are what comes after it.
    this.changedKinds.clear();
    this.log.info({ informers: this.informers.length, objects: this.current().size, ms: Date.now() - started }, "all informers synced");
    this.scheduleRediscovery();
  }

  private logMissing(result: DiscoveryResult): void {
    for (const info of result.missing) {
      if (this.loggedMissing.has(info.kind)) continue;
      this.loggedMissing.add(info.kind);
      if (info.group !== GATEWAY_GROUP) this.log.info({ kind: info.kind, group: info.group }, "API not served by this cluster; this feature is off");
      else if (info.experimental) this.log.info({ kind: info.kind }, "Gateway API CRD not installed; this feature is off");
      else this.log.warn({ kind: info.kind }, "standard Gateway API CRD not installed; install the Gateway API CRDs");
    }
  }

  private scheduleRediscovery(): void {
    const every = this.opts.rediscoverIntervalMs ?? 60_000;
    if (!every || this.stopped) return;
    this.rediscoverTimer = setTimeout(() => void this.rediscover().finally(() => this.scheduleRediscovery()), every);
  }

  /** Starts informers for kinds that appeared or moved to another version, stops those of kinds that went away. */
  private async rediscover(): Promise<void> {
    let result: DiscoveryResult;
    try {
      result = await discoverResources(this.client, { timeoutMs: this.opts.discoveryTimeoutMs ?? this.timing.listTimeoutMs });
    } catch (err) {
      this.log.debug({ err: errorMessage(err) }, "rediscovery failed; trying again later");
      return;
    }
    if (this.stopped) return;
    this.discovery = result;
    this.logMissing(result);
    const wanted = new Map(result.watched.map((r) => [r.kind, r]));
    for (const [kind, group] of this.groups) {
      if (wanted.has(kind)) continue;
      this.log.warn({ kind }, "Gateway API CRD removed; no longer watching it");
      this.groups.delete(kind);
      void Promise.all(group.informers.map((i) => i.stop()));
      this.markDirty(kind);
    }
    for (const [kind, resource] of wanted) {
      this.loggedMissing.delete(kind); // installed now: log again if it goes away
      const active = this.groups.get(kind);
      const starting = this.pending.get(kind);
      if (active?.resource.version === resource.version) {
        if (starting) void this.cancelPending(kind, starting);
        continue;
      }
      if (starting?.resource.version === resource.version) continue;
      if (starting) void this.cancelPending(kind, starting);
      const apiVersion = apiVersionOf(resource.group, resource.version);
      this.log.info({ kind, apiVersion, was: active ? apiVersionOf(active.resource.group, active.resource.version) : undefined }, "watching a newly discovered Gateway API version");
      const group: KindGroup = { resource, informers: this.informersFor(resource) };
      this.pending.set(kind, group);
      Promise.all(group.informers.map((i) => i.start())).then(
        () => {
          if (this.stopped || this.pending.get(kind) !== group) return;
          this.pending.delete(kind);
          const old = this.groups.get(kind);
          this.groups.set(kind, group);
          if (old) void Promise.all(old.informers.map((i) => i.stop()));
          this.markDirty(kind);
        },
        () => undefined, // stopped before it synced
      );
    }
  }

  private async cancelPending(kind: Kind, group: KindGroup): Promise<void> {
    this.pending.delete(kind);
    await Promise.all(group.informers.map((i) => i.stop()));
  }

  private informersFor(resource: WatchedResource): ResourceInformer[] {
    const make = (namespace?: string) =>
      new ResourceInformer({
        client: this.client,
        kubeConfig: this.opts.kubeConfig,
        resource,
        namespace,
        timing: this.timing,
        logger: this.log,
        metrics: this.metrics,
        onChange: (event) => {
          // A status-only update (the echo of our own status write) changes nothing the translation
          // reads: listeners are told that nothing they translate changed (no kinds), not what did.
          if (event?.type === "update" && this.reuse.statusOnly(resource.kind, event.object as K8sObject)) this.scheduleNotify();
          else this.markDirty(resource.kind);
        },
      });
    if (!resource.namespaced || this.namespaces.size === 0) return [make()];
    return [...this.namespaces].sort().map((ns) => make(ns));
  }

  /** Discovery must succeed once before anything is watched; the API server may still be coming up. */
  private async discoverWithRetry(): Promise<DiscoveryResult> {
    const backoff = new Backoff({ initialMs: this.timing.restartInitialMs, maxMs: this.timing.restartMaxMs });
    for (;;) {
      if (this.stopped) throw new Error("kubernetes source stopped before it synced");
      try {
        return await discoverResources(this.client, { timeoutMs: this.opts.discoveryTimeoutMs ?? this.timing.listTimeoutMs });
      } catch (err) {
        const delay = backoff.next();
        this.log.warn({ err: errorMessage(err), retryInMs: delay }, "API discovery failed; retrying");
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          this.abortStart = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.abortStart = undefined;
      }
    }
  }

  // An informer event handler: only flags the change and schedules one notification.
  private markDirty(kind: Kind): void {
    this.dirty = true;
    this.changedKinds.add(kind);
    this.scheduleNotify();
  }

  private scheduleNotify(): void {
    if (!this.isSynced || this.notifyScheduled || this.stopped) return;
    this.notifyScheduled = true;
    setImmediate(this.notify);
  }

  private readonly notify = (): void => {
    this.notifyScheduled = false;
    if (this.stopped) return;
    const change: SourceChange = { kinds: this.changedKinds };
    this.changedKinds = new Set();
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.log.error({ err: errorMessage(err) }, "onChange listener threw");
      }
    }
  };

  private rebuild(): void {
    const objects: K8sObject[] = [];
    for (const { resource, informers } of this.groups.values()) {
      const apiVersion = apiVersionOf(resource.group, resource.version);
      let n = 0;
      for (const inf of informers) {
        for (const o of inf.list()) {
          if (resource.kind === "Namespace" && this.namespaces.size > 0 && !this.namespaces.has(o.metadata?.name ?? "")) continue;
          objects.push(this.reuse.take(resource.kind, o as K8sObject, withType(o, resource.kind, apiVersion)));
          n++;
        }
      }
      this.metrics.objects.set({ kind: resource.kind }, n);
    }
    this.reuse.done();
    this.snapshot = buildResourceSet(objects);
    this.dirty = false;
  }
}

interface KindGroup {
  resource: WatchedResource;
  informers: ResourceInformer[];
}

/** Watch events carry kind and apiVersion; list items got them from the pager. This is the safety net. */
function withType(o: KubernetesObject, kind: string, apiVersion: string): K8sObject {
  if (o.kind === kind && o.apiVersion === apiVersion) return o as K8sObject;
  return { ...(o as K8sObject), kind, apiVersion };
}
