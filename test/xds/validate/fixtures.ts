// Small valid Envoy resources, the shapes the translator emits.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { ClusterSchema, Cluster_DiscoveryType, type Cluster } from "../../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema, type ClusterLoadAssignment } from "../../../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema, type Listener } from "../../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema, type RouteConfiguration } from "../../../src/gen/envoy/config/route/v3/route_pb.js";
import { RouteSchema } from "../../../src/gen/envoy/config/route/v3/route_components_pb.js";
import { RouterSchema } from "../../../src/gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import {
  HttpConnectionManagerSchema,
  type HttpConnectionManager,
} from "../../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { SecretSchema, type Secret } from "../../../src/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { DownstreamTlsContextSchema, UpstreamTlsContextSchema } from "../../../src/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";

export function okHcm(extra: MessageInitShape<typeof HttpConnectionManagerSchema> = {}, routeName = "rc"): HttpConnectionManager {
  return create(HttpConnectionManagerSchema, {
    statPrefix: "http",
    routeSpecifier: { case: "rds", value: { routeConfigName: routeName, configSource: { configSourceSpecifier: { case: "ads", value: {} }, resourceApiVersion: 2 } } },
    httpFilters: [{ name: "envoy.filters.http.router", configType: { case: "typedConfig", value: anyPack(RouterSchema, create(RouterSchema)) } }],
    ...extra,
  });
}

export function okListener(name = "l", opts: { route?: string; secret?: string; hcm?: HttpConnectionManager } = {}): Listener {
  const hcm = opts.hcm ?? okHcm({}, opts.route ?? "rc");
  const transportSocket = opts.secret
    ? {
        name: "envoy.transport_sockets.tls",
        configType: {
          case: "typedConfig" as const,
          value: anyPack(
            DownstreamTlsContextSchema,
            create(DownstreamTlsContextSchema, {
              commonTlsContext: { tlsCertificateSdsSecretConfigs: [{ name: opts.secret, sdsConfig: { configSourceSpecifier: { case: "ads", value: {} }, resourceApiVersion: 2 } }] },
            }),
          ),
        },
      }
    : undefined;
  return create(ListenerSchema, {
    name,
    address: { address: { case: "socketAddress", value: { address: "0.0.0.0", portSpecifier: { case: "portValue", value: 8080 } } } },
    filterChains: [
      {
        transportSocket,
        filters: [{ name: "envoy.filters.network.http_connection_manager", configType: { case: "typedConfig", value: anyPack(HttpConnectionManagerSchema, hcm) } }],
      },
    ],
  });
}

export function okRouteConfig(name = "rc", clusters: string[] = ["c"], extra: MessageInitShape<typeof RouteConfigurationSchema> = {}): RouteConfiguration {
  return create(RouteConfigurationSchema, {
    name,
    virtualHosts: [
      {
        name: "vh",
        domains: ["example.com", "*.example.org"],
        routes: clusters.map((c): MessageInitShape<typeof RouteSchema> => ({
          match: { pathSpecifier: { case: "prefix", value: "/" }, headers: [{ name: ":method", headerMatchSpecifier: { case: "stringMatch", value: { matchPattern: { case: "exact", value: "GET" } } } }] },
          action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: c }, timeout: { seconds: 15n } } },
        })),
      },
    ],
    ...extra,
  });
}

export function okCluster(name = "c", opts: { secret?: string } = {}): Cluster {
  return create(ClusterSchema, {
    name,
    connectTimeout: { seconds: 5n },
    clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS },
    edsClusterConfig: { edsConfig: { configSourceSpecifier: { case: "ads", value: {} }, resourceApiVersion: 2 } },
    transportSocket: opts.secret
      ? {
          name: "envoy.transport_sockets.tls",
          configType: {
            case: "typedConfig",
            value: anyPack(
              UpstreamTlsContextSchema,
              create(UpstreamTlsContextSchema, {
                sni: "backend.example.com",
                commonTlsContext: { validationContextType: { case: "validationContextSdsSecretConfig", value: { name: opts.secret } } },
              }),
            ),
          },
        }
      : undefined,
  });
}

export function okCla(clusterName = "c"): ClusterLoadAssignment {
  return create(ClusterLoadAssignmentSchema, {
    clusterName,
    endpoints: [
      {
        locality: { zone: "z" },
        lbEndpoints: [
          {
            hostIdentifier: {
              case: "endpoint",
              value: { address: { address: { case: "socketAddress", value: { address: "10.0.0.1", portSpecifier: { case: "portValue", value: 8080 } } } } },
            },
          },
        ],
      },
    ],
  });
}

export function okSecret(name = "s"): Secret {
  return create(SecretSchema, {
    name,
    type: {
      case: "tlsCertificate",
      value: {
        certificateChain: { specifier: { case: "inlineString", value: "-----BEGIN CERTIFICATE-----" } },
        privateKey: { specifier: { case: "inlineString", value: "-----BEGIN PRIVATE KEY-----" } },
      },
    },
  });
}
