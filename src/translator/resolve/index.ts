// The resolve stage: Gateway API objects -> IR + status. Pure.
import type { ResourceSet } from "../../api/resource-set.ts";
import type { StatusUpdate, TranslatorOptions } from "../../api/translation.ts";
import { filterChainName, listenerName, routeConfigName, virtualHostName } from "../names.ts";
import type { IrCluster, IrGateway, IrListener, IrProtocol, IrVirtualHost } from "../ir.ts";
import { attachRoute, type ParentAttachment } from "./attach.ts";
import { ClusterCache } from "./backends.ts";
import { condition, routeParentConditions, RouteReason } from "./conditions.ts";
import { gatewayStatus, resolveGateway } from "./gateway.ts";
import { attachListenerSets, listenerSetStatus } from "./listenersets.ts";
import { resolveGatewayClasses } from "./gatewayclass.ts";
import { covers, specificity } from "./hostnames.ts";
import type { CompiledL4Route, CompiledRoute, RouteEntry } from "./compiled-route.ts";
import { entryRoute } from "./httproute.ts";
import { portKey } from "./listeners.ts";
import { generationOf, listenerReady, type ResolvedGateway, type ResolvedListener, type RouteParents } from "./model.ts";
import { comparePrecedence } from "./precedence.ts";
import { ROUTE_KINDS, type RouteKind } from "./route-kinds.ts";
import { l4RouteOnListener } from "./tlsroute.ts";
import { applyL7Conflicts, l7Conflicts } from "./l7-conflicts.ts";
import { clusterDecorators, type CompileContext, type ResolveHooks } from "./hooks.ts";
import { splitHttpsRouteTables } from "./https-route-tables.ts";
import { compareStatus } from "./status-order.ts";

export interface ResolveResult {
  gateways: IrGateway[];
  statuses: StatusUpdate[];
}

interface Attached {
  routeKey: string;
  compiled: CompiledRoute & { l4?: CompiledL4Route };
  hostnames: string[];
}

export function resolve(rs: ResourceSet, opts: TranslatorOptions, hooks: readonly ResolveHooks[]): ResolveResult {
  const statuses: StatusUpdate[] = [];
  const { classes, statuses: classStatuses } = resolveGatewayClasses(rs, opts.controllerName, hooks);
  statuses.push(...classStatuses);

  const gateways = new Map<string, ResolvedGateway>();
  for (const gw of rs.list("Gateway")) {
    const cls = classes.get(gw.spec?.gatewayClassName);
    if (!cls) continue;
    const g = resolveGateway(rs, gw, cls, hooks);
    gateways.set(g.key, g);
  }

  const parents: RouteParents = { gateways, listenerSets: attachListenerSets(rs, gateways, hooks) };
  const clusters = new ClusterCache(rs, clusterDecorators(rs, hooks));
  const conflicts = l7Conflicts(rs, parents);
  const attached = new Map<ResolvedListener, Attached[]>();
  const ctx: CompileContext = { rs, clusters, hooks };
  for (const handler of ROUTE_KINDS) {
    for (const { route, compile } of handler.routes(rs)) {
      const routeParents = conflicts.parents.get(route) ?? attachRoute(rs, parents, route, handler.kind, handler.usesHostnames);
      applyL7Conflicts(conflicts, handler.kind, route, routeParents);
      if (routeParents.length === 0) continue;
      const routeKey = `${route.metadata.namespace ?? "default"}/${route.metadata.name}`;
      const compiled = safeCompile(() => compile(ctx));
      const seen = new Set<ResolvedListener>();
      for (const p of routeParents) {
        for (const a of p.attachments) {
          if (seen.has(a.listener)) {
            // The same listener selected twice: merge hostnames.
            const prev = attached.get(a.listener)?.find((x) => x.routeKey === routeKey && x.compiled === compiled);
            if (prev) prev.hostnames = [...new Set([...prev.hostnames, ...a.hostnames])].sort();
            continue;
          }
          seen.add(a.listener);
          a.listener.attachedRoutes++;
          if (!p.accepted.ok || compiled.unusable) continue;
          const list = attached.get(a.listener);
          const entry: Attached = { routeKey, compiled, hostnames: a.hostnames };
          if (list) list.push(entry);
          else attached.set(a.listener, [entry]);
        }
      }
      statuses.push(routeStatus(handler.kind, route, routeParents, compiled, opts.controllerName));
    }
  }

  const irGateways: IrGateway[] = [];
  for (const g of gateways.values()) {
    statuses.push(gatewayStatus(rs, g, hooks));
    for (const s of g.listenerSets) statuses.push(listenerSetStatus(s));
    irGateways.push(buildGateway(g, attached, clusters));
  }
  irGateways.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const h of hooks) if (h.gateways) statuses.push(...h.gateways(rs, irGateways, opts.controllerName));
  statuses.sort(compareStatus);
  return { gateways: irGateways, statuses };
}


