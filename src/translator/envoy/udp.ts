// UDP listeners: a UDP socket listener whose listener filter is udp_proxy.
//
// udp_proxy routes to exactly one cluster (its Route action has no weighted
// clusters), so a route that splits between several backends gets a cluster of
// its own: one locality per backend, weighted by the backend's weight, with
// locality-weighted load balancing. New sessions follow the weights; an
// existing UDP session stays on its host until idle.
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { HealthStatus } from "../../gen/envoy/config/core/v3/health_check_pb.js";
import { ApiVersion } from "../../gen/envoy/config/core/v3/config_source_pb.js";
import { SocketAddress_Protocol } from "../../gen/envoy/config/core/v3/address_pb.js";
import { ClusterSchema, Cluster_DiscoveryType, Cluster_LbPolicy, type Cluster } from "../../gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema, type ClusterLoadAssignment } from "../../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema, type Listener } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import { RouteSchema as UdpRouteSchema } from "../../gen/envoy/extensions/filters/udp/udp_proxy/v3/route_pb.js";
import { UdpProxyConfigSchema, type UdpProxyConfig } from "../../gen/envoy/extensions/filters/udp/udp_proxy/v3/udp_proxy_pb.js";
import type { IrCluster, IrL4Route, IrListener } from "../ir.ts";
import { INVALID_BACKEND_CLUSTER, statPrefix } from "../names.ts";
import { carrier } from "./tcp-carrier.ts";

export const UDP_PROXY_FILTER = "envoy.filters.udp_listener.udp_proxy";

/** The cluster a UDP route's split is served from: `<route name>/split`. */
export function udpSplitClusterName(route: IrL4Route): string {
  return `${route.name}/split`;
}

export interface UdpOutput {
  listener?: Listener;
  /** Split clusters (and their endpoints) this listener needs besides service clusters. */
  clusters: Cluster[];
  endpoints: ClusterLoadAssignment[];
}

function udpProxy(cluster: string, stat: string): UdpProxyConfig {
  return create(UdpProxyConfigSchema, {
    statPrefix: stat,
    routeSpecifier: {
      case: "matcher",
      value: {
        onNoMatch: {
          onMatch: {
            case: "action",
            value: { name: "route", typedConfig: anyPack(UdpRouteSchema, create(UdpRouteSchema, { cluster })) },
          },
        },
      },
    },
  });
}

/** One cluster whose localities are the route's backends, weighted. */
function splitCluster(route: IrL4Route, clusters: ReadonlyMap<string, IrCluster>): { cluster: Cluster; endpoints: ClusterLoadAssignment } {
  const name = udpSplitClusterName(route);
  const cluster = create(ClusterSchema, {
    name,
    clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS },
    edsClusterConfig: { edsConfig: { configSourceSpecifier: { case: "ads", value: {} }, resourceApiVersion: ApiVersion.V3 } },
    connectTimeout: { seconds: 10n },
    lbPolicy: Cluster_LbPolicy.ROUND_ROBIN,
    commonLbConfig: { localityConfigSpecifier: { case: "localityWeightedLbConfig", value: {} } },
  });
  const localities = route.backends
    .filter((b) => b.weight > 0)
    .map((b) => {
      const c = clusters.get(b.cluster);
      const eps = (c?.localities ?? []).flatMap((l) => l.endpoints);
      return {
        // The locality names the backend so weights stay per backend.
        locality: { zone: b.cluster },
        loadBalancingWeight: b.weight,
        lbEndpoints: eps.map((e) => ({
          healthStatus: e.health === "Healthy" ? HealthStatus.HEALTHY : HealthStatus.DRAINING,
          hostIdentifier: {
            case: "endpoint" as const,
            value: { address: { address: { case: "socketAddress" as const, value: { protocol: SocketAddress_Protocol.UDP, address: e.address, portSpecifier: { case: "portValue" as const, value: e.port } } } } },
          },
        })),
      };
    })
    .filter((l) => l.lbEndpoints.length > 0);
  return { cluster, endpoints: create(ClusterLoadAssignmentSchema, { clusterName: name, endpoints: localities }) };
}

/**
 * The Envoy resources of a UDP Gateway port. Invalid backendRefs of a UDP
 * route drop their share of new sessions only when every backend is invalid
 * (udp_proxy cannot split to a missing cluster); that limit is documented.
 */
export function udpResources(l: IrListener, clusters: ReadonlyMap<string, IrCluster>, bindAddress = "0.0.0.0"): UdpOutput {
  const route = carrier(l);
  if (!route) return { clusters: [], endpoints: [] };
  const stat = statPrefix(l.name);
  const valid = route.backends.filter((b) => b.weight > 0);
  const out: UdpOutput = { clusters: [], endpoints: [] };
  let target: string;
  if (valid.length === 0) target = INVALID_BACKEND_CLUSTER;
  else if (valid.length === 1 && valid[0]) target = valid[0].cluster;
  else {
    const split = splitCluster(route, clusters);
    out.clusters.push(split.cluster);
    out.endpoints.push(split.endpoints);
    target = split.cluster.name;
  }
  out.listener = create(ListenerSchema, {
    name: l.name,
    address: {
      address: { case: "socketAddress", value: { protocol: SocketAddress_Protocol.UDP, address: bindAddress, portSpecifier: { case: "portValue", value: l.port } } },
    },
    statPrefix: stat,
    listenerFilters: [{ name: UDP_PROXY_FILTER, configType: { case: "typedConfig", value: anyPack(UdpProxyConfigSchema, udpProxy(target, stat)) } }],
  });
  return out;
}
