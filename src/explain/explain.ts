// Walks a Gateway's translated xDS the way Envoy handles one request: listener by port, filter
// chain by SNI, then HTTP connection manager -> virtual host -> route -> cluster -> endpoints (or
// tcp_proxy -> cluster), recording at each step what was chosen, why, and why the nearest
// other candidates were not. Pure: the same snapshot and request give the same answer.
import { headerMatch, parseQuery, pathMatch, queryMatch, routingPath, type Headers, type Miss } from "./match.ts";
import { selectFilterChain, selectVirtualHost } from "./select.ts";
import type { Backend, Candidate, Endpoint, ExplainRequest, Explanation, Json, Outcome, SnapshotJson, Step } from "./types.ts";

const HCM = "envoy.filters.network.http_connection_manager";
const TCP_PROXY = "envoy.filters.network.tcp_proxy";
/** How many non-matching candidates a step lists. */
const MAX_REJECTED = 8;

const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export function portOf(listener: Json): number | undefined {
  const p = obj(obj(obj(listener.address)?.socketAddress))?.portValue;
  return typeof p === "number" ? p : undefined;
}

/** `httproute/default/shop/rule/0/match/1` -> `HTTPRoute default/shop rule 0 match 1`. */
export function routeSource(name: string): string | undefined {
  const m = /^(httproute|grpcroute|tlsroute|tcproute|udproute)\/([^/]+)\/([^/]+)\/rule\/([^/]+)\/match\/(\d+)$/.exec(name);
  if (!m) return undefined;
  const kind = { httproute: "HTTPRoute", grpcroute: "GRPCRoute", tlsroute: "TLSRoute", tcproute: "TCPRoute", udproute: "UDPRoute" }[m[1]!];
  return `${kind} ${m[2]}/${m[3]} rule ${m[4]} match ${m[5]}`;
}

/** `service/default/shop-v2/8080` -> `Service default/shop-v2 port 8080`. */
export function clusterSource(name: string): string | undefined {
  const m = /^service\/([^/]+)\/([^/]+)\/(\d+)$/.exec(name);
  return m ? `Service ${m[1]}/${m[2]} port ${m[3]}` : undefined;
}

function chooseListener(listeners: Json[], req: ExplainRequest): { listener?: Json; step: Step } {
  const named = (l: Json) => str(l.name) ?? "(unnamed)";
  if (listeners.length === 0) return { step: { stage: "listener", reason: "the Gateway has no listeners in its snapshot" } };
  let port = req.port;
  let how = "";
  if (port === undefined) {
    const ports = [...new Set(listeners.map(portOf))];
    const usual = req.sni !== undefined ? 443 : 80;
    port = ports.length === 1 ? ports[0] : ports.includes(usual) ? usual : ports[0];
    how = ports.length === 1 ? " (the only port)" : port === usual ? ` (no port given: ${usual} for ${usual === 443 ? "HTTPS" : "HTTP"})` : " (no port given: the first listener's)";
  }
  const listener = listeners.find((l) => portOf(l) === port);
  const rejected = listeners
    .filter((l) => l !== listener)
    .sort((a, b) => (portOf(a) ?? 0) - (portOf(b) ?? 0))
    .map((l) => ({ name: named(l), reason: `listens on port ${portOf(l)}` }));
  if (!listener) return { step: { stage: "listener", reason: `no listener on port ${port}: the connection is refused`, rejected } };
  return { listener, step: { stage: "listener", chosen: named(listener), reason: `it listens on port ${port}${how}`, rejected } };
}

function typedConfig(filter: Json): Json {
  return obj(filter.typedConfig) ?? {};
}

/** Everything a route's match asks, in Envoy's order; the first miss is the reason. */
function routeMiss(match: Json, path: string, headers: Headers, query: ReadonlyMap<string, string>): { miss: Miss; misses: number } {
  const misses: string[] = [];
  const p = pathMatch(match, path);
  if (p) misses.push(p);
  for (const h of arr(match.headers)) {
    const r = headerMatch(h, headers);
    if (r) misses.push(r);
  }
  for (const q of arr(match.queryParameters)) {
    const r = queryMatch(q, query);
    if (r) misses.push(r);
  }
  if (obj(match.grpc) && !(headers.get("content-type") ?? "").startsWith("application/grpc")) misses.push("matches only gRPC requests");
  return { miss: misses.length ? misses.join("; ") : undefined, misses: misses.length };
}

