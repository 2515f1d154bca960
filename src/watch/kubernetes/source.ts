// The Kubernetes Source: discovers the installed Gateway API kinds, runs one
// informer per kind (per namespace when filtered) and turns their caches into
// a ResourceSet. It reports synced only after every informer listed once, and
// while the API server is unreachable it keeps serving the last ResourceSet.
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import type { K8sObject } from "../../api/meta.ts";
import { buildResourceSet, EMPTY_RESOURCE_SET, type Kind, type ResourceSet } from "../../api/resource-set.ts";
import type { Logger } from "../../observability/log.ts";
import type { Source } from "../source.ts";
import { Backoff } from "./backoff.ts";
import { discoverResources, type DiscoveryResult, type WatchedResource } from "./discovery.ts";
import { DEFAULT_INFORMER_TIMING, ResourceInformer, type InformerTiming } from "./informer.ts";
import { errorMessage, KubeClient } from "./kube-http.ts";
import { sourceMetrics, type SourceMetrics } from "./metrics.ts";
import { apiVersionOf } from "./resources.ts";

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
  private informers: ResourceInformer[] = [];
  private discovery: DiscoveryResult | undefined;
  private readonly listeners: (() => void)[] = [];
  private snapshot: ResourceSet = EMPTY_RESOURCE_SET;
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
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  current(): ResourceSet {
    if (!this.isSynced) return EMPTY_RESOURCE_SET;
    if (this.dirty) this.rebuild();
    return this.snapshot;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  watched(): readonly { kind: Kind; apiVersion: string }[] {
    return (this.discovery?.watched ?? []).map((w) => ({ kind: w.kind, apiVersion: apiVersionOf(w.group, w.version) }));
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
    for (const info of this.discovery.missing) {
      if (info.experimental) this.log.info({ kind: info.kind }, "Gateway API CRD not installed; this feature is off");
      else this.log.warn({ kind: info.kind }, "standard Gateway API CRD not installed; install the Gateway API CRDs");
    }
    this.informers = this.discovery.watched.flatMap((r) => this.informersFor(r));
    if (this.stopped) throw new Error("kubernetes source stopped before it synced");
    const started = Date.now();
    await Promise.all(this.informers.map((i) => i.start()));
    this.isSynced = true;
    this.metrics.synced.set(1);
    this.dirty = true;
    this.log.info({ informers: this.informers.length, objects: this.current().size, ms: Date.now() - started }, "all informers synced");
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
        onChange: this.markDirty,
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
  private readonly markDirty = (): void => {
    this.dirty = true;
    if (!this.isSynced || this.notifyScheduled || this.stopped) return;
    this.notifyScheduled = true;
    setImmediate(this.notify);
  };

  private readonly notify = (): void => {
    this.notifyScheduled = false;
    if (this.stopped) return;
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        this.log.error({ err: errorMessage(err) }, "onChange listener threw");
      }
    }
  };

  private rebuild(): void {
    const objects: K8sObject[] = [];
    const perKind = new Map<string, number>();
    for (const inf of this.informers) {
      const info = this.discovery?.watched.find((w) => w.kind === inf.kind);
      if (!info) continue;
      const apiVersion = apiVersionOf(info.group, info.version);
      for (const o of inf.list()) {
        if (info.kind === "Namespace" && this.namespaces.size > 0 && !this.namespaces.has(o.metadata?.name ?? "")) continue;
        objects.push(withType(o, info.kind, apiVersion));
      }
      perKind.set(info.kind, (perKind.get(info.kind) ?? 0) + inf.list().length);
    }
    for (const [kind, n] of perKind) this.metrics.objects.set({ kind }, n);
    this.snapshot = buildResourceSet(objects);
    this.dirty = false;
  }
}

/** Watch events carry kind and apiVersion; list items got them from the pager. This is the safety net. */
function withType(o: KubernetesObject, kind: string, apiVersion: string): K8sObject {
  if (o.kind === kind && o.apiVersion === apiVersion) return o as K8sObject;
  return { ...(o as K8sObject), kind, apiVersion };
}
