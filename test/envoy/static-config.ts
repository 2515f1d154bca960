// Turns one snapshot (proto3 JSON, the form `translate` prints) into a static Envoy bootstrap, so that
// `envoy --mode validate` checks it the way a live Envoy would check it over xDS: listeners get their
// RouteConfiguration inlined in place of RDS, EDS clusters their ClusterLoadAssignment, and SDS
// secrets become static secrets. The rest of the bootstrap (runtime, admin) is the one users run.
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import type { ResourcesJson } from "../../src/api/xds-json.ts";
import { bootstrapJson } from "../../src/infra/bootstrap.ts";

function strip(o: JsonObject): JsonObject {
  const { ["@type"]: _t, ...rest } = o;
  return rest;
}

/**
 * A mesh snapshot's listeners are api_listeners (what a proxyless gRPC client asks for by name);
 * Envoy takes only one of those. Each becomes a plain HTTP listener on 127.0.0.1 with the same
 * connection manager, from `firstPort` up, so that every mesh RouteConfiguration is checked too.
 */
export function meshAsSocketListeners(r: ResourcesJson, firstPort = 20000): ResourcesJson {
  const listener = r.listener.map((l, i) => {
    const api = (l["apiListener"] as JsonObject | undefined)?.["apiListener"];
    if (!api) return l;
    const { apiListener: _a, ...rest } = l;
    return {
      ...rest,
      address: { socketAddress: { address: "127.0.0.1", portValue: firstPort + i } },
      filterChains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typedConfig: api }] }],
    };
  });
  return { ...r, listener };
}

export function staticConfig(r: ResourcesJson, gateway = "default/eg"): JsonObject {
  const routes = new Map(r.route.map((x) => [String(x["name"]), strip(x)]));
  const cla = new Map(r.endpoint.map((x) => [String(x["clusterName"]), strip(x)]));
  const missing: string[] = [];

  const inline = (v: JsonValue): JsonValue => {
    if (Array.isArray(v)) return v.map(inline);
    if (v === null || typeof v !== "object") return v;
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "rds" && x && typeof x === "object" && !Array.isArray(x)) {
        const name = String(x["routeConfigName"]);
        const rc = routes.get(name);
        if (!rc) missing.push(`route ${name}`);
        // Over RDS Envoy does not require a route's clusters to exist (validate_clusters defaults to
        // false there, true for an inline route_config); keep the RDS meaning.
        out["routeConfig"] = { validateClusters: false, ...(rc ?? { name }) };
      } else if (k === "sdsConfig") {
        // a static secret of the same name replaces the SDS subscription
      } else {
        out[k] = inline(x as JsonValue);
      }
    }
    return out;
  };

  const clusters = r.cluster.map((c0) => {
    const c = inline(strip(c0)) as JsonObject;
    if (c["type"] !== "EDS") return c;
    const name = String((c["edsClusterConfig"] as JsonObject | undefined)?.["serviceName"] ?? c["name"]);
    const { edsClusterConfig: _e, ...rest } = c;
    const la = cla.get(name);
    if (!la) missing.push(`endpoints ${name}`);
    return { ...rest, type: "STATIC", loadAssignment: la ?? { clusterName: name } };
  });

  const base = bootstrapJson({ gateway, xdsHost: "127.0.0.1", xdsPort: 18000 });
  const { dynamicResources: _d, ...boot } = base;
  const statics = (boot["staticResources"] ?? {}) as JsonObject;
  const config: JsonObject = {
    ...boot,
    staticResources: {
      listeners: [...((statics["listeners"] as JsonValue[] | undefined) ?? []), ...r.listener.map((l) => inline(strip(l)))],
      clusters: [...((statics["clusters"] as JsonValue[] | undefined) ?? []).filter((c) => (c as JsonObject)["name"] !== "xds_cluster"), ...clusters],
      secrets: r.secret.map((s) => strip(s)),
    },
  };
  if (missing.length) throw new Error(`snapshot references what it does not hold: ${missing.join(", ")}`);
  return config;
}
