// TLSRoute (v1alpha2 and v1 share the shape): connections picked by SNI on TLS
// listeners and forwarded as TCP to the backends. On a Passthrough listener the
// client's TLS goes through untouched; on a Terminate listener the Gateway
// ends TLS and forwards plaintext (or re-encrypts under a BackendTLSPolicy).
// Attachment, hostname intersection and parent status are the shared ones
// (attach.ts); what is here is the backends and the per-listener view.
import type { TLSRoute } from "../../api/gateway-api.ts";
import { routeName } from "../names.ts";
import type { IrL4Route } from "../ir.ts";
import type { ClusterCache } from "./backends.ts";
import type { CompiledL4Route, CompiledRoute } from "./compiled-route.ts";
import { addL4Backends, emptyL4Backends, l4Order, l4ResolvedRefs } from "./l4routes.ts";
import type { ResolvedListener } from "./model.ts";

export function compileTLSRoute(route: TLSRoute, clusters: ClusterCache): CompiledRoute & { l4: CompiledL4Route } {
  const ns = route.metadata.namespace ?? "default";
  const acc = emptyL4Backends();
  const rules = Array.isArray(route.spec?.rules) ? route.spec.rules : [];
  for (const rule of rules) addL4Backends(acc, rule?.backendRefs, clusters, "TLSRoute", ns);
  return {
    entries: [],
    resolvedRefs: l4ResolvedRefs(acc.problems),
    invalidRules: [],
    unusable: false,
    l4: {
      routes: [
        {
          name: routeName("TLSRoute", ns, route.metadata.name, 0, 0),
          hostnames: [],
          backends: acc.backends,
          invalidWeight: acc.invalidWeight,
          // SNI conflicts go to the oldest route, then namespace/name (the spec's tie-break).
          order: l4Order(route),
        },
      ],
      clusters: acc.clusters,
    },
  };
}

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