function endpointsOf(snapshot: SnapshotJson, cluster: Json | undefined, name: string): Endpoint[] {
  if (!cluster) return [];
  const eds = obj(cluster.edsClusterConfig);
  const cla = eds ? (snapshot.endpoint ?? []).find((e) => e.clusterName === (str(eds.serviceName) ?? name)) : obj(cluster.loadAssignment);
  const out: Endpoint[] = [];
  for (const group of arr(cla?.endpoints)) {
    const zone = str(obj(group.locality)?.zone);
    for (const lb of arr(group.lbEndpoints)) {
      const sa = obj(obj(obj(lb.endpoint)?.address)?.socketAddress);
      const address = sa ? `${String(sa.address)}:${String(sa.portValue ?? "")}` : "(no address)";
      out.push({ address, health: str(lb.healthStatus) ?? "UNKNOWN", ...(zone ? { zone } : {}) });
    }
  }
  return out;
}

function backendsOf(snapshot: SnapshotJson, targets: { name: string; weight?: number }[]): Backend[] {
  const total = targets.reduce((s, t) => s + (t.weight ?? 1), 0);
  return targets.map((t) => {
    const cluster = (snapshot.cluster ?? []).find((c) => c.name === t.name);
    const service = clusterSource(t.name);
    return {
      cluster: t.name,
      share: total > 0 ? (t.weight ?? 1) / total : 0,
      ...(t.weight !== undefined ? { weight: t.weight } : {}),
      ...(service ? { service } : {}),
      exists: cluster !== undefined,
      endpoints: endpointsOf(snapshot, cluster, t.name),
    };
  });
}