function routeStatus(
  kind: RouteKind,
  route: { apiVersion: string; metadata: { namespace?: string; name: string; generation?: number } },
  parents: ParentAttachment[],
  compiled: CompiledRoute,
  controllerName: string,
): StatusUpdate {
  const gen = generationOf(route);
  const entries = parents.map((p) => {
    const accepted = !p.accepted.ok
      ? condition("Accepted", false, p.accepted.reason, p.accepted.message, gen)
      : !p.gateway.accepted.ok
        ? condition("Accepted", false, "Pending", `Gateway ${p.gateway.key} is not accepted: ${p.gateway.accepted.message}`, gen)
        : compiled.unusable
          ? condition("Accepted", false, RouteReason.UnsupportedValue, `No rule is valid: ${compiled.invalidRules.join("; ")}`, gen)
          : condition("Accepted", true, RouteReason.Accepted, "Route is accepted", gen);
    return { parentRef: p.parentRef, controllerName, conditions: routeParentConditions(accepted, compiled, gen) };
  });
  return {
    kind,
    target: { apiVersion: route.apiVersion, namespace: route.metadata.namespace ?? "default", name: route.metadata.name },
    parents: entries,
  };
}

/** Groups ready listeners by port into Envoy listeners and builds their route tables. */
function buildGateway(g: ResolvedGateway, attached: ReadonlyMap<ResolvedListener, Attached[]>, cache: ClusterCache): IrGateway {
  const ir: IrGateway = { key: g.key, namespace: g.namespace, name: g.name, listeners: [], clusters: new Map(), secrets: new Map() };
  for (const group of Map.groupBy(g.listeners.filter(listenerReady), portKey).values()) {
    const first = group[0];
    if (!first) continue;
    const name = listenerName(g.namespace, g.name, first.resourceName);
    const out: IrListener = {
      name,
      routeConfigName: routeConfigName(name),
      port: first.port,
      // HTTPS and TLS listeners may share a port: it is then an HTTPS listener whose TLS chains carry TLSRoutes.
      protocol: (group.some((l) => l.protocol === "HTTPS") ? "HTTPS" : first.protocol) as IrProtocol,
      filterChains: [],
      virtualHosts: [],
      l4Routes: [],
    };
    if (first.protocol === "HTTP") {
      out.filterChains.push({ name: filterChainName(g.namespace, g.name, first.resourceName), serverNames: [] });
    } else {
      for (const l of group) {
        const chain: IrListener["filterChains"][number] = { name: filterChainName(g.namespace, g.name, l.resourceName), serverNames: l.hostname ? [l.hostname] : [] };
        if (l.tls) chain.tls = l.tls;
        if (l.protocol === "TLS") chain.l4 = true;
        out.filterChains.push(chain);
      }
    }
    const owners = new Map<IrVirtualHost, ResolvedListener>();
    out.virtualHosts = virtualHosts(name, group, attached, ir.clusters, owners);
    splitHttpsRouteTables(out, group, owners, g.namespace, g.name);
    for (const l of group) {
      for (const a of attached.get(l) ?? []) {
        if (!a.compiled.l4) continue;
        // TLS passthrough forwards the client's TLS: its clusters must be ones no BackendTLSPolicy wraps.
        const passthrough = l.protocol === "TLS" && !l.tls;
        const own = new Map(a.compiled.l4.clusters.map((c) => [c.name, passthrough ? cache.passthrough(c) : c]));
        for (const r of a.compiled.l4.routes) {
          const onListener = l4RouteOnListener(r, l, a.hostnames);
          onListener.backends = onListener.backends.map((b) => ({ ...b, cluster: own.get(b.cluster)?.name ?? b.cluster }));
          out.l4Routes.push(onListener);
        }
        for (const c of own.values()) ir.clusters.set(c.name, c);
      }
    }
    ir.listeners.push(out);
  }
  ir.listeners.sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
  for (const [k, v] of g.secrets) ir.secrets.set(k, v);
  return ir;
}

