// TLSRoute (v1alpha2 and v1 share the shape): connections picked by SNI on TLS
// listeners and forwarded as TCP to the backends. On a Passthrough listener the
// client's TLS goes through untouched; on a Terminate listener the Gateway
// ends TLS and forwards plaintext (or re-encrypts under a BackendTLSPolicy).
// Attachment, hostname intersection and parent status are the shared ones
// (attach.ts); what is here is the backends and the per-listener view.
import type { L4BackendRef, TLSRoute } from "../../api/gateway-api.ts";
import { routeName } from "../envoy/names.ts";
import type { IrBackend, IrCluster, IrL4Route } from "../ir.ts";
import type { AttachableRoute } from "./attach.ts";
import type { ClusterCache } from "./backends.ts";
import { RouteReason } from "./conditions.ts";
import type { CompiledRoute } from "./httproute.ts";
import type { ResolvedListener } from "./model.ts";
import type { RouteKindHandler } from "./route-kinds.ts";

export function compileTLSRoute(route: TLSRoute, clusters: ClusterCache): CompiledRoute & { l4: { routes: IrL4Route[]; clusters: IrCluster[] } } {
  const ns = route.metadata.namespace ?? "default";
  const problems: { reason: string; message: string }[] = [];
  const backends: IrBackend[] = [];
  const used: IrCluster[] = [];
  let invalidWeight = 0;
  const rules = Array.isArray(route.spec?.rules) ? route.spec.rules : [];
  for (const rule of rules) {
    for (const ref of Array.isArray(rule?.backendRefs) ? (rule.backendRefs as L4BackendRef[]) : []) {
      if (!ref || typeof ref !== "object") continue;
      const weight = typeof ref.weight === "number" && Number.isInteger(ref.weight) && ref.weight >= 0 ? ref.weight : 1;
      const res = clusters.resolve(ref, "TLSRoute", ns);
      if (!res.ok) {
        problems.push({ reason: res.reason, message: res.message });
        invalidWeight += weight;
        continue;
      }
      if (weight === 0) continue;
      const same = backends.find((b) => b.cluster === res.cluster.name);
      if (same) same.weight += weight;
      else backends.push({ cluster: res.cluster.name, weight });
      if (!used.includes(res.cluster)) used.push(res.cluster);
    }
  }
  const first = problems[0];
  return {
    entries: [],
    resolvedRefs: first
      ? { ok: false, reason: first.reason, message: problems.map((p) => p.message).join("; ") }
      : { ok: true, reason: RouteReason.ResolvedRefs, message: "All references are resolved" },
    invalidRules: [],
    unusable: false,
    l4: {
      routes: [
        {
          name: routeName("TLSRoute", ns, route.metadata.name, 0, 0),
          hostnames: [],
          backends,
          invalidWeight,
          // SNI conflicts go to the oldest route, then namespace/name (the spec's tie-break).
          order: `${route.metadata.creationTimestamp ?? ""}\u0000${ns}/${route.metadata.name}`,
        },
      ],
      clusters: used,
    },
  };
}

export const TLS_ROUTE_KIND: RouteKindHandler = {
  kind: "TLSRoute",
  usesHostnames: true,
  list: (rs) => rs.list("TLSRoute"),
  compile: (route: AttachableRoute, ctx) => compileTLSRoute(route as TLSRoute, ctx.clusters),
};

/**
 * An L4 route as one listener serves it: the SNI names are the route's
 * hostnames intersected with the listener's (`*` = any), and a terminating
 * listener's TLS settings come along so the emitter can end TLS on that chain.
 */
export function l4RouteOnListener(r: IrL4Route, l: ResolvedListener, hostnames: readonly string[]): IrL4Route {
  const out: IrL4Route = { ...r, hostnames: hostnames.includes("*") ? [] : [...hostnames] };
  if (l.protocol === "TLS" && l.tls) out.tls = l.tls;
  return out;
}
