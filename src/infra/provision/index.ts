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
//   // AddressNotAssigned / AddressNotUsable / NoResources) come from the proxies:
//   statusSinks: [prov.statusSink(k8s.statusSink)]
//   // The ResourceSet matters: its Services carry the load balancer addresses when the
//   // inputs watch the proxy namespace (the default: all namespaces).
//   prov.addressesFor("ns/name")        // what status.addresses would be; for admin/debug
//   prov.rendered()                     // Map key -> { objects } or { problem }; for admin/debug
//   await prov.stop();
//
// What it provisions, names, parameters and status rules: docs/provisioning.md.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import type { ProxyParameters } from "../../api/proxy-parameters.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import type { StatusUpdate, TranslationResult } from "../../api/translation.ts";
import type { Logger } from "../../observability/log.ts";
import type { StatusSink } from "../../watch/source.ts";
import { DEFAULT_CONTROLLER_NAMESPACE, DEFAULT_CONTROLLER_SERVICE } from "../certgen.ts";
import type { GatewayAddress } from "./addresses.ts";
import { Applier } from "./applier.ts";
import { desiredState, RenderCache, type DesiredGateway, type DesiredState } from "./desired.ts";
import { kubeObjectClient, type ObjectClient } from "./object-client.ts";
import { ProxyObserver } from "./observer.ts";
import type { ProxyNamespaceMode } from "./render.ts";
import { decorateStatuses } from "./status.ts";

export { renderGatewayInfra, DEFAULT_ENVOY_IMAGE, type InfraObject, type RenderOptions, type ProxyNamespaceMode } from "./render.ts";
export { proxyName } from "./names.ts";
export { desiredState, type DesiredGateway, type DesiredState } from "./desired.ts";

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
   * While a proxy Service has no address the inputs can show (they do not
   * watch its namespace), or a proxy Deployment has no available replica, the
   * leader re-reads it: first after this long (default 5 s), doubling to 30 s.
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
  /** What the last sync() rendered, per Gateway key (objects, or why none); for the admin API and debugging. */
  rendered(): ReadonlyMap<string, DesiredGateway>;
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

  const client = opts.client ?? kubeObjectClient(opts.kubeConfig);
  let last: DesiredState = { gateways: new Map() };
  const cache = new RenderCache();
  const sinks: { inner: StatusSink; last: readonly StatusUpdate[] | undefined }[] = [];
  const publishTo = (s: (typeof sinks)[number], updates: readonly StatusUpdate[]) => {
    s.last = updates;
    try {
      s.inner.publish(decorateStatuses(updates, (key) => observer.observe(key)));
    } catch (err) {
      log.error({ err }, "status sink failed");
    }
  };
  const observer = new ProxyObserver({
    client,
    logger: log,
    isLeader: () => opts.leader.isLeader,
    pollMs: opts.addressPollMs ?? 5_000,
    // What the Gateway statuses would show changed: publish the last statuses again.
    onChange: () => {
      for (const s of sinks) if (s.last) publishTo(s, s.last);
    },
  });
  const applier = new Applier({
    client,
    logger: log,
    registry: opts.registry,
    isLeader: () => opts.leader.isLeader,
    gcNamespaces: renderOpts.proxyNamespace === "gateway" ? undefined : [controllerNamespace],
    onApplied: (key, obj) => observer.applied(key, obj),
    qps: opts.qps,
    burst: opts.burst,
    retryInitialMs: opts.retryInitialMs,
    retryMaxMs: opts.retryMaxMs,
    resyncMs: opts.resyncMs,
  });
  opts.leader.on("started-leading", () => {
    applier.leaderChanged(true);
    observer.leaderChanged(true);
  });
  opts.leader.on("stopped-leading", () => {
    applier.leaderChanged(false);
    observer.leaderChanged(false);
  });
  if (opts.leader.isLeader) applier.leaderChanged(true);

  return {
    sync(result, rs) {
      try {
        const desired = desiredState(result, rs, renderOpts, cache);
        last = desired;
        for (const g of desired.gateways.values()) if (g.problem) log.debug({ gateway: g.key, problem: g.problem }, "not provisioning");
        const gone = observer.update(desired, rs);
        applier.setDesired(desired);
        // Objects someone deleted are applied again without waiting for the resync.
        applier.invalidate(gone);
      } catch (err) {
        log.error({ err }, "provisioner sync failed");
      }
    },
    statusSink(inner) {
      const s = { inner, last: undefined as readonly StatusUpdate[] | undefined };
      sinks.push(s);
      return { publish: (updates) => publishTo(s, updates) };
    },
    addressesFor: (key) => observer.addressesFor(key),
    rendered: () => last.gateways,
    idle: () => applier.idle(),
    async stop() {
      observer.stop();
      applier.stop();
      await applier.idle();
    },
  };
}