/**
 * One virtual host per effective hostname. Listener isolation: a hostname is
 * served only by routes of the most specific listener whose hostname covers it.
 */
function virtualHosts(
  listener: string,
  group: readonly ResolvedListener[],
  attached: ReadonlyMap<ResolvedListener, Attached[]>,
  clusters: Map<string, IrCluster>,
  /** Filled with the Gateway listener that owns each virtual host. */
  owners: Map<IrVirtualHost, ResolvedListener>,
): IrVirtualHost[] {
  const byDomain = new Map<string, { entry: RouteEntry; listener: ResolvedListener }[]>();
  const ownerCache = new Map<string, ResolvedListener | undefined>();
  const owner = (h: string): ResolvedListener | undefined => {
    if (ownerCache.has(h)) return ownerCache.get(h);
    let best: ResolvedListener | undefined;
    for (const l of group) {
      if (l.hostname !== undefined && !covers(l.hostname, h)) continue;
      if (!best || specificity(l.hostname) > specificity(best.hostname)) best = l;
    }
    ownerCache.set(h, best);
    return best;
  };
  for (const l of group) {
    for (const a of attached.get(l) ?? []) {
      if (a.compiled.entries.length === 0) continue;
      for (const h of a.hostnames) {
        if (owner(h) !== l) continue;
        let arr = byDomain.get(h);
        if (!arr) byDomain.set(h, (arr = []));
        for (const entry of a.compiled.entries) arr.push({ entry, listener: l });
      }
    }
  }
  for (const list of byDomain.values()) list.sort((a, b) => comparePrecedence(a.entry.precedence, b.entry.precedence));
  // Hostname precedence with fall-through: a request for `foo.example.com` tries the rules of routes
  // for that exact hostname first, then those for `*.example.com`, then `*` — of the same listener.
  const wildcards = [...byDomain.keys()].filter((d) => d === "*" || d.startsWith("*.")).sort((a, b) => hostnameRank(b) - hostnameRank(a) || (a < b ? -1 : 1));
  const hosts: IrVirtualHost[] = [];
  for (const [domain, own] of byDomain) {
    let list = own;
    const fallbacks = wildcards.filter((w) => w !== domain && (w === "*" || covers(w, domain)) && owner(w) === owner(domain));
    if (fallbacks.length > 0) {
      const seen = new Set(own.map((x) => x.entry));
      list = [...own];
      for (const w of fallbacks) for (const x of byDomain.get(w) ?? []) if (!seen.has(x.entry)) (seen.add(x.entry), list.push(x));
    }
    const routes = list.map(({ entry, listener: l }) => entryRoute(entry, l, clusters));
    const vh: IrVirtualHost = { name: virtualHostName(listener, domain), domains: [domain], routes };
    const o = owner(domain);
    if (o) owners.set(vh, o);
    hosts.push(vh);
  }
  return hosts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Last line of defence for "never throws on user input": a resolver bug on one
 * route makes that route unusable (with a status saying so) instead of
 * failing the whole translation. Tests assert this never triggers.
 */
export function safeCompile<T extends CompiledRoute>(compile: () => T): T | CompiledRoute {
  try {
    return compile();
  } catch (e) {
    const message = `${TRANSLATOR_ERROR}: ${e instanceof Error ? e.message : String(e)}`;
    return { entries: [], resolvedRefs: { ok: true, reason: RouteReason.ResolvedRefs, message: "" }, invalidRules: [message], unusable: true };
  }
}

export const TRANSLATOR_ERROR = "translator error";

/** Hostname specificity for route precedence: characters of a non-wildcard name first, then length. */
function hostnameRank(h: string): number {
  if (h === "*") return 0;
  return h.startsWith("*.") ? h.length : 1_000 + h.length;
}
