// IR mesh -> the mesh snapshot: per Service port an api_listener (the form a
// proxyless gRPC client asks for by its target name) whose connection manager
// fetches a RouteConfiguration over RDS on the ADS stream, EDS Clusters and
// ClusterLoadAssignments. Routes are spelled by the Gateway emitters
// (route.ts, cluster.ts, endpoint.ts); only two spellings change, so that a
// gRPC client accepts them and Envoy behaves the same:
// - PathPrefix "/p" -> safe_regex `^/p(/.*)?$` (gRPC has no path_separated_prefix), and so a
//   ReplacePrefixMatch rewrite -> a regex_rewrite of `^/p` (a prefix_rewrite would replace the
//   whole path the regex matched; gRPC clients ignore path rewrites, Envoy applies them);
// - a direct 500 (rule without valid backends) -> the invalid-backend
//   cluster (gRPC has no direct_response). Unlike in Gateway snapshots that
//   cluster is sent, with no endpoints: a gRPC client waits for every
//   cluster a route table names, so a missing one would stall the whole
//   table; an empty one fails just those calls with UNAVAILABLE (Envoy: 503);
// - per-route filter configs (CORS, session persistence) are wrapped in an
//   optional FilterConfig: Envoy applies them, a gRPC client, which runs none
//   of those filters, ignores them instead of rejecting the route table.
import { create } from "@bufbuild/protobuf";
import { anyPack, type Any } from "@bufbuild/protobuf/wkt";
import { FilterConfigSchema } from "../../gen/envoy/config/route/v3/route_components_pb.js";
import type { RouteConfiguration } from "../../gen/envoy/config/route/v3/route_pb.js";
import type { XdsResources } from "../../api/xds.ts";
import { ListenerSchema, type Listener } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import { RouterSchema } from "../../gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import { HttpConnectionManagerSchema } from "../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import type { IrListener, IrMatch, IrMesh, IrRoute, IrRouteAction } from "../ir.ts";
import { emitCluster } from "./cluster.ts";
import { adsConfigSource, escapeRegex, pack } from "./common.ts";
import { emitEndpoints } from "./endpoint.ts";
import type { EmitHooks } from "./hooks.ts";
import { HCM_FILTER, ROUTER_FILTER } from "./listener.ts";
import { TrafficDirection } from "../../gen/envoy/config/core/v3/base_pb.js";
import { INVALID_BACKEND_CLUSTER, statPrefix } from "../names.ts";
import { emitRouteConfiguration } from "./route.ts";

/**
 * The api_listener's connection manager depends only on the route
 * configuration it reads (stats are named after it too), so listeners that
 * share one (a consumer view's aliases of the producer view) share its bytes.
 */
function meshHcm(routeConfigName: string): Any {
  return pack(HttpConnectionManagerSchema, {
    statPrefix: statPrefix(routeConfigName),
    routeSpecifier: { case: "rds", value: { configSource: adsConfigSource(), routeConfigName } },
    // gRPC clients accept only filters they implement, with the router last.
    httpFilters: [{ name: ROUTER_FILTER, configType: { case: "typedConfig", value: pack(RouterSchema, {}) } }],
  });
}

export function emitMeshListener(name: string, hcm: Any): Listener {
  return create(ListenerSchema, { name, apiListener: { apiListener: hcm } });
}

/**
 * An Envoy sidecar's outbound listener for a Service port: the cluster IP and port a client dials, with
 * the api_listener's connection manager (so the same route table). freebind: the cluster IP is no
 * address of the sidecar's host; how the client's traffic is brought to it is the platform's part.
 */
export function emitSidecarListener(s: { name: string; ip: string; port: number }, hcm: Any): Listener {
  return create(ListenerSchema, {
    name: s.name,
    address: { address: { case: "socketAddress", value: { address: s.ip, portSpecifier: { case: "portValue", value: s.port } } } },
    freebind: true,
    trafficDirection: TrafficDirection.OUTBOUND,
    filterChains: [{ filters: [{ name: HCM_FILTER, configType: { case: "typedConfig", value: hcm } }] }],
  });
}

function meshMatch(m: IrMatch): IrMatch {
  if (m.path.type !== "PathPrefix" || m.path.value === "/") return m;
  return { ...m, path: { type: "RegularExpression", value: `^${escapeRegex(m.path.value)}(/.*)?$` } };
}

function meshAction(a: IrRouteAction): IrRouteAction {
  if (a.kind !== "direct") return a;
  return { kind: "forward", backends: [], invalidWeight: 1, mirrors: [] };
}

function meshRoute(r: IrRoute): IrRoute {
  return { ...r, match: meshMatch(r.match), action: meshAction(r.action) };
}

function usesInvalidBackend(r: IrRoute): boolean {
  return r.action.kind === "direct" || (r.action.kind === "forward" && r.action.invalidWeight > 0);
}

function optionalFilterConfigs(rc: RouteConfiguration): RouteConfiguration {
  for (const vh of rc.virtualHosts) {
    for (const r of vh.routes) {
      for (const [name, config] of Object.entries(r.typedPerFilterConfig)) {
        r.typedPerFilterConfig[name] = anyPack(FilterConfigSchema, create(FilterConfigSchema, { config, isOptional: true }));
      }
    }
  }
  return rc;
}

export function emitMesh(ir: IrMesh, features: readonly EmitHooks[]): XdsResources {
  const out: XdsResources = { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] };
  const hcms = new Map<string, Any>();
  for (const l of ir.listeners) {
    let hcm = hcms.get(l.routeConfigName);
    if (!hcm) hcms.set(l.routeConfigName, (hcm = meshHcm(l.routeConfigName)));
    out.listeners.push(emitMeshListener(l.name, hcm));
    if (l.sidecar) out.listeners.push(emitSidecarListener(l.sidecar, hcm));
  }
  // Listener order is by name, as the IR's (sidecar names sort apart from the api_listeners').
  out.listeners.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const rc of ir.routeConfigs) {
    // One catch-all virtual host: the listener already picked the Service port.
    const facade: IrListener = {
      name: rc.name,
      routeConfigName: rc.name,
      port: 0,
      protocol: "HTTP",
      filterChains: [],
      virtualHosts: [{ name: rc.name, domains: ["*"], routes: rc.routes.map(meshRoute) }],
      l4Routes: [],
    };
    out.routes.push(optionalFilterConfigs(emitRouteConfiguration(facade, features, { prefixAsRegex: true })));
  }
  const irClusters = [...ir.clusters.values()];
  if (ir.routeConfigs.some((rc) => rc.routes.some(usesInvalidBackend))) {
    irClusters.push({ name: INVALID_BACKEND_CLUSTER, protocol: "http1", localities: [] });
  }
  const clusters = irClusters.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const c of clusters) {
    out.clusters.push(emitCluster(c));
    out.endpoints.push(emitEndpoints(c));
  }
  return out;
}
