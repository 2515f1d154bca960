// GAMMA (GEP-1426 xRoutes mesh binding, GEP-1294): HTTPRoutes and GRPCRoutes
// whose parentRef is a Service -> the mesh IR and those parents' status.
//
// Semantics (docs/mesh.md has the user-facing version):
// - A producer route (route in the Service's namespace) applies to every mesh
//   client; a consumer route (route in another namespace) only to clients in
//   the route's namespace. Consumer routes of a namespace replace the producer
//   routes of that Service port for its clients (GEP-1426 "Multiple routes").
// - Routes attach to the Service port(s) the parentRef selects (port and/or
//   sectionName = port name; neither: every TCP port).
// - Route presence replaces the implicit Service routing: a Service port with
//   routes answers only what they match; a port without routes forwards to
//   the Service itself.
// - backendRefs in any namespace need no ReferenceGrant (GEP-1426
//   "Namespace boundaries": mesh routes augment Services a client can already
//   reach). `hostnames` is ignored, as GEP-1426 asks.
// - GRPCRoute wins over HTTPRoute on the same Service port and view; the
//   HTTPRoute parent is Accepted=False/Conflicted where that leaves it nothing.
// - Scope: once any route has a Service parent, every ClusterIP Service port
//   gets a listener (plain xds:/// targets work), or with meshServices
//   "routed" only the ports routes attach to. A consumer namespace's view
//   repeats every listener under its prefix (aliases of the producer route
//   configurations where it has no consumer route), so the listener count is
//   (1 + namespaces with consumer routes) x Service ports.
// - meshSidecars: the scope holds even without routes, and each listener also gets an Envoy sidecar's
//   socket listener on the Service's cluster IP and port (same route table; envoy/mesh-sidecar.ts
//   cuts a namespace's view for its sidecars).
// Rules are compiled by the same compilers Gateways use (httproute.ts, grpcroute.ts).
import type { BackendObjectReference, GRPCRoute, HTTPRoute, ParentReference, RouteParentStatus } from "../../api/gateway-api.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import type { TranslatorOptions } from "../../api/translation.ts";
import { meshDefaultRouteName, meshListenerName, meshRouteConfigName, meshServiceHost, meshSidecarListenerName } from "../names.ts";
import type { IrCluster, IrMesh, IrRoute } from "../ir.ts";
import { ClusterCache, type BackendResult } from "./backends.ts";
import { condition, routeParentConditions, RouteReason } from "./conditions.ts";
import { compileGRPCRoute } from "./grpcroute.ts";
import type { CompiledRoute, RouteEntry } from "./compiled-route.ts";
import { clusterDecorators, type CompileContext, type ResolveHooks } from "./hooks.ts";
import { compileHTTPRoute, entryRoute } from "./httproute.ts";
import { cleanParentRef } from "./attach.ts";
import { isServiceParent, meshFrontendProblem, selectServicePorts, tcpPorts } from "./mesh-parents.ts";
import { safeCompile } from "./index.ts";
import { generationOf, type ResolvedListener } from "./model.ts";
import { comparePrecedence } from "./precedence.ts";

export const MESH_ROUTE_KINDS = ["GRPCRoute", "HTTPRoute"] as const;
export type MeshRouteKind = (typeof MESH_ROUTE_KINDS)[number];

/** Reason for a mesh route parent that loses its ports to another route type (GEP-1426 "Route types"). */
export const MESH_CONFLICTED = "Conflicted";

/** The Service-parent status entries of one route, merged into its StatusUpdate by mesh-status.ts. */
export interface MeshRouteStatus {
  kind: MeshRouteKind;
  target: { apiVersion: string; namespace: string; name: string };
  parents: RouteParentStatus[];
}

export interface MeshResolveResult {
  /** Absent when no route has a Service parent (or mesh support is off). */
  ir?: IrMesh;
  statuses: MeshRouteStatus[];
}

/** Mesh backendRefs need no ReferenceGrant: resolve as if the route lived in the backend's namespace. */
class MeshClusterCache extends ClusterCache {
  override resolve(ref: BackendObjectReference, routeKind: string, routeNs: string): BackendResult {
    return super.resolve(ref, routeKind, typeof ref.namespace === "string" ? ref.namespace : routeNs);
  }
}

interface PortAttachment {
  /** `ns/name` of the Service. */
  service: string;
  port: number;
  /** Consumer route: the namespace whose clients it applies to. */
  clientNs?: string;
  kind: MeshRouteKind;
  entries: RouteEntry[];
}

interface ParentFacts {
  parentRef: ParentReference;
  accepted: { ok: boolean; reason: string; message: string };
  attachments: PortAttachment[];
}

