// GAMMA parentRefs: which refs name a Service, and which of its ports a ref
// selects (GEP-1426 "Ports"; ParentReference.port and sectionName = port name).
import type { Service, ServicePort } from "../../api/core.ts";
import type { ParentReference } from "../../api/gateway-api.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import { RouteReason } from "./conditions.ts";

/** A parentRef to a core Service: group must be written as "" (the default group is gateway.networking.k8s.io). */
export function isServiceParent(ref: ParentReference | undefined): ref is ParentReference {
  return !!ref && typeof ref === "object" && ref.group === "" && ref.kind === "Service" && typeof ref.name === "string";
}

/**
 * Services that can be a mesh frontend: ClusterIP-like (also NodePort and
 * LoadBalancer, which are ClusterIP plus more). Headless and ExternalName
 * Services have no frontend to route (GEP-1426 "Allowed service types").
 */
export function meshFrontendProblem(svc: Service): string | undefined {
  if (svc.spec?.type === "ExternalName") return "an ExternalName Service cannot be a mesh parent";
  if (svc.spec?.clusterIP === "None") return "a headless Service (clusterIP: None) cannot be a mesh parent";
  return undefined;
}

/** The Service's TCP ports, the ones HTTP and gRPC routes can apply to (a repeated port number: the first). */
export function tcpPorts(svc: Service): ServicePort[] {
  const ports = Array.isArray(svc.spec?.ports) ? svc.spec.ports : [];
  const seen = new Set<number>();
  return ports.filter((p) => {
    if (!p || typeof p.port !== "number" || !Number.isInteger(p.port) || p.port < 1 || p.port > 65535 || (p.protocol ?? "TCP") !== "TCP" || seen.has(p.port)) return false;
    seen.add(p.port);
    return true;
  });
}

export type PortSelection =
  | { ok: true; service: Service; namespace: string; ports: ServicePort[] }
  | { ok: false; reason: string; message: string };

/** Resolves a Service parentRef of a route in `routeNs` to the Service ports it attaches to. */
export function selectServicePorts(rs: ResourceSet, ref: ParentReference, routeNs: string): PortSelection {
  const ns = ref.namespace ?? routeNs;
  const svc = rs.get("Service", `${ns}/${ref.name}`);
  if (!svc) return { ok: false, reason: RouteReason.NoMatchingParent, message: `Service ${ns}/${ref.name} does not exist` };
  const problem = meshFrontendProblem(svc);
  if (problem) return { ok: false, reason: RouteReason.UnsupportedValue, message: problem };
  const all = tcpPorts(svc);
  const ports = all.filter(
    (p) => (ref.port === undefined || p.port === ref.port) && (ref.sectionName === undefined || (p.name ?? "") === ref.sectionName),
  );
  if (ports.length === 0) {
    const want = [ref.port !== undefined ? `port ${ref.port}` : "", ref.sectionName !== undefined ? `port name ${ref.sectionName}` : ""].filter(Boolean).join(" and ");
    return {
      ok: false,
      reason: RouteReason.NoMatchingParent,
      message: all.length === 0 ? `Service ${ns}/${ref.name} has no TCP port` : `Service ${ns}/${ref.name} has no TCP port with ${want}`,
    };
  }
  return { ok: true, service: svc, namespace: ns, ports };
}
