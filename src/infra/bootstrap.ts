// The Envoy bootstrap that points a Gateway's Envoy at switchyard: ADS for
// everything dynamic, node.cluster set to the Gateway key, an admin on loopback
// and a readiness listener, as Envoy Gateway users know them.
import { fromJson, toJson, type JsonObject } from "@bufbuild/protobuf";
import { BootstrapSchema } from "../gen/envoy/config/bootstrap/v3/bootstrap_pb.js";
import { registry } from "../gen/registry.js";
import { RE2_MAX_PROGRAM_SIZE } from "../api/re2-limits.ts";

export interface BootstrapOptions {
  /** Gateway `namespace/name`; becomes node.cluster, which selects the snapshot. */
  gateway: string;
  /** node.id; Envoy's --service-node overrides it (a pod name in Kubernetes). */
  nodeId?: string;
  xdsHost: string;
  xdsPort: number;
  /** Use the incremental (Delta) ADS protocol instead of State-of-the-World. */
  delta?: boolean;
  adminPort?: number;
  readinessPort?: number;
  /** Extra fields for the xds_cluster (e.g. a transport_socket for mTLS), as proto3 JSON. */
  xdsClusterExtra?: JsonObject;
}

const GATEWAY_KEY = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function bootstrapJson(opts: BootstrapOptions): JsonObject {
  if (!GATEWAY_KEY.test(opts.gateway)) {
    throw new Error(`--gateway must be namespace/name of a Gateway, got ${JSON.stringify(opts.gateway)}`);
  }
  const [ns, name] = opts.gateway.split("/") as [string, string];
  const ads = { ads: {}, resourceApiVersion: "V3" };
  const json: JsonObject = {
    node: { id: opts.nodeId ?? `envoy-${ns}-${name}`, cluster: opts.gateway },
    dynamicResources: {
      adsConfig: {
        apiType: opts.delta ? "DELTA_GRPC" : "GRPC",
        transportApiVersion: "V3",
        setNodeOnFirstMessageOnly: true,
        grpcServices: [{ envoyGrpc: { clusterName: "xds_cluster" } }],
      },
      ldsConfig: ads,
      cdsConfig: ads,
    },
    staticResources: {
      clusters: [
        {
          name: "xds_cluster",
          type: "STRICT_DNS",
          connectTimeout: "5s",
          loadAssignment: {
            clusterName: "xds_cluster",
            endpoints: [{ lbEndpoints: [{ endpoint: { address: { socketAddress: { address: opts.xdsHost, portValue: opts.xdsPort } } } }] }],
          },
          typedExtensionProtocolOptions: {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
              "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
              explicitHttpConfig: { http2ProtocolOptions: { connectionKeepalive: { interval: "30s", timeout: "5s" } } },
            },
          },
          ...opts.xdsClusterExtra,
        },
      ],
      listeners: [readinessListener(opts.readinessPort ?? 19003)],
    },
    admin: { address: { socketAddress: { address: "127.0.0.1", portValue: opts.adminPort ?? 19000 } } },
    layeredRuntime: {
      layers: [
        // The translator refuses regexes over this size (src/api/re2-limits.ts); Envoy must accept
        // every one below it. Envoy's own default (100) would NACK a route table over one `\w{100}`.
        {
          name: "switchyard",
          staticLayer: { "re2.max_program_size.error_level": RE2_MAX_PROGRAM_SIZE, "re2.max_program_size.warn_level": RE2_MAX_PROGRAM_SIZE },
        },
        // Keeps /runtime_modify on the admin port working, as it does without a layered runtime.
        { name: "admin", adminLayer: {} },
      ],
    },
  };
  // Round-trip through the generated type: a typo in a field name fails here, not in Envoy.
  return toJson(BootstrapSchema, fromJson(BootstrapSchema, json, { registry }), { registry }) as JsonObject;
}

/** GET /ready on this port answers 200 while Envoy is live and not draining. */
function readinessListener(port: number): JsonObject {
  return {
    name: "envoy-readiness",
    address: { socketAddress: { address: "0.0.0.0", portValue: port } },
    filterChains: [
      {
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typedConfig: {
              "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
              statPrefix: "envoy-readiness",
              routeConfig: { name: "envoy-readiness", virtualHosts: [{ name: "readiness", domains: ["*"], routes: [{ match: { prefix: "/" }, directResponse: { status: 404 } }] }] },
              httpFilters: [
                {
                  name: "envoy.filters.http.health_check",
                  typedConfig: {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck",
                    passThroughMode: false,
                    headers: [{ name: ":path", stringMatch: { exact: "/ready" } }],
                  },
                },
                { name: "envoy.filters.http.router", typedConfig: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } },
              ],
            },
          },
        ],
      },
    ],
  };
}