function pct(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** The cluster and endpoints steps, and the outcome, for a set of weighted targets. */
function forward(snapshot: SnapshotJson, targets: { name: string; weight?: number }[], steps: Step[], via: string): Outcome {
  const backends = backendsOf(snapshot, targets);
  for (const b of backends) {
    const share = backends.length > 1 ? `${pct(b.share)} of requests (weight ${b.weight ?? 1} of ${backends.reduce((s, x) => s + (x.weight ?? 1), 0)})` : "every request";
    steps.push({
      stage: "cluster",
      chosen: b.cluster,
      reason: b.exists ? `${via} sends ${share} to it` : `${via} sends ${share} to it, but the snapshot has no such cluster: Envoy answers those with 500 (or 503)`,
      ...(b.service ? { source: b.service } : {}),
    });
    if (!b.exists) continue;
    const healthy = b.endpoints.filter((e) => e.health === "HEALTHY" || e.health === "UNKNOWN");
    steps.push({
      stage: "endpoints",
      chosen: healthy.map((e) => e.address).join(", ") || undefined,
      reason: healthy.length ? `${healthy.length} of ${b.endpoints.length} endpoints can take requests; Envoy balances among them` : `no endpoint can take requests: Envoy answers 503`,
      ...(b.endpoints.length > healthy.length ? { rejected: b.endpoints.filter((e) => !healthy.includes(e)).map((e) => ({ name: e.address, reason: `health ${e.health}` })) } : {}),
    });
  }
  const live = backends.filter((b) => b.exists && b.share > 0);
  const summary =
    backends.length === 1
      ? `forwarded to ${backends[0]!.service ?? backends[0]!.cluster}`
      : `split: ${backends.map((b) => `${pct(b.share)} ${b.service ?? b.cluster}`).join(", ")}`;
  return { kind: "forward", backends, summary: live.length === 0 ? `${summary} (no such cluster: 500)` : summary };
}

function clusterTargets(action: Json): { name: string; weight?: number }[] | undefined {
  if (str(action.cluster)) return [{ name: action.cluster as string }];
  const wc = obj(action.weightedClusters);
  if (wc) return arr(wc.clusters).map((c) => ({ name: str(c.name) ?? "", weight: typeof c.weight === "number" ? c.weight : 0 }));
  return undefined;
}

function redirectOutcome(r: Json, req: Explanation["request"], host: string, path: string): Outcome {
  const code = { MOVED_PERMANENTLY: 301, FOUND: 302, SEE_OTHER: 303, TEMPORARY_REDIRECT: 307, PERMANENT_REDIRECT: 308 }[str(r.responseCode) ?? "MOVED_PERMANENTLY"] ?? 301;
  const scheme = str(r.schemeRedirect) ?? (r.httpsRedirect === true ? "https" : req.sni !== undefined ? "https" : "http");
  const h = str(r.hostRedirect) ?? host;
  const port = typeof r.portRedirect === "number" ? `:${r.portRedirect}` : "";
  const p = str(r.pathRedirect) ?? (str(r.prefixRewrite) !== undefined ? `${r.prefixRewrite as string}…` : path);
  const location = `${scheme}://${h}${port}${p}`;
  return { kind: "redirect", status: code, location, summary: `redirected (${code}) to ${location}` };
}

/** Explains how the Envoy of one Gateway would handle `input`. */
export function explain(snapshot: SnapshotJson, input: ExplainRequest): Explanation {
  const req: Explanation["request"] = { ...input, method: (input.method ?? "GET").toUpperCase(), path: input.path ?? "/" };
  const steps: Step[] = [];
  const done = (outcome: Outcome): Explanation => ({ request: req, steps, outcome });

  const { listener, step } = chooseListener(snapshot.listener ?? [], req);
  steps.push(step);
  if (!listener) return done({ kind: "rejected", summary: step.reason });

  const fc = selectFilterChain(listener, req.sni);
  steps.push({ stage: "filter chain", ...(fc.chosen ? { chosen: str(fc.chosen.name) || "(default)" } : {}), reason: fc.reason, rejected: fc.rejected.slice(0, MAX_REJECTED) });
  if (!fc.chosen) return done({ kind: "rejected", summary: fc.reason });

  const filters = arr(fc.chosen.filters);
  const hcmFilter = filters.find((f) => f.name === HCM);
  const tcpFilter = filters.find((f) => f.name === TCP_PROXY);
  if (!hcmFilter && tcpFilter) {
    const tcp = typedConfig(tcpFilter);
    steps.push({ stage: "network filter", chosen: "tcp_proxy", reason: "the chain proxies the TCP stream as it is (no HTTP routing)" });
    const targets = clusterTargets(tcp);
    if (!targets) return done({ kind: "rejected", summary: "tcp_proxy names no cluster" });
    return done(forward(snapshot, targets, steps, "tcp_proxy"));
  }
  if (!hcmFilter) {
    steps.push({ stage: "network filter", reason: `the chain has no HTTP connection manager or tcp_proxy (${filters.map((f) => String(f.name)).join(", ") || "no filters"})` });
    return done({ kind: "rejected", summary: "no filter handles the connection" });
  }
  const hcm = typedConfig(hcmFilter);
  const rdsName = str(obj(hcm.rds)?.routeConfigName);
  const routeConfig = obj(hcm.routeConfig) ?? (rdsName !== undefined ? (snapshot.route ?? []).find((r) => r.name === rdsName) : undefined);
  steps.push({
    stage: "network filter",
    chosen: "http_connection_manager",
    reason: routeConfig ? `HTTP, routed by ${rdsName !== undefined ? `RouteConfiguration ${rdsName}` : "its inline route table"}` : `HTTP, but RouteConfiguration ${rdsName ?? "?"} is not in the snapshot: Envoy answers 404`,
  });
  if (!routeConfig) return done({ kind: "direct-response", status: 404, summary: "no route configuration: 404" });

  const { path, query } = routingPath(req.path, { normalize: hcm.normalizePath === true, mergeSlashes: hcm.mergeSlashes === true });
  const host = req.host ?? req.sni ?? "";
  const vs = selectVirtualHost(routeConfig, host, hcm.stripAnyHostPort === true || routeConfig.ignorePortInHostMatching === true);
  steps.push({ stage: "virtual host", ...(vs.chosen ? { chosen: str(vs.chosen.name) ?? "(unnamed)" } : {}), reason: vs.reason, rejected: vs.rejected.slice(0, MAX_REJECTED) });
  if (!vs.chosen) return done({ kind: "direct-response", status: 404, summary: `no virtual host for ${vs.host}: 404` });

  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(req.headers ?? {})) headers.set(k.toLowerCase(), v);
  headers.set(":method", req.method);
  headers.set(":path", req.path);
  headers.set(":authority", host);
  headers.set(":scheme", req.sni !== undefined ? "https" : "http");
  headers.set("host", host);
  const params = parseQuery(query, req.query);

  const rejected: (Candidate & { misses: number; index: number })[] = [];
  let matched: Json | undefined;
  for (const [index, route] of arr(vs.chosen.routes).entries()) {
    const { miss, misses } = routeMiss(obj(route.match) ?? {}, path, headers, params);
    const name = str(route.name) ?? `#${index}`;
    if (!miss) {
      matched = route;
      break;
    }
    rejected.push({ name: routeSource(name) ?? name, reason: miss, misses, index });
  }
  // Nearest first: fewest failed conditions, then the order Envoy tried them.
  const nearest = [...rejected].sort((a, b) => a.misses - b.misses || a.index - b.index).slice(0, MAX_REJECTED).map(({ name, reason }) => ({ name, reason }));
  if (!matched) {
    steps.push({ stage: "route", reason: `${rejected.length === 1 ? "the virtual host's only route does not match" : `none of the ${rejected.length} routes of the virtual host matches`} ${req.method} ${path}: Envoy answers 404`, rejected: nearest });
    return done({ kind: "direct-response", status: 404, summary: "no route matches: 404" });
  }
  const routeName = str(matched.name) ?? "(unnamed)";
  const source = routeSource(routeName);
  const first = rejected.length === 0 ? "the first route" : `the first route that matches, in order; the ${rejected.length === 1 ? "one" : rejected.length} before it ${rejected.length === 1 ? "does" : "do"} not`;
  steps.push({ stage: "route", chosen: routeName, reason: `${describeMatch(obj(matched.match) ?? {})}: ${first}`, rejected: nearest, ...(source ? { source } : {}) });

  const action = obj(matched.route);
  const redirect = obj(matched.redirect);
  const direct = obj(matched.directResponse);
  if (redirect) return done(redirectOutcome(redirect, req, vs.host, path));
  if (direct) {
    const status = typeof direct.status === "number" ? direct.status : 200;
    return done({ kind: "direct-response", status, summary: `Envoy answers ${status} itself` });
  }
  if (!action) return done({ kind: "rejected", summary: "the route has no action explain knows" });
  const targets = clusterTargets(action);
  if (!targets) return done({ kind: "rejected", summary: "the route picks its cluster from a header, which explain cannot predict" });
  return done(forward(snapshot, targets, steps, "the route"));
}

function describeMatch(m: Json): string {
  const parts: string[] = [];
  if (str(m.prefix) !== undefined) parts.push(m.prefix === "/" ? "any path" : `path prefix ${m.prefix as string}`);
  if (str(m.path) !== undefined) parts.push(`path ${m.path as string}`);
  if (str(m.pathSeparatedPrefix) !== undefined) parts.push(`path ${m.pathSeparatedPrefix as string} or under it`);
  const re = str(obj(m.safeRegex)?.regex);
  if (re !== undefined) parts.push(`path regex ${re}`);
  for (const h of arr(m.headers)) parts.push(`header ${String(h.name)}`);
  for (const q of arr(m.queryParameters)) parts.push(`query ${String(q.name)}`);
  return `matches ${parts.join(" and ") || "everything"}`;
}
