// One Gateway as the UI and `switchyard config` show it: listeners -> filter chains -> virtual
// hosts -> routes -> clusters -> endpoints, each row condensed from the snapshot's proto3 JSON
// and tied to the Gateway API object behind it and that object's status conditions.
import type { Condition } from "../api/meta.ts";
import type { StatusUpdate } from "../api/translation.ts";
import type { ResourcesJson } from "../api/xds-json.ts";
import { clusterSource, portOf, routeSource } from "../explain/index.ts";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export interface ChainRow {
  name: string;
  serverNames: string[];
  tls: boolean;
  /** `http` (connection manager), `tcp` (tcp_proxy) or the first filter's name. */
  handler: string;
  routeConfig?: string;
  /** tcp_proxy's clusters. */
  clusters?: string[];
}

export interface ListenerRow {
  name: string;
  port?: number;
  protocol: "TCP" | "UDP";
  chains: ChainRow[];
}

export interface RouteRow {
  name: string;
  /** `HTTPRoute default/shop rule 0 match 0`. */
  source?: string;
  match: string;
  action: string;
  clusters: { name: string; weight?: number }[];
}

export interface VirtualHostRow {
  routeConfig: string;
  name: string;
  domains: string[];
  routes: RouteRow[];
}

export interface ClusterRow {
  name: string;
  source?: string;
  type: string;
  tls: boolean;
  endpoints: number;
  healthy: number;
}

export interface EndpointRow {
  cluster: string;
  address: string;
  health: string;
  zone?: string;
}

export interface ObjectConditions {
  /** `Gateway default/eg`, `HTTPRoute default/shop`. */
  object: string;
  /** `listener http`, `parent default/eg`; absent for the object's own conditions. */
  where?: string;
  conditions: Condition[];
  attachedRoutes?: number;
}

export interface GatewayTree {
  key: string;
  version: string;
  /** The Gateway's own conditions, then each listener's. */
  gateway: ObjectConditions[];
  /** Routes whose parentRefs name this Gateway, with their conditions for it. */
  routes: ObjectConditions[];
  listeners: ListenerRow[];
  virtualHosts: VirtualHostRow[];
  clusters: ClusterRow[];
  endpoints: EndpointRow[];
  secrets: string[];
}

export function describeMatch(m: Json): string {
  const parts: string[] = [];
  if (str(m.prefix) !== undefined) parts.push(`prefix ${m.prefix as string}`);
  if (str(m.path) !== undefined) parts.push(`path = ${m.path as string}`);
  if (str(m.pathSeparatedPrefix) !== undefined) parts.push(`path ${m.pathSeparatedPrefix as string}[/…]`);
  const re = str(obj(m.safeRegex)?.regex);
  if (re !== undefined) parts.push(`path ~ ${re}`);
  for (const h of arr(m.headers)) parts.push(`${String(h.name)}${matcherText(h)}`);
  for (const q of arr(m.queryParameters)) parts.push(`?${String(q.name)}${matcherText(q)}`);
  if (obj(m.grpc)) parts.push("gRPC");
  return parts.join(" & ") || "any";
}

function matcherText(h: Json): string {
  const sm = obj(h.stringMatch);
  const inv = h.invertMatch === true ? "!" : "";
  if (h.presentMatch !== undefined) return h.presentMatch === false ? " absent" : " present";
  if (!sm) return str(h.exactMatch) !== undefined ? ` ${inv}= ${h.exactMatch as string}` : "";
  if (str(sm.exact) !== undefined) return ` ${inv}= ${sm.exact as string}`;
  if (str(sm.prefix) !== undefined) return ` ${inv}^= ${sm.prefix as string}`;
  if (str(sm.suffix) !== undefined) return ` ${inv}$= ${sm.suffix as string}`;
  if (str(sm.contains) !== undefined) return ` ${inv}*= ${sm.contains as string}`;
  const re = str(obj(sm.safeRegex)?.regex);
  return re !== undefined ? ` ${inv}~ ${re}` : "";
}

function routeAction(r: Json): { action: string; clusters: { name: string; weight?: number }[] } {
  const a = obj(r.route);
  if (a) {
    if (str(a.cluster)) return { action: "forward", clusters: [{ name: a.cluster as string }] };
    const wc = obj(a.weightedClusters);
    if (wc) return { action: "split", clusters: arr(wc.clusters).map((c) => ({ name: str(c.name) ?? "", weight: typeof c.weight === "number" ? c.weight : 0 })) };
    return { action: "forward (by header)", clusters: [] };
  }
  const redirect = obj(r.redirect);
  if (redirect) {
    const to = [str(redirect.schemeRedirect), str(redirect.hostRedirect), redirect.portRedirect, str(redirect.pathRedirect)].filter((x) => x !== undefined).join(" ");
    return { action: `redirect ${str(redirect.responseCode) ?? "MOVED_PERMANENTLY"}${to ? ` → ${to}` : ""}`, clusters: [] };
  }
  const direct = obj(r.directResponse);
  if (direct) return { action: `respond ${String(direct.status ?? "")}`, clusters: [] };
  return { action: "?", clusters: [] };
}