interface RouteFacts {
  kind: MeshRouteKind;
  route: HTTPRoute | GRPCRoute;
  compiled: CompiledRoute;
  parents: ParentFacts[];
}

const attachKey = (view: string | undefined, service: string, port: number): string => `${view ?? ""}|${service}|${port}`;

export function resolveMesh(rs: ResourceSet, opts: TranslatorOptions, hooks: readonly ResolveHooks[]): MeshResolveResult {
  if (opts.mesh === false) return { statuses: [] };
  const clusterDomain = opts.clusterDomain ?? "cluster.local";
  const cache = new MeshClusterCache(rs, clusterDecorators(rs, hooks));
  const routes = collectRoutes({ rs, clusters: cache, hooks });
  // Sidecars carry all of a client's Service traffic, so they need the Service ports without routes too.
  if (routes.length === 0 && !opts.meshSidecars) return { statuses: [] };

  // GRPCRoute beats HTTPRoute on the same Service port and view.
  const grpcTaken = new Set<string>();
  for (const r of routes) {
    if (r.kind !== "GRPCRoute") continue;
    for (const p of r.parents) for (const a of p.attachments) grpcTaken.add(attachKey(a.clientNs, a.service, a.port));
  }
  const byKey = new Map<string, PortAttachment[]>();
  const views = new Set<string>();
  for (const r of routes) {
    for (const p of r.parents) {
      if (r.kind === "HTTPRoute") {
        const kept = p.attachments.filter((a) => !grpcTaken.has(attachKey(a.clientNs, a.service, a.port)));
        if (p.accepted.ok && p.attachments.length > 0 && kept.length === 0) {
          p.accepted = { ok: false, reason: MESH_CONFLICTED, message: "A GRPCRoute attaches to the same Service port(s); GRPCRoute takes precedence" };
        }
        p.attachments = kept;
      }
      for (const a of p.attachments) {
        const k = attachKey(a.clientNs, a.service, a.port);
        const list = byKey.get(k);
        if (list) list.push(a);
        else byKey.set(k, [a]);
        if (a.clientNs !== undefined) views.add(a.clientNs);
      }
    }
  }

  const routedOnly = opts.meshServices === "routed";
  const routed = new Set<string>();
  for (const list of byKey.values()) for (const a of list) routed.add(`${a.service}|${a.port}`);
  const ir: IrMesh = { listeners: [], routeConfigs: [], clusters: new Map() };
  const viewList: (string | undefined)[] = [undefined, ...[...views].sort()];
  for (const svc of rs.list("Service")) {
    if (meshFrontendProblem(svc)) continue;
    const ns = svc.metadata.namespace ?? "default";
    const key = `${ns}/${svc.metadata.name}`;
    const host = meshServiceHost(ns, svc.metadata.name, clusterDomain);
    const clusterIP = opts.meshSidecars ? serviceClusterIP(svc) : undefined;
    for (const sp of tcpPorts(svc)) {
      if (routedOnly && !routed.has(`${key}|${sp.port}`)) continue;
      const producerListener = meshListenerName(host, sp.port);
      for (const view of viewList) {
        const name = meshListenerName(host, sp.port, view);
        const chosen = byKey.get(attachKey(view, key, sp.port));
        const sidecar = clusterIP ? { sidecar: { name: meshSidecarListenerName(clusterIP, sp.port, view), ip: clusterIP, port: sp.port } } : {};
        if (view !== undefined && !chosen) {
          // No consumer route of this namespace here: its clients see the producer view.
          ir.listeners.push({ name, routeConfigName: meshRouteConfigName(producerListener), ...sidecar });
          continue;
        }
        const rc = meshRouteConfigName(name);
        ir.listeners.push({ name, routeConfigName: rc, ...sidecar });
        const routes = chosen ? attachedRoutes(chosen, sp.port, ir.clusters) : defaultRoutes(cache, ns, svc.metadata.name, sp.port, ir.clusters);
        ir.routeConfigs.push({ name: rc, routes });
      }
    }
  }
  const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  ir.listeners.sort(byName);
  ir.routeConfigs.sort(byName);
  return { ir, statuses: routes.map((r) => routeStatus(r, opts.controllerName)) };
}

/** The Service's cluster IP (the first of clusterIPs), if it has one a sidecar can listen on. */
function serviceClusterIP(svc: { spec?: { clusterIP?: unknown } }): string | undefined {
  const ip = svc.spec?.clusterIP;
  return typeof ip === "string" && /^[0-9a-fA-F:.]+$/.test(ip) ? ip : undefined;
}

