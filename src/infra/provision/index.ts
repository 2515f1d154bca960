// Per-Gateway Envoy provisioning for `switchyard serve --source kubernetes`, in one call.
//
//   const prov = startProvisioner({
//     kubeConfig,                       // the same KubeConfig the inputs use
//     leader: k8s.leader,               // only the leader writes
//     logger, registry,
//     controllerNamespace,              // $POD_NAMESPACE; where proxies run by default
//     xdsHost, xdsPort,                 // what proxies dial: the controller's Service, e.g.
//                                       //   switchyard.<ns>.svc.cluster.local:18000 (the default)
//     xdsTls,                           // { serverName? } when xDS is served over mTLS
//     proxyNamespace,                   // "controller" (default) or "gateway"
//     defaults,                         // ProxyParameters from flags (image, serviceType, ...)
//   });
//   // after every translation (the controller's result and the ResourceSet it translated):
//   prov.sync(result, rs);
//   // statuses: wrap the status writer so Gateway status.addresses (and Programmed
//   // AddressNotAssigned/AddressNotUsable) come from the provisioned Services:
//   statusSinks: [prov.statusSink(k8s.statusSink)]
//   prov.addressesFor("ns/name")        // what status.addresses would be; for admin/debug
//   await prov.stop();
//
// What it provisions, names, parameters and status rules: docs/provisioning.md.
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import type { ProxyParameters } from "../../api/proxy-parameters.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import type { StatusUpdate, TranslationResult } from "../../api/translation.ts";
import type { Logger } from "../../observability/log.ts";
import type { StatusSink } from "../../watch/source.ts";
import { DEFAULT_CONTROLLER_NAMESPACE, DEFAULT_CONTROLLER_SERVICE } from "../certgen.ts";
import { serviceAddresses, type GatewayAddress, type ObservedService } from "./addresses.ts";
import { Applier } from "./applier.ts";
import { Backoff } from "../../watch/kubernetes/backoff.ts";
import { desiredState, type DesiredState } from "./desired.ts";
import { kubeObjectClient, type ObjectClient } from "./object-client.ts";
import { proxyNamespaceOf, type InfraObject, type ProxyNamespaceMode } from "./render.ts";
import { decorateStatuses, type GatewayObservation } from "./status.ts";
import { canonicalJson } from "../../watch/kubernetes/canonical-json.ts";

export { renderGatewayInfra, DEFAULT_ENVOY_IMAGE, type InfraObject, type RenderOptions, type ProxyNamespaceMode } from "./render.ts";
export { proxyName } from "./names.ts";
export { desiredState } from "./desired.ts";

/** Structural, so tests and the single-replica mode can pass a plain object. */
export interface ProvisionerLeadership {
  readonly isLeader: boolean;
  on(event: "started-leading" | "stopped-leading", listener: () => void): unknown;
}

export interface ProvisionerOptions {
  kubeConfig: KubeConfig;
  leader: ProvisionerLeadership;
  logger: Logger;
  registry: Registry;
  controllerNamespace?: string;
  proxyNamespace?: ProxyNamespaceMode;
  /** Default: `switchyard.<controllerNamespace>.svc.<clusterDomain>`. */
  xdsHost?: string;
  /** Default 18000. */
  xdsPort?: number;
  delta?: boolean;
  xdsTls?: { serverName?: string };
  clusterDomain?: string;
  defaults?: ProxyParameters;
  /** Tests: a client other than client-node's KubernetesObjectApi. */
  client?: ObjectClient;
  qps?: number;
  burst?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  resyncMs?: number;
  /**
   * While a proxy Service has no address and the inputs do not show it (they
   * do not watch its namespace), the leader re-reads it: first after this
   * long (default 5 s), doubling to 60 s.
   */
  addressPollMs?: number;
}

export interface Provisioner {
  /** Hands over the latest translation; never throws. */
  sync(result: Pick<TranslationResult, "gateways">, rs: ResourceSet): void;
  /** A StatusSink that adds the proxies' addresses to Gateway statuses before passing them on. */
  statusSink(inner: StatusSink): StatusSink;
  /** status.addresses for a Gateway key, from the proxy Service as last seen; undefined when not seen. */
  addressesFor(gatewayKey: string): GatewayAddress[] | undefined;
  /** Resolves when no apply pass is running; for tests. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startProvisioner(opts: ProvisionerOptions): Provisioner {
  const log = opts.logger;
  const controllerNamespace = opts.controllerNamespace ?? process.env.POD_NAMESPACE ?? DEFAULT_CONTROLLER_NAMESPACE;
  const renderOpts = {
    controllerNamespace,
    proxyNamespace: opts.proxyNamespace ?? "controller",
    xdsHost: opts.xdsHost ?? `${DEFAULT_CONTROLLER_SERVICE}.${controllerNamespace}.svc.${opts.clusterDomain ?? "cluster.local"}`,
    xdsPort: opts.xdsPort ?? 18000,
    delta: opts.delta,
    xdsTls: opts.xdsTls,
    defaults: opts.defaults,
  } as const;

  let desired: DesiredState = { gateways: new Map() };
  /** Proxy Services as last seen, by Gateway key: from apply responses and from the ResourceSet. */
  const services = new Map<string, ObservedService>();
  const sinks: { inner: StatusSink; last: readonly StatusUpdate[] | undefined }[] = [];
  let lastObservedFingerprint = "";

  const observe = (key: string): GatewayObservation | undefined => {
    const g = desired.gateways.get(key);
    const svc = g?.objects?.find((o) => o.kind === "Service");
    if (!g || !svc) return undefined;
    const type = (svc.spec as { type?: "LoadBalancer" | "NodePort" | "ClusterIP" } | undefined)?.type ?? "LoadBalancer";
    return { gateway: g.gateway, serviceType: type, service: services.get(key) };
  };

