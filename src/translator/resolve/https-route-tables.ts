// Several HTTPS listeners on one port: each filter chain (chosen by SNI) gets its own route table
// holding only the hosts its Gateway listener owns. Otherwise a client could pick one listener's
// certificate and client-certificate validation by SNI and reach another listener's routes by Host.
// A Host that belongs to another listener on the port answers 421 Misdirected Request (RFC 9110
// 15.5.20), which the conformance test HTTPRouteHTTPSListenerDetectMisdirectedRequests expects.
import type { IrFilterChain, IrListener, IrRoute, IrVirtualHost } from "../ir.ts";
import { filterChainName, routeConfigName, virtualHostName } from "../names.ts";
import type { ResolvedListener } from "./model.ts";

function misdirected(name: string): IrRoute {
  return { name, match: { path: { type: "PathPrefix", value: "/" }, headers: [], queryParams: [] }, action: { kind: "direct", status: 421 } };
}

/**
 * `chains[i]` serves `group[i]`; `owners` says which Gateway listener owns each of `out`'s
 * virtual hosts. Sets each chain's own route table; a port with one HTTPS listener keeps the
 * listener's table.
 */
export function splitHttpsRouteTables(out: IrListener, group: readonly ResolvedListener[], owners: ReadonlyMap<IrVirtualHost, ResolvedListener>, namespace: string, gateway: string): void {
  // TLS listeners sharing the port carry TLSRoutes, not HTTP: they neither count nor get a table.
  if (out.protocol !== "HTTPS" || group.filter((l) => l.protocol === "HTTPS").length < 2) return;
  out.filterChains.forEach((chain: IrFilterChain, i) => {
    const l = group[i];
    if (!l || chain.l4) return;
    const name = filterChainName(namespace, gateway, l.resourceName);
    const own = out.virtualHosts.filter((vh) => owners.get(vh) === l);
    const domains = new Set(own.flatMap((vh) => vh.domains));
    const hosts = [...own];
    // The listener's own hostname with no route answers 404 here, not 421 from a wider host elsewhere.
    const mine = l.hostname ?? "*";
    if (!domains.has(mine)) {
      hosts.push({ name: virtualHostName(name, mine), domains: [mine], routes: [] });
      domains.add(mine);
    }
    for (const vh of out.virtualHosts) {
      if (owners.get(vh) === l) continue;
      for (const d of vh.domains) {
        if (domains.has(d)) continue;
        domains.add(d);
        hosts.push({ name: virtualHostName(name, d), domains: [d], routes: [misdirected(`misdirected/${name}/${d}`)] });
      }
    }
    // A Host another listener matches is misdirected even when no route there serves it (the spec:
    // "if another Listener does match the Host, 421"); a listener without hostname matches any.
    for (const other of group) {
      const d = other.hostname ?? "*";
      if (other === l || other.protocol !== "HTTPS" || domains.has(d)) continue;
      domains.add(d);
      hosts.push({ name: virtualHostName(name, d), domains: [d], routes: [misdirected(`misdirected/${name}/${d}`)] });
    }
    hosts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    chain.routeTable = { name: routeConfigName(name), virtualHosts: hosts };
  });
}