/** A kind's routes, each with its compile bound to it. */
function listRoutes(kind: MeshRouteKind, ctx: CompileContext): { route: HTTPRoute | GRPCRoute; compile: () => CompiledRoute }[] {
  if (kind === "GRPCRoute") return ctx.rs.list("GRPCRoute").map((route) => ({ route, compile: () => compileGRPCRoute(route, ctx) }));
  return ctx.rs.list("HTTPRoute").map((route) => ({ route, compile: () => compileHTTPRoute(route, ctx, "HTTPRoute") }));
}

function collectRoutes(ctx: CompileContext): RouteFacts[] {
  const { rs } = ctx;
  const out: RouteFacts[] = [];
  for (const kind of MESH_ROUTE_KINDS) {
    for (const { route, compile } of listRoutes(kind, ctx)) {
      const refs = (Array.isArray(route.spec?.parentRefs) ? route.spec.parentRefs : []).filter(isServiceParent);
      if (refs.length === 0) continue;
      const routeNs = route.metadata.namespace ?? "default";
      const compiled = safeCompile(compile);
      const seen = new Set<string>();
      const parents: ParentFacts[] = refs.map((ref) => {
        const parentRef = cleanParentRef(ref);
        const sel = selectServicePorts(rs, ref, routeNs);
        if (!sel.ok) return { parentRef, accepted: { ok: false, reason: sel.reason, message: sel.message }, attachments: [] };
        if (compiled.unusable) {
          return { parentRef, accepted: { ok: false, reason: RouteReason.UnsupportedValue, message: `No rule is valid: ${compiled.invalidRules.join("; ")}` }, attachments: [] };
        }
        const service = `${sel.namespace}/${sel.service.metadata.name}`;
        const clientNs = sel.namespace === routeNs ? undefined : routeNs;
        const attachments: PortAttachment[] = [];
        for (const p of sel.ports) {
          // Two parentRefs selecting the same port program the route once.
          const k = `${service}|${p.port}`;
          if (seen.has(k)) continue;
          seen.add(k);
          const a: PortAttachment = { service, port: p.port, kind, entries: compiled.entries };
          if (clientNs !== undefined) a.clientNs = clientNs;
          attachments.push(a);
        }
        const message =
          clientNs === undefined
            ? "Route is accepted (producer route: applies to every mesh client)"
            : `Route is accepted (consumer route: applies to mesh clients in namespace ${routeNs} that use the listener name template mesh/ns/${routeNs}/%s, see docs/mesh.md)`;
        return { parentRef, accepted: { ok: true, reason: RouteReason.Accepted, message }, attachments };
      });
      out.push({ kind, route, compiled, parents });
    }
  }
  return out;
}

/**
 * Redirects without a port keep the port the client used: the Service port.
 * Only `port` of the listener is read when building a route's action.
 */
function servicePortFacade(port: number): ResolvedListener {
  const facade: Partial<ResolvedListener> = { port };
  return facade as ResolvedListener;
}

function attachedRoutes(list: readonly PortAttachment[], port: number, clusters: Map<string, IrCluster>): IrRoute[] {
  const entries = list.flatMap((a) => a.entries);
  entries.sort((a, b) => comparePrecedence(a.precedence, b.precedence));
  const facade = servicePortFacade(port);
  return entries.map((e) => entryRoute(e, facade, clusters));
}

/** No route on this Service port: everything goes to the Service itself, as without a mesh. */
function defaultRoutes(cache: ClusterCache, ns: string, name: string, port: number, clusters: Map<string, IrCluster>): IrRoute[] {
  const res = cache.resolve({ name, namespace: ns, port }, "HTTPRoute", ns);
  if (!res.ok) return [];
  clusters.set(res.cluster.name, res.cluster);
  return [
    {
      name: meshDefaultRouteName(ns, name, port),
      match: { path: { type: "PathPrefix", value: "/" }, headers: [], queryParams: [] },
      action: { kind: "forward", backends: [{ cluster: res.cluster.name, weight: 1 }], invalidWeight: 0, mirrors: [] },
    },
  ];
}

function routeStatus(r: RouteFacts, controllerName: string): MeshRouteStatus {
  const gen = generationOf(r.route);
  const { compiled } = r;
  const parents = r.parents.map((p) => {
    const accepted = condition("Accepted", p.accepted.ok, p.accepted.reason, p.accepted.message, gen);
    return { parentRef: p.parentRef, controllerName, conditions: routeParentConditions(accepted, compiled, gen) };
  });
  return {
    kind: r.kind,
    target: { apiVersion: r.route.apiVersion, namespace: r.route.metadata.namespace ?? "default", name: r.route.metadata.name },
    parents,
  };
}
