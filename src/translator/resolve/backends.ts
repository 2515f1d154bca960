// Backend references: kind checks, ReferenceGrant, Service port lookup, and
// the cluster (with endpoints from EndpointSlices) each valid reference becomes.
import { GATEWAY_GROUP, type BackendObjectReference } from "../../api/gateway-api.ts";
import type { EndpointSlice, ServicePort } from "../../api/core.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import { CLUSTER_VARIANT, serviceClusterName, type ClusterVariant } from "../names.ts";
import type { IrCluster, IrEndpoint, IrLocality, IrUpstreamProtocol } from "../ir.ts";
import { RouteReason } from "./conditions.ts";
import { refAllowed } from "./refs.ts";
import { isIp } from "./values.ts";

export type BackendResult = { ok: true; cluster: IrCluster } | { ok: false; reason: string; message: string };

/**
 * Shared across one translation so each cluster is built once. A cluster is a
 * Service port *with the settings Envoy keeps on a Cluster* (docs/translator.md,
 * "Backend clusters"): the upstream HTTP protocol and whether a feature may
 * decorate it (BackendTLSPolicy wraps it in TLS). Routes that need the same settings share one cluster; a route
 * that needs other settings gets a variant of its own (names.ts), so that one
 * route's needs never change what another route's traffic looks like.
 */
export class ClusterCache {
  private readonly rs: ResourceSet;
  private readonly clusters = new Map<string, IrCluster>();
  private readonly decorates: (c: IrCluster) => boolean;
  /** `decorates`: the features' ResolveHooks.decoratesCluster (resolve/hooks.ts). */
  constructor(rs: ResourceSet, decorates: (c: IrCluster) => boolean = () => false) {
    this.rs = rs;
    this.decorates = decorates;
  }

  /** Resolves a backendRef of `routeKind` in `routeNs`. */
  resolve(ref: BackendObjectReference, routeKind: string, routeNs: string): BackendResult {
    const group = ref.group ?? "";
    const kind = ref.kind ?? "Service";
    const ns = ref.namespace ?? routeNs;
    const name = String(ref.name ?? "");
    if (group !== "" || kind !== "Service") {
      return { ok: false, reason: RouteReason.InvalidKind, message: `backendRef kind ${group ? group + "/" : ""}${kind} is not supported` };
    }
    if (!refAllowed(this.rs, { group: GATEWAY_GROUP, kind: routeKind, namespace: routeNs }, { group: "", kind: "Service", namespace: ns, name })) {
      return { ok: false, reason: RouteReason.RefNotPermitted, message: `backendRef to Service ${ns}/${name} is not permitted by any ReferenceGrant` };
    }
    const svc = this.rs.get("Service", `${ns}/${name}`);
    if (!svc) return { ok: false, reason: RouteReason.BackendNotFound, message: `Service ${ns}/${name} does not exist` };
    if (typeof ref.port !== "number") {
      return { ok: false, reason: RouteReason.BackendNotFound, message: `backendRef to Service ${ns}/${name} has no port` };
    }
    const ports = Array.isArray(svc.spec?.ports) ? svc.spec.ports : [];
    const sp = ports.find((p) => p && p.port === ref.port);
    if (!sp) return { ok: false, reason: RouteReason.BackendNotFound, message: `Service ${ns}/${name} has no port ${ref.port}` };
    const own = upstreamProtocol(sp.appProtocol);
    const protocol = this.protocolFor(routeKind, own);
    return { ok: true, cluster: this.cluster(ns, name, sp, protocol, protocol === own ? undefined : CLUSTER_VARIANT.http2) };
  }

  /**
   * The upstream protocol a route kind needs on a port whose appProtocol says
   * `own`: gRPC is always HTTP/2; everything else speaks what the port says.
   */
  protected protocolFor(routeKind: string, own: IrUpstreamProtocol): IrUpstreamProtocol {
    return routeKind === "GRPCRoute" ? "http2" : own;
  }

  /**
   * The cluster a TLS passthrough listener forwards to instead of `c`: the
   * client's TLS goes through untouched, so no feature may decorate it (a
   * BackendTLSPolicy must never wrap it). When one would, that is a variant of
   * its own (HTTP routes to the port keep their upstream TLS); otherwise `c` itself.
   */
  passthrough(c: IrCluster): IrCluster {
    if (!c.service || !this.decorated(c)) return c;
    const { namespace, name, port } = c.service;
    const sp = this.rs.get("Service", `${namespace}/${name}`)?.spec?.ports?.find((p) => p && p.port === port);
    if (!sp) return c;
    const v = this.cluster(namespace, name, sp, c.protocol, CLUSTER_VARIANT.tlsPassthrough);
    v.passthrough = true;
    return v;
  }

  /** Whether a feature decorates the cluster after routes are compiled (BackendTLSPolicy wraps it in TLS). */
  decorated(c: IrCluster): boolean {
    return this.decorates(c);
  }

  private cluster(ns: string, name: string, sp: ServicePort, protocol: IrUpstreamProtocol, variant: ClusterVariant | undefined): IrCluster {
    const clusterName = serviceClusterName(ns, name, sp.port, variant);
    let cluster = this.clusters.get(clusterName);
    if (!cluster) {
      cluster = {
        name: clusterName,
        service: { namespace: ns, name, port: sp.port },
        protocol,
        localities: localities(sp, this.rs.endpointSlicesFor(ns, name)),
      };
      this.clusters.set(clusterName, cluster);
    }
    return cluster;
  }
}

function upstreamProtocol(appProtocol: string | undefined): IrUpstreamProtocol {
  switch (appProtocol) {
    case "kubernetes.io/h2c":
    case "h2c":
    case "grpc":
      return "http2";
    default:
      // kubernetes.io/ws upgrades over HTTP/1.1; the connection manager enables upgrades.
      return "http1";
  }
}

function localities(sp: ServicePort, slices: readonly EndpointSlice[]): IrLocality[] {
  const wantName = sp.name ?? "";
  const byZone = new Map<string, Map<string, IrEndpoint>>();
  for (const slice of slices) {
    if (slice.addressType !== "IPv4" && slice.addressType !== "IPv6") continue;
    const ports = Array.isArray(slice.ports) ? slice.ports : [];
    const port = ports.find((p) => p && (p.name ?? "") === wantName && (p.protocol ?? "TCP") === (sp.protocol ?? "TCP"));
    const portNumber = port?.port;
    if (typeof portNumber !== "number" || portNumber < 1 || portNumber > 65535) continue;
    for (const ep of Array.isArray(slice.endpoints) ? slice.endpoints : []) {
      const c = ep?.conditions ?? {};
      const ready = c.ready !== false;
      const serving = c.serving ?? ready;
      const terminating = c.terminating === true;
      let health: IrEndpoint["health"];
      if (ready && !terminating) health = "Healthy";
      else if (serving && terminating) health = "Draining";
      else continue;
      const zone = typeof ep.zone === "string" ? ep.zone : "";
      let m = byZone.get(zone);
      if (!m) byZone.set(zone, (m = new Map()));
      for (const address of Array.isArray(ep.addresses) ? ep.addresses : []) {
        if (typeof address !== "string" || !isIp(address)) continue;
        const key = `${address}|${portNumber}`;
        const prev = m.get(key);
        // The same address in two slices: healthy wins over draining.
        if (!prev || (prev.health === "Draining" && health === "Healthy")) m.set(key, { address, port: portNumber, health });
      }
    }
  }
  return [...byZone.entries()]
    .filter(([, m]) => m.size > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([zone, m]) => ({
      zone,
      endpoints: [...m.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port)),
    }));
}
