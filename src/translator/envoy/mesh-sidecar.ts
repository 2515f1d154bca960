// The snapshot an Envoy sidecar of one namespace reads: Envoy asks for every listener (wildcard LDS), so
// it must get only its namespace's view of the sidecar listeners: a consumer view's listener where the
// namespace has one for that Service port, else the producer's; never the api_listeners (for proxyless
// clients) or another namespace's. Route tables, clusters and endpoints are the mesh snapshot's.
import type { XdsResources } from "../../api/xds.ts";
import { MESH_SIDECAR_PREFIX, meshViewPrefix } from "../names.ts";

/** Whether the mesh snapshot carries sidecar listeners (the translator option meshSidecars). */
export function hasSidecarListeners(mesh: XdsResources): boolean {
  return mesh.listeners.some((l) => l.name.startsWith(MESH_SIDECAR_PREFIX));
}

export function sidecarView(mesh: XdsResources, namespace: string): XdsResources {
  const prefix = meshViewPrefix(namespace);
  const own = new Map(mesh.listeners.filter((l) => l.name.startsWith(prefix + MESH_SIDECAR_PREFIX)).map((l) => [l.name.slice(prefix.length), l]));
  const listeners = mesh.listeners.filter((l) => l.name.startsWith(MESH_SIDECAR_PREFIX)).map((l) => own.get(l.name) ?? l);
  return { ...mesh, listeners };
}
