// TLS listeners (TLSRoute): one Envoy listener per port whose filter chains are
// picked by SNI (tls_inspector reads it from the ClientHello). A Passthrough
// chain forwards the untouched TLS stream with tcp_proxy; a Terminate chain
// ends TLS with the listener's certificates first. Both kinds may share a port.
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { FilterChainMatchSchema, FilterChainSchema, ListenerFilterSchema, type FilterChain, type ListenerFilter } from "../../gen/envoy/config/listener/v3/listener_components_pb.js";
import { ListenerSchema, type Listener } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import { TlsInspectorSchema } from "../../gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js";
import { TcpProxySchema } from "../../gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js";
import type { IrL4Route, IrListener } from "../ir.ts";
import { statPrefix } from "../names.ts";
import { TCP_PROXY_FILTER, tcpProxyFor } from "./tcp.ts";
import type { EmitHooks } from "./hooks.ts";
import { downstreamTlsTransportSocket, TLS_INSPECTOR_FILTER } from "./tls.ts";

export function tlsInspectorFilter(): ListenerFilter {
  return create(ListenerFilterSchema, {
    name: TLS_INSPECTOR_FILTER,
    configType: { case: "typedConfig", value: anyPack(TlsInspectorSchema, create(TlsInspectorSchema, {})) },
  });
}

/**
 * Envoy refuses two chains with the same match, so each SNI name goes to one
 * route only: the oldest, then by namespace/name (IrL4Route.order). A route
 * whose names are all taken gets no chain; at most one route serves "any SNI".
 */
function chainsFor(unordered: readonly IrL4Route[], stat: string, features: readonly EmitHooks[], reserved: { names: readonly string[]; any: boolean } = { names: [], any: false }): FilterChain[] {
  const routes = [...unordered].sort((a, b) => ((a.order ?? "") < (b.order ?? "") ? -1 : (a.order ?? "") > (b.order ?? "") ? 1 : 0));
  const taken = new Set<string>(reserved.names);
  let anyTaken = reserved.any;
  const chains: FilterChain[] = [];
  const seen = new Map<string, number>();
  for (const r of routes) {
    let names: string[];
    if (r.hostnames.length === 0) {
      if (anyTaken) continue;
      anyTaken = true;
      names = [];
    } else {
      names = [...new Set(r.hostnames)].filter((h) => !taken.has(h)).sort();
      if (names.length === 0) continue;
      for (const h of names) taken.add(h);
    }
    // The same route on two listeners of this port: keep chain names unique.
    const n = (seen.get(r.name) ?? 0) + 1;
    seen.set(r.name, n);
    const chain = create(FilterChainSchema, {
      name: n === 1 ? r.name : `${r.name}/${n}`,
      filters: [{ name: TCP_PROXY_FILTER, configType: { case: "typedConfig", value: anyPack(TcpProxySchema, tcpProxyFor(r, stat)) } }],
    });
    if (names.length > 0) chain.filterChainMatch = create(FilterChainMatchSchema, { serverNames: names });
    if (r.tls) chain.transportSocket = downstreamTlsTransportSocket(r.tls, features);
    chains.push(chain);
  }
  return chains;
}

/**
 * The TLSRoute chains of TLS listeners that share an HTTPS port; `reserved` are the SNI matches
 * the HTTPS chains already hold (Envoy refuses two chains with the same match).
 */
export function tlsRouteChains(l: IrListener, features: readonly EmitHooks[], reserved: { names: readonly string[]; any: boolean }): FilterChain[] {
  return chainsFor(l.l4Routes, statPrefix(l.name), features, reserved);
}

/** The Envoy listener for a TLS Gateway port; undefined when no route is attached. */
export function tlsRouteListener(l: IrListener, features: readonly EmitHooks[], bindAddress = "0.0.0.0"): Listener | undefined {
  const stat = statPrefix(l.name);
  const filterChains = chainsFor(l.l4Routes, stat, features);
  if (filterChains.length === 0) return undefined;
  return create(ListenerSchema, {
    name: l.name,
    address: { address: { case: "socketAddress", value: { address: bindAddress, portSpecifier: { case: "portValue", value: l.port } } } },
    statPrefix: stat,
    listenerFilters: [tlsInspectorFilter()],
    filterChains,
  });
}
