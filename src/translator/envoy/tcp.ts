// TCP listeners: one Envoy listener per Gateway port, whose only filter is
// tcp_proxy. A TCP listener cannot tell routes apart, so only the oldest
// attached route carries traffic (tcp-carrier.ts; the spec's conflict rule).
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { ListenerSchema, type Listener } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import { TcpProxySchema, type TcpProxy } from "../../gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js";
import type { IrL4Route, IrListener } from "../ir.ts";
import { INVALID_BACKEND_CLUSTER, statPrefix } from "../names.ts";
import { carrier } from "./tcp-carrier.ts";

export const TCP_PROXY_FILTER = "envoy.filters.network.tcp_proxy";

/**
 * Weighted clusters for one route. The share of invalid backendRefs goes to a
 * cluster that is never sent, so Envoy closes those connections (TCP has no
 * 500); a route with no valid backend rejects every connection.
 */
export function tcpProxyFor(route: IrL4Route | undefined, stat: string): TcpProxy {
  const entries = (route?.backends ?? []).filter((b) => b.weight > 0).map((b) => ({ name: b.cluster, weight: b.weight }));
  if (route && route.invalidWeight > 0) entries.push({ name: INVALID_BACKEND_CLUSTER, weight: route.invalidWeight });
  if (entries.length === 0) entries.push({ name: INVALID_BACKEND_CLUSTER, weight: 1 });
  const only = entries.length === 1 ? entries[0] : undefined;
  return create(TcpProxySchema, {
    statPrefix: stat,
    clusterSpecifier: only
      ? { case: "cluster", value: only.name }
      : { case: "weightedClusters", value: { clusters: entries } },
  });
}

/** The Envoy listener for a TCP Gateway port; undefined when no route is attached. */
export function tcpListener(l: IrListener, bindAddress = "0.0.0.0"): Listener | undefined {
  const route = carrier(l);
  if (!route) return undefined;
  const stat = statPrefix(l.name);
  return create(ListenerSchema, {
    name: l.name,
    address: { address: { case: "socketAddress", value: { address: bindAddress, portSpecifier: { case: "portValue", value: l.port } } } },
    statPrefix: stat,
    filterChains: [
      {
        name: route.name,
        filters: [{ name: TCP_PROXY_FILTER, configType: { case: "typedConfig", value: anyPack(TcpProxySchema, tcpProxyFor(route, stat)) } }],
      },
    ],
  });
}
