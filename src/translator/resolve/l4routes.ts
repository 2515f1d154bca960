// TCPRoute and UDPRoute (v1alpha2 and v1) -> L4 routes for TCP/UDP listeners.
// Attachment (sectionName, port, allowedRoutes) is shared (attach.ts); what is
// kind-specific is here: one rule of weighted backends per route.
//
// A TCP or UDP listener cannot tell routes apart, so when several routes attach
// to one listener all are Accepted and counted, but only the oldest (then
// namespace/name) carries traffic: envoy/tcp.ts and envoy/udp.ts take the
// route with the smallest `order` (conformance: TCPRouteMultipleRoutesAttachment).
import type { L4BackendRef, TCPRoute, UDPRoute } from "../../api/gateway-api.ts";
import type { K8sObject } from "../../api/meta.ts";
import type { IrBackend, IrCluster, IrL4Route } from "../ir.ts";
import type { ClusterCache } from "./backends.ts";
import { RouteReason } from "./conditions.ts";
import type { CompiledL4Route, CompiledRoute } from "./compiled-route.ts";
import type { Verdict } from "./model.ts";

const REFS_OK: Verdict = { ok: true, reason: RouteReason.ResolvedRefs, message: "All references are resolved" };

/** Weighted backends of L4 routes: one per cluster, zero weights dropped, unresolved refs counted as invalid weight. */
export interface L4Backends {
  backends: IrBackend[];
  clusters: IrCluster[];
  invalidWeight: number;
  problems: Verdict[];
}

export function emptyL4Backends(): L4Backends {
  return { backends: [], clusters: [], invalidWeight: 0, problems: [] };
}

/** Adds the backendRefs of one rule (kind and namespace are the route's) to `acc`. */
export function addL4Backends(acc: L4Backends, refs: unknown, clusters: ClusterCache, kind: string, ns: string): void {
  for (const ref of (Array.isArray(refs) ? refs : []) as L4BackendRef[]) {
    if (!ref || typeof ref !== "object") continue;
    const weight = typeof ref.weight === "number" && Number.isInteger(ref.weight) && ref.weight >= 0 ? ref.weight : 1;
    const res = clusters.resolve(ref, kind, ns);
    if (!res.ok) {
      acc.problems.push({ ok: false, reason: res.reason, message: res.message });
      acc.invalidWeight += weight;
      continue;
    }
    if (weight === 0) continue;
    const same = acc.backends.find((b) => b.cluster === res.cluster.name);
    if (same) same.weight += weight;
    else acc.backends.push({ cluster: res.cluster.name, weight });
    if (!acc.clusters.includes(res.cluster)) acc.clusters.push(res.cluster);
  }
}

/** ResolvedRefs of an L4 route: the first problem's reason, every problem's message. */
export function l4ResolvedRefs(problems: readonly Verdict[]): Verdict {
  const first = problems[0];
  return first ? { ok: false, reason: first.reason, message: problems.map((p) => p.message).join("; ") } : REFS_OK;
}

/** Sort key of an L4 route on a shared listener (or of a TLSRoute on an SNI name): oldest first, then namespace/name. */
export function l4Order(route: K8sObject): string {
  return `${route.metadata.creationTimestamp ?? ""}\u0000${route.metadata.namespace ?? "default"}/${route.metadata.name}`;
}

export function compileL4Route(route: TCPRoute | UDPRoute, clusters: ClusterCache): CompiledRoute & { l4: CompiledL4Route } {
  const kind = route.kind;
  const ns = route.metadata.namespace ?? "default";
  const rules = Array.isArray(route.spec?.rules) ? route.spec.rules : [];
  const invalidRules: string[] = [];
  const rule = rules[0];
  if (rule === undefined) invalidRules.push(`the ${kind} has no rules`);
  rules.slice(1).forEach((r, i) => invalidRules.push(`rule ${r?.name || i + 1}: a ${kind} listener cannot tell rules apart; only the first rule is used`));
  const acc = emptyL4Backends();
  addL4Backends(acc, rule?.backendRefs, clusters, kind, ns);
  const name = `${kind.toLowerCase()}/${ns}/${route.metadata.name}`;
  const l4: IrL4Route = { name, hostnames: [], backends: acc.backends, invalidWeight: acc.invalidWeight, order: l4Order(route) };
  return {
    entries: [],
    resolvedRefs: l4ResolvedRefs(acc.problems),
    invalidRules,
    unusable: rule === undefined,
    l4: { routes: [l4], clusters: acc.clusters },
  };
}
