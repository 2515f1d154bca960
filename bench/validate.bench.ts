// PGV validation cost: a 10,000-route RouteConfiguration, and a whole
// snapshot (listener, that route table, 1,000 clusters and their endpoints)
// through validateResources. Prints medians over repeated runs.
import { performance } from "node:perf_hooks";
import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import type { XdsResources } from "../src/api/xds.ts";
import { ClusterSchema, Cluster_DiscoveryType } from "../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema } from "../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema } from "../src/gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema } from "../src/gen/envoy/config/route/v3/route_pb.js";
import { RouterSchema } from "../src/gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import { HttpConnectionManagerSchema } from "../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { prepareValidation, validateMessage, validateResources } from "../src/xds/validate/index.ts";

const ROUTES = 10_000;
const PER_HOST = 100;
const CLUSTERS = 1_000;

function routeConfig() {
  return create(RouteConfigurationSchema, {
    name: "default/eg/http",
    virtualHosts: Array.from({ length: ROUTES / PER_HOST }, (_, h) => ({
      name: `default/eg/http/host-${h}.example.com`,
      domains: [`host-${h}.example.com`],
      routes: Array.from({ length: PER_HOST }, (_, i) => ({
        name: `httproute/default/r${h}/rule/${i}/match/0`,
        match: {
          pathSpecifier: { case: "pathSeparatedPrefix" as const, value: `/svc-${i}` },
          headers: [{ name: "x-tenant", headerMatchSpecifier: { case: "stringMatch" as const, value: { matchPattern: { case: "exact" as const, value: `t${i}` } } } }],
        },
        action: {
          case: "route" as const,
          value: {
            clusterSpecifier: {
              case: "weightedClusters" as const,
              value: { clusters: [{ name: `service/default/b${i % CLUSTERS}/8080`, weight: 80 }, { name: `service/default/b${(i + 1) % CLUSTERS}/8080`, weight: 20 }] },
            },
            timeout: { seconds: 15n },
          },
        },
        requestHeadersToAdd: [{ header: { key: "x-route", value: `${h}-${i}` } }],
      })),
    })),
  });
}

function snapshot(): XdsResources {
  const hcm = create(HttpConnectionManagerSchema, {
    statPrefix: "http",
    routeSpecifier: { case: "rds", value: { routeConfigName: "default/eg/http", configSource: { configSourceSpecifier: { case: "ads", value: {} } } } },
    httpFilters: [{ name: "envoy.filters.http.router", configType: { case: "typedConfig", value: anyPack(RouterSchema, create(RouterSchema)) } }],
  });
  return {
    listeners: [
      create(ListenerSchema, {
        name: "default/eg/http",
        address: { address: { case: "socketAddress", value: { address: "0.0.0.0", portSpecifier: { case: "portValue", value: 80 } } } },
        filterChains: [{ filters: [{ name: "hcm", configType: { case: "typedConfig", value: anyPack(HttpConnectionManagerSchema, hcm) } }] }],
      }),
    ],
    routes: [routeConfig()],
    clusters: Array.from({ length: CLUSTERS }, (_, i) =>
      create(ClusterSchema, {
        name: `service/default/b${i}/8080`,
        connectTimeout: { seconds: 5n },
        clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS },
        edsClusterConfig: { edsConfig: { configSourceSpecifier: { case: "ads", value: {} } } },
      }),
    ),
    endpoints: Array.from({ length: CLUSTERS }, (_, i) =>
      create(ClusterLoadAssignmentSchema, {
        clusterName: `service/default/b${i}/8080`,
        endpoints: [
          {
            lbEndpoints: Array.from({ length: 3 }, (_, e) => ({
              hostIdentifier: { case: "endpoint" as const, value: { address: { address: { case: "socketAddress" as const, value: { address: `10.0.${i % 256}.${e}`, portSpecifier: { case: "portValue" as const, value: 8080 } } } } } },
            })),
          },
        ],
      }),
    ),
    secrets: [],
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function time(label: string, runs: number, fn: () => number): void {
  const ms: number[] = [];
  let result = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    ms.push(performance.now() - t);
  }
  console.log(`${label}: median ${median(ms).toFixed(1)} ms over ${runs} runs (min ${Math.min(...ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)}); result ${result}`);
}

const rc = routeConfig();
const cold = performance.now();
const types = prepareValidation();
console.log(`prepareValidation: plans for ${types} message types in ${(performance.now() - cold).toFixed(1)} ms`);
time(`validateMessage, RouteConfiguration with ${ROUTES} routes`, 21, () => validateMessage(RouteConfigurationSchema, rc).length);
const snap = snapshot();
time(`validateResources, listener + ${ROUTES} routes + ${CLUSTERS} clusters + ${CLUSTERS} CLAs`, 11, () => validateResources(snap).failures.length);
console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
