// Backend references: kind checks, ReferenceGrant, Service port lookup, and
// the cluster (with endpoints from EndpointSlices) each valid reference becomes.
import { GATEWAY_GROUP, type BackendObjectReference } from "../../api/gateway-api.ts";
import type { EndpointSlice, ServicePort } from "../../api/core.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import { serviceClusterName } from "../names.ts";
import type { IrCluster, IrEndpoint, IrLocality, IrUpstreamProtocol } from "../ir.ts";
import { RouteReason } from "./conditions.ts";
import { refAllowed } from "./refs.ts";
import { isIp } from "./values.ts";

export type BackendResult = { ok: true; cluster: IrCluster } | { ok: false; reason: string; message: string };

/** Shared across one translation so each Service port is built once. */
export class ClusterCache {
  private readonly rs: ResourceSet;
  private readonly clusters = new Map<string, IrCluster>();
  constructor(rs: ResourceSet) {
    this.rs = rs;
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
    const clusterName = serviceClusterName(ns, name, sp.port);
    let cluster = this.clusters.get(clusterName);
    if (!cluster) {
      cluster = {
        name: clusterName,
        service: { namespace: ns, name, port: sp.port },
        protocol: upstreamProtocol(sp.appProtocol),
        localities: localities(sp, this.rs.endpointSlicesFor(ns, name)),
      };
      this.clusters.set(clusterName, cluster);
    }
    return { ok: true, cluster };
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
