// A small model of how Envoy picks a virtual host and route from a
// RouteConfiguration, enough to check the traffic expectations of the
// conformance tests without an Envoy binary: domain precedence (exact, then
// longest `*.suffix`, then `*`), port ignored, first matching route wins.
// For TLS listeners, the filter chain Envoy picks by SNI and its tcp_proxy
// cluster.
import { fromBinary } from "@bufbuild/protobuf";
import type { FilterChain } from "../../src/gen/envoy/config/listener/v3/listener_components_pb.js";
import type { Listener } from "../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { TcpProxySchema } from "../../src/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js";
import type { HeaderMatcher } from "../../src/gen/envoy/config/route/v3/route_components_pb.js";
import type { Route } from "../../src/gen/envoy/config/route/v3/route_components_pb.js";
import type { RouteConfiguration } from "../../src/gen/envoy/config/route/v3/route_pb.js";
import type { StringMatcher } from "../../src/gen/envoy/type/matcher/v3/string_pb.js";

export interface SimRequest {
  host: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
}

function pickVirtualHost(rc: RouteConfiguration, host: string) {
  const h = host.toLowerCase().replace(/:\d+$/, "");
  const exact = rc.virtualHosts.find((vh) => vh.domains.includes(h));
  if (exact) return exact;
  let best: (typeof rc.virtualHosts)[number] | undefined;
  let bestLen = -1;
  for (const vh of rc.virtualHosts) {
    for (const d of vh.domains) {
      if (d.startsWith("*") && d !== "*" && h.endsWith(d.slice(1)) && h.length > d.length - 1 && d.length > bestLen) {
        best = vh;
        bestLen = d.length;
      }
    }
  }
  return best ?? rc.virtualHosts.find((vh) => vh.domains.includes("*"));
}

function full(re: string, s: string): boolean {
  return new RegExp(`^(?:${re})$`).test(s);
}

function stringMatches(m: StringMatcher | undefined, v: string | undefined): boolean {
  if (v === undefined || !m) return false;
  switch (m.matchPattern.case) {
    case "exact":
      return v === m.matchPattern.value;
    case "prefix":
      return v.startsWith(m.matchPattern.value);
    case "safeRegex":
      return full(m.matchPattern.value.regex, v);
    default:
      return false;
  }
}

function headerMatches(hm: HeaderMatcher, req: SimRequest): boolean {
  const v = hm.name === ":method" ? (req.method ?? "GET") : Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === hm.name)?.[1];
  const ok = hm.headerMatchSpecifier.case === "stringMatch" ? stringMatches(hm.headerMatchSpecifier.value, v) : v !== undefined;
  return hm.invertMatch ? !ok : ok;
}

function routeMatches(r: Route, req: SimRequest): boolean {
  const [path, query = ""] = req.path.split("?") as [string, string?];
  const m = r.match;
  if (!m) return false;
  const ps = m.pathSpecifier;
  switch (ps.case) {
    case "prefix":
      if (!path.startsWith(ps.value)) return false;
      break;
    case "path":
      if (path !== ps.value) return false;
      break;
    case "pathSeparatedPrefix":
      if (path !== ps.value && !path.startsWith(`${ps.value}/`)) return false;
      break;
    case "safeRegex":
      if (!full(ps.value.regex, path)) return false;
      break;
    default:
      return false;
  }
  if (!m.headers.every((h) => headerMatches(h, req))) return false;
  const params = new URLSearchParams(query);
  return m.queryParameters.every((q) => q.queryParameterMatchSpecifier.case === "stringMatch" && stringMatches(q.queryParameterMatchSpecifier.value, params.get(q.name) ?? undefined));
}

/** The route Envoy would pick, or undefined for a 404. */
export function pickRoute(rc: RouteConfiguration, req: SimRequest): Route | undefined {
  const vh = pickVirtualHost(rc, req.host);
  return vh?.routes.find((r) => routeMatches(r, req));
}

/** The single cluster a route forwards to (undefined for weighted/direct/redirect). */
export function clusterOf(r: Route | undefined): string | undefined {
  if (r?.action.case !== "route") return undefined;
  const cs = r.action.value.clusterSpecifier;
  return cs.case === "cluster" ? cs.value : undefined;
}

/** The path Envoy sends upstream after the route's prefix_rewrite / regex_rewrite. */
export function rewrittenPath(r: Route | undefined, requestPath: string): string | undefined {
  if (r?.action.case !== "route") return undefined;
  const a = r.action.value;
  const [path, query] = requestPath.split("?") as [string, string?];
  let out = path;
  if (a.prefixRewrite !== "") {
    const ps = r.match?.pathSpecifier;
    const prefix = ps?.case === "prefix" || ps?.case === "pathSeparatedPrefix" || ps?.case === "path" ? ps.value : "";
    out = a.prefixRewrite + path.slice(prefix.length);
  } else if (a.regexRewrite?.pattern) {
    out = path.replace(new RegExp(a.regexRewrite.pattern.regex, "g"), a.regexRewrite.substitution.replace(/\\(\d)/g, "$$$1"));
  }
  return query === undefined ? out : `${out}?${query}`;
}

/**
 * The filter chain Envoy picks for a TLS ClientHello with this SNI: an exact
 * server_names entry, else the longest `*.suffix` one (any number of labels),
 * else a chain without server_names, else the default chain. None closes the
 * connection.
 */
export function pickFilterChain(l: Listener, sni: string): FilterChain | undefined {
  const name = sni.toLowerCase();
  const exact = l.filterChains.find((c) => c.filterChainMatch?.serverNames.includes(name));
  if (exact) return exact;
  let best: FilterChain | undefined;
  let bestLen = -1;
  for (const c of l.filterChains) {
    for (const n of c.filterChainMatch?.serverNames ?? []) {
      if (n.startsWith("*.") && name.endsWith(n.slice(1)) && n.length > bestLen) {
        best = c;
        bestLen = n.length;
      }
    }
  }
  return best ?? l.filterChains.find((c) => (c.filterChainMatch?.serverNames.length ?? 0) === 0) ?? l.defaultFilterChain;
}

/** The single cluster a filter chain's tcp_proxy forwards to (undefined for weighted or other filters). */
export function tcpProxyCluster(c: FilterChain | undefined): string | undefined {
  const f = c?.filters.find((x) => x.name === "envoy.filters.network.tcp_proxy");
  if (f?.configType.case !== "typedConfig") return undefined;
  const tcp = fromBinary(TcpProxySchema, f.configType.value.value);
  return tcp.clusterSpecifier.case === "cluster" ? tcp.clusterSpecifier.value : undefined;
}
