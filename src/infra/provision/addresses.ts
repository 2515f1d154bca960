// Gateway spec.addresses -> what the proxy Service asks for, and the Service's
// observed state -> Gateway status.addresses. Pure.
//
// Requesting: a Service can only ask for IP addresses.
//   - LoadBalancer with exactly one requested IP: spec.loadBalancerIP (the
//     cloud's load balancer takes that address);
//   - otherwise (several IPs, or NodePort/ClusterIP): spec.externalIPs (the
//     nodes accept traffic for those IPs on the Service's ports).
//   - An IPAddress entry with no value asks for "some address", which any
//     Service gets: nothing to request.
//   - Hostname and other types cannot be requested: they are reported as
//     unsupported (the status path turns that into Programmed=False AddressNotUsable).
import { isIP } from "node:net";
import type { Gateway } from "../../api/gateway-api.ts";
import type { ServiceType } from "../../api/proxy-parameters.ts";

export interface GatewayAddress {
  type?: string;
  value: string;
}

export interface AddressRequest {
  loadBalancerIP?: string;
  externalIPs?: string[];
  /** Every IP the Gateway asked for. */
  requestedIPs: string[];
  /** Addresses a Service cannot ask for (Hostname, implementation-specific types, malformed IPs). */
  unsupported: GatewayAddress[];
}

export function addressRequest(gw: Gateway, serviceType: ServiceType): AddressRequest {
  const ips: string[] = [];
  const unsupported: GatewayAddress[] = [];
  for (const a of Array.isArray(gw.spec?.addresses) ? gw.spec.addresses : []) {
    const type = a?.type ?? "IPAddress";
    const value = typeof a?.value === "string" ? a.value.trim() : "";
    if (type === "IPAddress") {
      if (value === "") continue;
      if (isIP(value) !== 0) {
        if (!ips.includes(value)) ips.push(value);
        continue;
      }
    }
    unsupported.push({ type, value });
  }
  const out: AddressRequest = { requestedIPs: ips, unsupported };
  if (ips.length === 1 && serviceType === "LoadBalancer") out.loadBalancerIP = ips[0];
  else if (ips.length > 0) out.externalIPs = [...ips];
  return out;
}

/** The parts of a Service the status path reads (client-node's V1Service fits). */
export interface ObservedService {
  spec?: { type?: string; clusterIP?: string; clusterIPs?: string[]; externalIPs?: string[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/**
 * Gateway status.addresses from the proxy Service: a LoadBalancer's ingress
 * IPs and hostnames, then externalIPs; for ClusterIP/NodePort Services the
 * cluster IPs, then externalIPs. Empty while a load balancer is pending.
 */
export function serviceAddresses(svc: ObservedService | undefined): GatewayAddress[] {
  if (!svc) return [];
  const out: GatewayAddress[] = [];
  const add = (value: string | undefined, type: "IPAddress" | "Hostname") => {
    if (value && !out.some((a) => a.value === value)) out.push({ type, value });
  };
  const type = svc.spec?.type ?? "ClusterIP";
  if (type === "LoadBalancer") {
    for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
      add(ing.ip, "IPAddress");
      add(ing.hostname, "Hostname");
    }
  } else if (type !== "ExternalName") {
    const cips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
    for (const ip of cips) if (ip !== "None") add(ip, "IPAddress");
  }
  for (const ip of svc.spec?.externalIPs ?? []) add(ip, "IPAddress");
  return out;
}
