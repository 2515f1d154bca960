// The Envoy resources a snapshot holds, shared by the translator (which makes
// them) and xds/ (which serves them). What xds/ knows about each type (stages,
// full state, removal order, validation) is its descriptor in
// xds/resource-types.ts.
import type { Cluster } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import type { ClusterLoadAssignment } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import type { Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import type { RouteConfiguration } from "../gen/envoy/config/route/v3/route_pb.js";
import type { Secret } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";

export const TYPE_URL = {
  cluster: "type.googleapis.com/envoy.config.cluster.v3.Cluster",
  endpoint: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
  listener: "type.googleapis.com/envoy.config.listener.v3.Listener",
  route: "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
  secret: "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret",
} as const;

export type ResourceType = keyof typeof TYPE_URL;
export type TypeUrl = (typeof TYPE_URL)[ResourceType];

export interface XdsResources {
  listeners: Listener[];
  routes: RouteConfiguration[];
  clusters: Cluster[];
  endpoints: ClusterLoadAssignment[];
  secrets: Secret[];
}

export function emptyResources(): XdsResources {
  return { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] };
}

/** The snapshot key of the mesh (GAMMA) outputs; Gateways use `namespace/name`. */
export const MESH_SNAPSHOT_KEY = "mesh";

/** The snapshot key of the Envoy sidecars of one namespace: `mesh-sidecar/<namespace>` (docs/mesh.md). */
export function meshSidecarSnapshotKey(namespace: string): string {
  return `mesh-sidecar/${namespace}`;
}