  const republishIfChanged = () => {
    const fp = canonicalJson([...desired.gateways.keys()].sort().map((k) => [k, observe(k) ? serviceAddresses(observe(k)?.service) : null, services.has(k)]));
    if (fp === lastObservedFingerprint) return;
    lastObservedFingerprint = fp;
    for (const s of sinks) if (s.last) publishTo(s, s.last);
  };

  const publishTo = (s: (typeof sinks)[number], updates: readonly StatusUpdate[]) => {
    s.last = updates;
    try {
      s.inner.publish(decorateStatuses(updates, observe));
    } catch (err) {
      log.error({ err }, "status sink failed");
    }
  };

  const client = opts.client ?? kubeObjectClient(opts.kubeConfig);
  /** Gateways whose Service the last ResourceSet held; those need no polling. */
  let seenInInputs = new Set<string>();
  /** Our Services and ConfigMaps the last ResourceSet held (kind/namespace/name). */
  let inInputs = new Set<string>();
  let pollTimer: NodeJS.Timeout | undefined;
  let polling = false;
  let stopped = false;
  const pollBackoff = new Backoff({ initialMs: opts.addressPollMs ?? 5_000, maxMs: 60_000, jitter: 0.1 });

  /** Gateways with a rendered Service that has no address yet and that the inputs cannot tell us about. */
  const pendingAddresses = (): { key: string; namespace: string; name: string }[] => {
    const out = [];
    for (const g of desired.gateways.values()) {
      const svc = g.objects?.find((o) => o.kind === "Service");
      if (!svc || seenInInputs.has(g.key)) continue;
      if (serviceAddresses(services.get(g.key)).length === 0) out.push({ key: g.key, namespace: svc.metadata.namespace, name: svc.metadata.name });
    }
    return out;
  };

  const schedulePoll = () => {
    if (stopped || polling || pollTimer || !opts.leader.isLeader) return;
    if (pendingAddresses().length === 0) {
      pollBackoff.reset();
      return;
    }
    pollTimer = setTimeout(() => void poll(), pollBackoff.next());
    pollTimer.unref?.();
  };

  const poll = async () => {
    pollTimer = undefined;
    polling = true;
    try {
      for (const p of pendingAddresses()) {
        if (stopped || !opts.leader.isLeader) break;
        try {
          const svc = await client.read("v1", "Service", p.namespace, p.name);
          if (svc && desired.gateways.has(p.key)) services.set(p.key, svc as ObservedService);
        } catch (err) {
          log.debug({ err, gateway: p.key }, "reading the proxy Service failed");
        }
      }
      republishIfChanged();
    } finally {
      polling = false;
      schedulePoll();
    }
  };

  const applier = new Applier({
    client,
    logger: log,
    registry: opts.registry,
    isLeader: () => opts.leader.isLeader,
    gcNamespaces: renderOpts.proxyNamespace === "gateway" ? undefined : [controllerNamespace],
    onServiceApplied: (key, svc: KubernetesObject) => {
      services.set(key, svc as ObservedService);
      republishIfChanged();
      schedulePoll();
    },
    qps: opts.qps,
    burst: opts.burst,
    retryInitialMs: opts.retryInitialMs,
    retryMaxMs: opts.retryMaxMs,
    resyncMs: opts.resyncMs,
  });
  opts.leader.on("started-leading", () => {
    applier.leaderChanged(true);
    pollBackoff.reset();
    schedulePoll();
  });
  opts.leader.on("stopped-leading", () => applier.leaderChanged(false));
  if (opts.leader.isLeader) applier.leaderChanged(true);

  return {
    sync(result, rs) {
      try {
        desired = desiredState(result, rs, renderOpts);
        for (const key of [...services.keys()]) if (!desired.gateways.has(key)) services.delete(key);
        // The inputs may watch the proxies' namespace: the informer's copy is the freshest.
        seenInInputs = new Set();
        const gone: InfraObject[] = [];
        const nowInInputs = new Set<string>();
        for (const g of desired.gateways.values()) {
          for (const o of g.objects ?? []) {
            if (o.kind !== "Service" && o.kind !== "ConfigMap") continue;
            const id = `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
            const seen = rs.get(o.kind, `${o.metadata.namespace}/${o.metadata.name}`);
            if (seen) nowInInputs.add(id);
            // Seen before and gone now: someone deleted it; apply it again without waiting for the resync.
            else if (inInputs.has(id)) gone.push(o);
            if (seen && o.kind === "Service") {
              services.set(g.key, seen as ObservedService);
              seenInInputs.add(g.key);
            }
          }
        }
        inInputs = nowInInputs;
        for (const g of desired.gateways.values()) if (g.problem) log.debug({ gateway: g.key, problem: g.problem }, "not provisioning");
        applier.setDesired(desired);
        applier.invalidate(gone);
        republishIfChanged();
        schedulePoll();
      } catch (err) {
        log.error({ err }, "provisioner sync failed");
      }
    },
    statusSink(inner) {
      const s = { inner, last: undefined as readonly StatusUpdate[] | undefined };
      sinks.push(s);
      return { publish: (updates) => publishTo(s, updates) };
    },
    addressesFor(key) {
      const svc = services.get(key);
      return svc ? serviceAddresses(svc) : undefined;
    },
    idle: () => applier.idle(),
    async stop() {
      stopped = true;
      clearTimeout(pollTimer);
      applier.stop();
      await applier.idle();
    },
  };
}
