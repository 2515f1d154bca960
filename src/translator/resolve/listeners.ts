// Listener validation: per-protocol rules (a table that the TLS/L4 resolvers
// can extend), allowedRoutes kinds, and port/hostname conflicts.
import { GATEWAY_GROUP, type RouteGroupKind } from "../../api/gateway-api.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import { ListenerReason } from "./conditions.ts";
import { validateTlsListener } from "./listener-tls.ts";
import type { ResolveHooks } from "./hooks.ts";
import type { ResolvedListener } from "./model.ts";

export interface ProtocolRule {
  /** Route kinds this protocol can carry (supportedKinds when allowedRoutes.kinds is empty). */
  routeKinds: readonly string[];
  /** Listeners on one port must share a family; TLS and HTTPS both route by SNI and may share a port. */
  family: "http" | "sni" | "tcp" | "udp";
  /** Listeners of this protocol are told apart on one port by hostname. */
  byHostname: boolean;
  validate?: (rs: ResourceSet, l: ResolvedListener, hooks: readonly ResolveHooks[]) => void;
}

export const LISTENER_PROTOCOLS: Record<string, ProtocolRule> = {
  HTTP: { routeKinds: ["HTTPRoute", "GRPCRoute"], family: "http", byHostname: true },
  HTTPS: { routeKinds: ["HTTPRoute", "GRPCRoute"], family: "sni", byHostname: true, validate: validateTlsListener },
  TLS: { routeKinds: ["TLSRoute"], family: "sni", byHostname: true, validate: validateTlsListener },
  TCP: { routeKinds: ["TCPRoute"], family: "tcp", byHostname: false },
  UDP: { routeKinds: ["UDPRoute"], family: "udp", byHostname: false },
};

/** Fills supportedKinds, accepted and resolvedRefs of a fresh listener. */
export function validateListener(rs: ResourceSet, l: ResolvedListener, hooks: readonly ResolveHooks[]): void {
  const rule = Object.hasOwn(LISTENER_PROTOCOLS, l.protocol) ? LISTENER_PROTOCOLS[l.protocol] : undefined;
  if (!rule) {
    l.accepted = { ok: false, reason: ListenerReason.UnsupportedProtocol, message: `protocol ${String(l.protocol)} is not supported` };
    l.supportedKinds = [];
    return;
  }
  if (!Number.isInteger(l.port) || l.port < 1 || l.port > 65535) {
    l.accepted = { ok: false, reason: ListenerReason.PortUnavailable, message: `port ${String(l.port)} is not a valid port` };
  }
  const { kinds, invalid } = supportedKinds(l.spec.allowedRoutes?.kinds, rule.routeKinds);
  l.supportedKinds = kinds;
  if (invalid.length > 0) {
    l.resolvedRefs = { ok: false, reason: ListenerReason.InvalidRouteKinds, message: `route kinds not supported on ${l.protocol}: ${invalid.join(", ")}` };
  }
  rule.validate?.(rs, l, hooks);
}

function supportedKinds(requested: RouteGroupKind[] | undefined, allowed: readonly string[]): { kinds: RouteGroupKind[]; invalid: string[] } {
  if (!Array.isArray(requested) || requested.length === 0) {
    return { kinds: allowed.map((kind) => ({ group: GATEWAY_GROUP, kind })), invalid: [] };
  }
  const kinds: RouteGroupKind[] = [];
  const invalid: string[] = [];
  for (const k of requested) {
    const group = k?.group ?? GATEWAY_GROUP;
    const kind = String(k?.kind ?? "");
    if (group === GATEWAY_GROUP && allowed.includes(kind)) {
      if (!kinds.some((x) => x.kind === kind)) kinds.push({ group: GATEWAY_GROUP, kind });
    } else invalid.push(group ? `${group}/${kind}` : kind);
  }
  return { kinds, invalid };
}

/** Listeners with the same key share a port: UDP ports and TCP ports are apart. */
export function portKey(l: ResolvedListener): string {
  return `${LISTENER_PROTOCOLS[l.protocol]?.family === "udp" ? "udp" : "tcp"}/${l.port}`;
}

/** Marks listeners that cannot share their port with an earlier one. */
export function markConflicts(listeners: readonly ResolvedListener[]): void {
  const known = listeners.filter((l) => Object.hasOwn(LISTENER_PROTOCOLS, l.protocol) && l.accepted.ok);
  for (const group of Map.groupBy(known, portKey).values()) {
    const first = group[0];
    if (!first) continue;
    const family = LISTENER_PROTOCOLS[first.protocol]?.family;
    const seenHosts = new Set<string>();
    for (const l of group) {
      const rule = LISTENER_PROTOCOLS[l.protocol];
      if (!rule) continue;
      if (rule.family !== family) {
        l.conflicted = { reason: ListenerReason.ProtocolConflict, message: `port ${l.port} is already used by protocol ${first.protocol}` };
        continue;
      }
      if (!rule.byHostname) {
        if (l !== first) l.conflicted = { reason: ListenerReason.ProtocolConflict, message: `port ${l.port} is already used by listener ${first.name}` };
        continue;
      }
      const host = `${l.protocol === "HTTP" ? "http" : "sni"}/${l.hostname ?? ""}`;
      if (seenHosts.has(host)) {
        l.conflicted = { reason: ListenerReason.HostnameConflict, message: `hostname ${l.hostname ?? "(none)"} is already used on port ${l.port}` };
      } else seenHosts.add(host);
    }
  }
}
