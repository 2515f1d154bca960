// Hand-built Envoy resources for the xDS tests: an api_listener Listener whose
// HttpConnectionManager reads its routes over ADS, a RouteConfiguration, EDS
// Clusters and their ClusterLoadAssignments. Independent of the translator.
import { create } from "@bufbuild/protobuf";
import { anyPack, DurationSchema } from "@bufbuild/protobuf/wkt";
import { ClusterSchema, Cluster_DiscoveryType, Cluster_LbPolicy, type Cluster } from "../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { AggregatedConfigSourceSchema, ConfigSourceSchema } from "../../src/gen/envoy/config/core/v3/config_source_pb.js";
import { SocketAddressSchema, AddressSchema } from "../../src/gen/envoy/config/core/v3/address_pb.js";
import { LocalitySchema } from "../../src/gen/envoy/config/core/v3/base_pb.js";
import {
  ClusterLoadAssignmentSchema,
  type ClusterLoadAssignment,
} from "../../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { LbEndpointSchema, LocalityLbEndpointsSchema, EndpointSchema } from "../../src/gen/envoy/config/endpoint/v3/endpoint_components_pb.js";
import { ApiListenerSchema } from "../../src/gen/envoy/config/listener/v3/api_listener_pb.js";
import { ListenerSchema, type Listener } from "../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema, type RouteConfiguration } from "../../src/gen/envoy/config/route/v3/route_pb.js";
import { RouteSchema, RouteActionSchema, RouteMatchSchema, VirtualHostSchema } from "../../src/gen/envoy/config/route/v3/route_components_pb.js";
import { RouterSchema } from "../../src/gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import {
  HttpConnectionManagerSchema,
  HttpFilterSchema,
  RdsSchema,
} from "../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { emptyResources, type XdsResources } from "../../src/api/xds.ts";

const ads = () => create(ConfigSourceSchema, { configSourceSpecifier: { case: "ads", value: create(AggregatedConfigSourceSchema) } });

export function apiListener(name: string, routeConfigName: string): Listener {
  const hcm = create(HttpConnectionManagerSchema, {
    statPrefix: name,
    routeSpecifier: { case: "rds", value: create(RdsSchema, { routeConfigName, configSource: ads() }) },
    httpFilters: [create(HttpFilterSchema, { name: "router", configType: { case: "typedConfig", value: anyPack(RouterSchema, create(RouterSchema)) } })],
  });
  return create(ListenerSchema, {
    name,
    apiListener: create(ApiListenerSchema, { apiListener: anyPack(HttpConnectionManagerSchema, hcm) }),
  });
}

/** One virtual host for `domains`; each [prefix, cluster] pair is a route. */
export function routeConfig(name: string, domains: string[], routes: [string, string][]): RouteConfiguration {
  return create(RouteConfigurationSchema, {
    name,
    virtualHosts: [
      create(VirtualHostSchema, {
        name: `${name}/vh`,
        domains,
        routes: routes.map(([prefix, cluster]) =>
          create(RouteSchema, {
            match: create(RouteMatchSchema, { pathSpecifier: { case: "prefix", value: prefix } }),
            action: { case: "route", value: create(RouteActionSchema, { clusterSpecifier: { case: "cluster", value: cluster } }) },
          }),
        ),
      }),
    ],
  });
}

export function edsCluster(name: string): Cluster {
  return create(ClusterSchema, {
    name,
    clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS },
    edsClusterConfig: { edsConfig: ads() },
    lbPolicy: Cluster_LbPolicy.ROUND_ROBIN,
    connectTimeout: create(DurationSchema, { seconds: 1n }),
  });
}

export function endpoints(clusterName: string, addrs: [string, number][]): ClusterLoadAssignment {
  return create(ClusterLoadAssignmentSchema, {
    clusterName,
    endpoints: [
      create(LocalityLbEndpointsSchema, {
        locality: create(LocalitySchema, { region: "r", zone: "z" }),
        loadBalancingWeight: 1,
        lbEndpoints: addrs.map(([ip, port]) =>
          create(LbEndpointSchema, {
            hostIdentifier: {
              case: "endpoint",
              value: create(EndpointSchema, {
                address: create(AddressSchema, {
                  address: { case: "socketAddress", value: create(SocketAddressSchema, { address: ip, portSpecifier: { case: "portValue", value: port } }) },
                }),
              }),
            },
          }),
        ),
      }),
    ],
  });
}

/** A listener -> route config -> cluster -> endpoints chain named after `name`. */
export function chain(name: string, addrs: [string, number][] = [["127.0.0.1", 1]]): XdsResources {
  const r = emptyResources();
  r.listeners.push(apiListener(name, `${name}-routes`));
  r.routes.push(routeConfig(`${name}-routes`, ["*"], [["/", `${name}-cluster`]]));
  r.clusters.push(edsCluster(`${name}-cluster`));
  r.endpoints.push(endpoints(`${name}-cluster`, addrs));
  return r;
}

export function merge(...parts: XdsResources[]): XdsResources {
  const r = emptyResources();
  for (const p of parts) {
    r.listeners.push(...p.listeners);
    r.routes.push(...p.routes);
    r.clusters.push(...p.clusters);
    r.endpoints.push(...p.endpoints);
    r.secrets.push(...p.secrets);
  }
  return r;
}
