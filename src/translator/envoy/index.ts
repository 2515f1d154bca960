// IR gateway -> the xDS resources of its snapshot, each list sorted by name.
import type { Listener } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import type { XdsResources } from "../../api/xds.ts";
import type { IrGateway } from "../ir.ts";
import { emitCluster } from "./cluster.ts";
import type { EmitHooks } from "./hooks.ts";
import { emitEndpoints } from "./endpoint.ts";
import { emitL4 } from "./l4.ts";
import { emitListener } from "./listener.ts";
import { emitRouteConfigurations } from "./route.ts";
import { secretResources } from "./secrets.ts";
import { tlsListenerHooks } from "./tls-hooks.ts";

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function emitGateway(g: IrGateway, features: readonly EmitHooks[]): XdsResources {
  const out: XdsResources = { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] };
  const tls = tlsListenerHooks(features);
  for (const l of g.listeners) {
    const listener: Listener | undefined = emitListener(l, features, tls);
    if (listener) out.listeners.push(listener);
    if (l.protocol === "HTTP" || l.protocol === "HTTPS") out.routes.push(...emitRouteConfigurations(l, features));
  }
  for (const c of g.clusters.values()) {
    const cluster = emitCluster(c);
    for (const f of features) f.cluster?.(c, cluster, g);
    out.clusters.push(cluster);
    out.endpoints.push(emitEndpoints(c));
  }
  // SDS secrets: only those this Gateway's own listeners and clusters reference.
  out.secrets.push(...secretResources(g.secrets));
  emitL4(g, out);
  out.listeners.sort(byName);
  out.routes.sort(byName);
  out.clusters.sort(byName);
  out.endpoints.sort((a, b) => (a.clusterName < b.clusterName ? -1 : a.clusterName > b.clusterName ? 1 : 0));
  out.secrets.sort(byName);
  return out;
}
