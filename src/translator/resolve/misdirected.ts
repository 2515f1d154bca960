// Misdirected requests on HTTPS ports with several listeners. SNI picks a listener's filter chain
// during the handshake, but the Host header may name another listener of the same port (HTTP/2
// connection reuse does this legitimately). The Gateway API says: if another listener serves the
// Host, answer 421 Misdirected Request; if no listener serves it, 404. A route table shared by the
// whole port cannot tell chains apart, so each chain gets its own: its listener's virtual hosts, a
// 421 virtual host for every other listener's hostname, and a 404 one for its own hostname, so a
// broader 421 domain never catches what the listener itself owns.
import type { IrRoute, IrRouteTable, IrVirtualHost } from "../ir.ts";
import { listenerName, routeConfigName, virtualHostName } from "../names.ts";
import { covers, specificity } from "./hostnames.ts";
import type { ResolvedListener } from "./model.ts";

export const MISDIRECTED_STATUS = 421;

/** The most specific listener of `group` whose hostname covers `host` (listener isolation). */
export function hostOwner(group: readonly ResolvedListener[]): (host: string) => ResolvedListener | undefined {
  const cache = new Map<string, ResolvedListener | undefined>();
  return (h) => {
    if (cache.has(h)) return cache.get(h);
    let best: ResolvedListener | undefined;
    for (const l of group) {
      if (l.hostname !== undefined && !covers(l.hostname, h)) continue;
      if (!best || specificity(l.hostname) > specificity(best.hostname)) best = l;
    }
    cache.set(h, best);
    return best;
  };
}

function directHost(table: string, domain: string, status: number, why: string): IrVirtualHost {
  const route: IrRoute = {
    name: `${why}/${domain}`,
    match: { path: { type: "PathPrefix", value: "/" }, headers: [], queryParams: [] },
    action: { kind: "direct", status },
  };
  return { name: virtualHostName(table, domain), domains: [domain], routes: [route] };
}

/**
 * One route table per TLS-terminating listener of an HTTPS port, or undefined when the port has a
 * single such listener (nothing to misdirect to; the shared table stays as it is).
 * `shared` holds the port's virtual hosts, one domain each.
 */
export function perChainRouteTables(
  gw: { namespace: string; name: string },
  group: readonly ResolvedListener[],
  shared: readonly IrVirtualHost[],
): Map<ResolvedListener, IrRouteTable> | undefined {
  const https = group.filter((l) => l.protocol === "HTTPS" && l.tls);
  if (https.length < 2) return undefined;
  const owner = hostOwner(https);
  const tables = new Map<ResolvedListener, IrRouteTable>();
  for (const l of https) {
    const name = routeConfigName(listenerName(gw.namespace, gw.name, l.name));
    const hosts: IrVirtualHost[] = [];
    const domains = new Set<string>();
    for (const vh of shared) {
      if (vh.domains.some((d) => owner(d) !== l)) continue;
      hosts.push({ ...vh, name: virtualHostName(name, vh.domains[0] ?? "*") });
      for (const d of vh.domains) domains.add(d);
    }
    const own = l.hostname ?? "*";
    if (!domains.has(own)) {
      hosts.push(directHost(name, own, 404, "not-found"));
      domains.add(own);
    }
    for (const other of https) {
      const d = other.hostname ?? "*";
      if (other === l || domains.has(d)) continue;
      hosts.push(directHost(name, d, MISDIRECTED_STATUS, "misdirected"));
      domains.add(d);
    }
    hosts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    tables.set(l, { name, virtualHosts: hosts });
  }
  return tables;
}
