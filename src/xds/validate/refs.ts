// The names one resource refers to, for withholding dependants of a failed
// resource: Listener -> RouteConfiguration (RDS), Secret (SDS) and, through
// an inline route table, Cluster; Cluster -> Secret; RouteConfiguration ->
// Cluster. Only what decides withholding is collected (see resources.ts).
import { anyUnpack, type Any } from "@bufbuild/protobuf/wkt";
import type { Cluster } from "../../gen/envoy/config/cluster/v3/cluster_pb.js";
import type { Listener } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import type { FilterChain } from "../../gen/envoy/config/listener/v3/listener_components_pb.js";
import type { RouteConfiguration } from "../../gen/envoy/config/route/v3/route_pb.js";
import { HttpConnectionManagerSchema } from "../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import type { CommonTlsContext } from "../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { DownstreamTlsContextSchema, UpstreamTlsContextSchema } from "../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";

export interface ListenerRefs {
  routes: Set<string>;
  secrets: Set<string>;
  /** Clusters named by inline route tables that Envoy validates (validate_clusters defaults to true there). */
  clusters: Set<string>;
}

function unpack<D extends DescMessage>(any: Any | undefined, schema: D): MessageShape<D> | undefined {
  if (!any) return undefined;
  try {
    return anyUnpack(any, schema);
  } catch {
    return undefined; // undecodable bytes are reported by validation itself
  }
}

function tlsSecrets(ctx: CommonTlsContext | undefined, into: Set<string>): void {
  if (!ctx) return;
  for (const s of ctx.tlsCertificateSdsSecretConfigs) into.add(s.name);
  const v = ctx.validationContextType;
  if (v.case === "validationContextSdsSecretConfig") into.add(v.value.name);
  if (v.case === "combinedValidationContext" && v.value.validationContextSdsSecretConfig) {
    into.add(v.value.validationContextSdsSecretConfig.name);
  }
}

function filterChainRefs(fc: FilterChain | undefined, refs: ListenerRefs): void {
  if (!fc) return;
  const tls = unpack(anyOf(fc.transportSocket), DownstreamTlsContextSchema);
  if (tls) {
    tlsSecrets(tls.commonTlsContext, refs.secrets);
    if (tls.sessionTicketKeysType.case === "sessionTicketKeysSdsSecretConfig") refs.secrets.add(tls.sessionTicketKeysType.value.name);
  }
  for (const f of fc.filters) {
    if (f.configType.case === "typedConfig") hcmRefs(f.configType.value, refs);
  }
}

function anyOf(ts: { configType: { case: string | undefined; value?: unknown } } | undefined): Any | undefined {
  return ts?.configType.case === "typedConfig" ? (ts.configType.value as Any) : undefined;
}

function hcmRefs(any: Any, refs: ListenerRefs): void {
  const hcm = unpack(any, HttpConnectionManagerSchema);
  if (!hcm) return;
  const r = hcm.routeSpecifier;
  if (r.case === "rds") refs.routes.add(r.value.routeConfigName);
  if (r.case === "routeConfig" && r.value.validateClusters !== false) {
    for (const c of routeClusters(r.value)) refs.clusters.add(c);
  }
}

export function listenerRefs(l: Listener): ListenerRefs {
  const refs: ListenerRefs = { routes: new Set(), secrets: new Set(), clusters: new Set() };
  for (const fc of l.filterChains) filterChainRefs(fc, refs);
  filterChainRefs(l.defaultFilterChain, refs);
  const api = l.apiListener?.apiListener;
  if (api) hcmRefs(api, refs);
  return refs;
}

export function clusterSecrets(c: Cluster): Set<string> {
  const out = new Set<string>();
  const sockets = [c.transportSocket, ...c.transportSocketMatches.map((m) => m.transportSocket)];
  for (const ts of sockets) {
    const tls = unpack(anyOf(ts), UpstreamTlsContextSchema);
    if (tls) tlsSecrets(tls.commonTlsContext, out);
  }
  return out;
}

/** Every cluster a route table names: route targets, weighted clusters and mirrors. */
export function routeClusters(rc: RouteConfiguration): Set<string> {
  const out = new Set<string>();
  for (const vh of rc.virtualHosts) {
    for (const m of vh.requestMirrorPolicies) out.add(m.cluster);
    for (const r of vh.routes) {
      if (r.action.case !== "route") continue;
      const a = r.action.value;
      const cs = a.clusterSpecifier;
      if (cs.case === "cluster") out.add(cs.value);
      if (cs.case === "weightedClusters") for (const w of cs.value.clusters) out.add(w.name);
      for (const m of a.requestMirrorPolicies) out.add(m.cluster);
    }
  }
  return out;
}
