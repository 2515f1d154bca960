// Every Envoy resource name switchyard emits is built here, so that names stay
// readable, stable and documented in one place (docs/resource-names.md).

/** Listener for one Gateway port: `<ns>/<gateway>/<first listener name on that port>`. */
export function listenerName(gwNamespace: string, gwName: string, firstListener: string): string {
  return `${gwNamespace}/${gwName}/${firstListener}`;
}

/** RouteConfiguration of an HTTP(S) port: same as its listener's name. */
export function routeConfigName(listener: string): string {
  return listener;
}

/** A filter chain of a listener: the Gateway listener name it serves. */
export function filterChainName(gwNamespace: string, gwName: string, gatewayListener: string): string {
  return `${gwNamespace}/${gwName}/${gatewayListener}`;
}

/** Virtual host: `<listener>/<domain>` (`*` for the catch-all). */
export function virtualHostName(listener: string, domain: string): string {
  return `${listener}/${domain}`;
}

/**
 * What a variant cluster of a Service port differs in from the port's own
 * settings (resolve/backends.ts): `http2` — HTTP/2 for a GRPCRoute on a port
 * whose appProtocol says HTTP/1.1; `tls-passthrough` — TLS passthrough to a
 * port that a BackendTLSPolicy makes the other routes reach over TLS.
 */
export const CLUSTER_VARIANT = { http2: "http2", tlsPassthrough: "tls-passthrough" } as const;
export type ClusterVariant = (typeof CLUSTER_VARIANT)[keyof typeof CLUSTER_VARIANT];

/**
 * Cluster (and its ClusterLoadAssignment) for one port of a Service:
 * `service/<ns>/<name>/<port>` with the port's own settings, and
 * `service/<ns>/<name>/<port>/<variant>` for a variant.
 */
export function serviceClusterName(namespace: string, name: string, port: number, variant?: ClusterVariant): string {
  return variant === undefined ? `service/${namespace}/${name}/${port}` : `service/${namespace}/${name}/${port}/${variant}`;
}

/**
 * A weighted-cluster entry that is deliberately never sent: Envoy answers the
 * traffic share routed to it with cluster_not_found_response_code (500). Used
 * for the weighted share of invalid backendRefs.
 */
export const INVALID_BACKEND_CLUSTER = "invalid-backend";

/** Route entry: `<kind>/<ns>/<name>/rule/<rule>/match/<match>`. */
export function routeName(kind: string, namespace: string, name: string, rule: number | string, match: number): string {
  return `${kind.toLowerCase()}/${namespace}/${name}/rule/${rule}/match/${match}`;
}

/** SDS secret for a Secret referenced by a Gateway listener. */
export function secretName(namespace: string, name: string): string {
  return `secret/${namespace}/${name}`;
}

/** SDS secret for a CA bundle held in a ConfigMap or Secret, or (no namespace) a ClusterTrustBundle. */
export function caSecretName(kind: string, namespace: string | undefined, name: string): string {
  return namespace === undefined ? `ca/${kind.toLowerCase()}/${name}` : `ca/${kind.toLowerCase()}/${namespace}/${name}`;
}

/** Stat prefix of a listener's connection manager (no `/`: stats use `.` and `_`). */
export function statPrefix(listener: string): string {
  return listener.replace(/[^A-Za-z0-9_-]/g, "_");
}

// ---- GAMMA mesh (resolve/mesh.ts, envoy/mesh.ts; docs/mesh.md) ----

/** A Service's in-cluster DNS name, the host part of a mesh client's target. */
export function meshServiceHost(namespace: string, name: string, clusterDomain: string): string {
  return `${name}.${namespace}.svc.${clusterDomain}`;
}

/** Prefix of the listener names of a consumer namespace's view: `mesh/ns/<namespace>/`. */
export function meshViewPrefix(clientNamespace: string): string {
  return `mesh/ns/${clientNamespace}/`;
}

/**
 * Mesh api_listener for one Service port: exactly the gRPC target's path,
 * `<svc>.<ns>.svc.<domain>:<port>` (`xds:///` + this name); in a consumer
 * namespace's view prefixed with meshViewPrefix (the client's listener name
 * template `mesh/ns/<namespace>/%s`).
 */
export function meshListenerName(host: string, port: number, clientNamespace?: string): string {
  const base = `${host}:${port}`;
  return clientNamespace === undefined ? base : `${meshViewPrefix(clientNamespace)}${base}`;
}

/** An Envoy sidecar's listener for a Service port: `sidecar/<clusterIP>:<port>`, in a view prefixed like meshListenerName. */
export function meshSidecarListenerName(clusterIP: string, port: number, clientNamespace?: string): string {
  const base = `${MESH_SIDECAR_PREFIX}${clusterIP.includes(":") ? `[${clusterIP}]` : clusterIP}:${port}`;
  return clientNamespace === undefined ? base : `${meshViewPrefix(clientNamespace)}${base}`;
}
export const MESH_SIDECAR_PREFIX = "sidecar/";

/** RouteConfiguration of a mesh listener: the listener's own name. */
export function meshRouteConfigName(listener: string): string {
  return listener;
}

/** The implicit route of a Service port no mesh route attaches to: straight to the Service. */
export function meshDefaultRouteName(namespace: string, name: string, port: number): string {
  return `service/${namespace}/${name}/${port}/default`;
}
