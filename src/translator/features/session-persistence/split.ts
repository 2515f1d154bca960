// Session persistence across a weighted split (GEP-1619 "Traffic Splitting"):
// a persistent session MUST stay on its backend even when the split would
// pick another Service (even one of weight 0).
//
// Envoy chooses the weighted cluster first and applies the session's override
// host only inside the chosen cluster, so one cluster per Service cannot keep
// that promise. For a rule with session persistence and several backends we
// therefore route to one cluster of its own holding every backend's endpoints:
// one locality per backend weighted by the backend weight (locality-weighted
// load balancing keeps the split for new sessions), and weight-0 backends in
// priority 1, where only a session's override host (or failover) reaches them.
import type { HTTPBackendRef } from "../../../api/gateway-api.ts";
import type { IrCluster, IrLocality } from "../../ir.ts";
import type { ClusterCache } from "../../resolve/backends.ts";
import type { RuleBackends } from "../../resolve/hooks.ts";

/** `session/<kind>/<ns>/<name>/rule/<rule>`: the per-rule cluster. */
export function sessionClusterName(kind: string, ns: string, name: string, rule: string | number): string {
  return `session/${kind.toLowerCase()}/${ns}/${name}/rule/${rule}`;
}

/**
 * The merged form of `b`, or undefined when it is not needed (one backend) or
 * not possible without losing something: backend-level header filters, or
 * backends that differ in upstream protocol or TLS (one cluster has one of
 * each). Those rules keep per-Service clusters (documented gap).
 */
export function sessionSplit(
  refs: readonly HTTPBackendRef[] | undefined,
  cache: ClusterCache,
  kind: string,
  ns: string,
  routeName: string,
  rule: string | number,
  b: RuleBackends,
): RuleBackends | undefined {
  const weighted = new Map<string, { cluster: IrCluster; weight: number }>();
  for (const ref of Array.isArray(refs) ? refs : []) {
    if (!ref || typeof ref !== "object") continue;
    const res = cache.resolve(ref, kind, ns);
    if (!res.ok) continue;
    if (Array.isArray(ref.filters) && ref.filters.length > 0) return undefined;
    const weight = typeof ref.weight === "number" && Number.isInteger(ref.weight) && ref.weight >= 0 ? ref.weight : 1;
    const prev = weighted.get(res.cluster.name);
    if (prev) prev.weight += weight;
    else weighted.set(res.cluster.name, { cluster: res.cluster, weight });
  }
  const all = [...weighted.values()];
  if (all.length < 2) return undefined;
  const first = all[0];
  // Features decorate the Services' clusters after compiling (BackendTLSPolicy); the merged cluster has no Service of its own.
  if (!first || all.some((x) => x.cluster.protocol !== first.cluster.protocol || cache.decorated(x.cluster))) return undefined;
  const localities: IrLocality[] = [];
  for (const { cluster, weight } of all) {
    const endpoints = cluster.localities.flatMap((l) => l.endpoints);
    if (endpoints.length === 0) continue;
    localities.push(weight > 0 ? { zone: cluster.name, weight, endpoints } : { zone: cluster.name, priority: 1, endpoints });
  }
  // Without a weighted backend that has endpoints there is nothing to split.
  if (!localities.some((l) => l.priority === undefined)) return undefined;
  const merged: IrCluster = {
    name: sessionClusterName(kind, ns, routeName, rule),
    protocol: first.cluster.protocol,
    localities,
  };
  const total = all.reduce((s, x) => s + x.weight, 0);
  return {
    backends: [{ cluster: merged.name, weight: total }],
    // The Services' own clusters stay listed: policy status and endpoints refer to them.
    clusters: [merged, ...b.clusters],
    invalidWeight: b.invalidWeight,
  };
}