function chainRow(c: Json, i: number): ChainRow {
  const filters = arr(c.filters);
  const m = obj(c.filterChainMatch) ?? {};
  const hcm = filters.find((f) => f.name === "envoy.filters.network.http_connection_manager");
  const tcp = filters.find((f) => f.name === "envoy.filters.network.tcp_proxy");
  const row: ChainRow = {
    name: str(c.name) || `#${i}`,
    serverNames: Array.isArray(m.serverNames) ? (m.serverNames as string[]) : [],
    tls: obj(c.transportSocket) !== undefined,
    handler: hcm ? "http" : tcp ? "tcp" : (str(filters[0]?.name) ?? "none"),
  };
  const tc = obj((hcm ?? tcp)?.typedConfig) ?? {};
  const rds = str(obj(tc.rds)?.routeConfigName);
  if (rds) row.routeConfig = rds;
  if (tcp) row.clusters = str(tc.cluster) ? [tc.cluster as string] : arr(obj(tc.weightedClusters)?.clusters).map((x) => String(x.name));
  return row;
}

/** Status entries of `statuses` that concern Gateway `key`. */
function conditionsFor(key: string, statuses: readonly StatusUpdate[]): { gateway: ObjectConditions[]; routes: ObjectConditions[] } {
  const [ns, name] = key.split("/");
  const gateway: ObjectConditions[] = [];
  const routes: ObjectConditions[] = [];
  for (const u of statuses) {
    const id = `${u.kind} ${u.target.namespace ? `${u.target.namespace}/` : ""}${u.target.name}`;
    if (u.kind === "Gateway") {
      if (u.target.namespace !== ns || u.target.name !== name) continue;
      gateway.push({ object: id, conditions: u.status.conditions ?? [] });
      for (const l of u.status.listeners ?? []) gateway.push({ object: id, where: `listener ${l.name}`, conditions: l.conditions, attachedRoutes: l.attachedRoutes });
    } else if ("parents" in u) {
      for (const p of u.parents) {
        const r = p.parentRef as { kind?: string; namespace?: string; name: string; sectionName?: string; port?: number };
        if ((r.kind ?? "Gateway") !== "Gateway" || (r.namespace ?? u.target.namespace) !== ns || r.name !== name) continue;
        routes.push({ object: id, where: `parent ${key}${r.sectionName ? `/${r.sectionName}` : ""}${r.port ? `:${r.port}` : ""}`, conditions: p.conditions });
      }
    }
  }
  return { gateway, routes };
}

export function gatewayTree(key: string, version: string, json: ResourcesJson, statuses: readonly StatusUpdate[]): GatewayTree {
  const listeners: ListenerRow[] = json.listener.map((l) => {
    const chains = arr(l.filterChains).map(chainRow);
    const def = obj(l.defaultFilterChain);
    if (def) chains.push({ ...chainRow(def, chains.length), name: str(def.name) || "(default)" });
    const port = portOf(l as Json);
    return { name: str(l.name) ?? "", ...(port !== undefined ? { port } : {}), protocol: obj(obj(l.address)?.socketAddress)?.protocol === "UDP" ? "UDP" : "TCP", chains };
  });
  const virtualHosts: VirtualHostRow[] = json.route.flatMap((rc) =>
    arr(rc.virtualHosts).map((vh) => ({
      routeConfig: str(rc.name) ?? "",
      name: str(vh.name) ?? "",
      domains: Array.isArray(vh.domains) ? (vh.domains as string[]) : [],
      routes: arr(vh.routes).map((r) => {
        const name = str(r.name) ?? "";
        const source = routeSource(name);
        return { name, ...(source ? { source } : {}), match: describeMatch(obj(r.match) ?? {}), ...routeAction(r) };
      }),
    })),
  );
  const endpoints: EndpointRow[] = json.endpoint.flatMap((cla) =>
    arr(cla.endpoints).flatMap((g) =>
      arr(g.lbEndpoints).map((lb) => {
        const sa = obj(obj(obj(lb.endpoint)?.address)?.socketAddress);
        const zone = str(obj(g.locality)?.zone);
        return { cluster: str(cla.clusterName) ?? "", address: sa ? `${String(sa.address)}:${String(sa.portValue ?? "")}` : "?", health: str(lb.healthStatus) ?? "UNKNOWN", ...(zone ? { zone } : {}) };
      }),
    ),
  );
  const clusters: ClusterRow[] = json.cluster.map((c) => {
    const name = str(c.name) ?? "";
    const edsName = str(obj(c.edsClusterConfig)?.serviceName) ?? name;
    const mine = endpoints.filter((e) => e.cluster === edsName);
    const source = clusterSource(name);
    return {
      name,
      ...(source ? { source } : {}),
      type: str(c.type) ?? "STATIC",
      tls: obj(c.transportSocket) !== undefined,
      endpoints: mine.length,
      healthy: mine.filter((e) => e.health === "HEALTHY" || e.health === "UNKNOWN").length,
    };
  });
  return { key, version, ...conditionsFor(key, statuses), listeners, virtualHosts, clusters, endpoints, secrets: json.secret.map((s) => str(s.name) ?? "") };
}
