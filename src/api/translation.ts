// The contract of translate(): its options and its result.
import type { GatewayClass, GatewayStatus, ListenerSetStatus, PolicyAncestorStatus, RouteParentStatus } from "./gateway-api.ts";
import type { XdsResources } from "./xds.ts";

export const DEFAULT_CONTROLLER_NAME = "switchyard.dev/gateway-controller";

export interface TranslatorOptions {
  /** GatewayClasses whose spec.controllerName equals this are ours. */
  controllerName: string;
  /**
   * GAMMA: routes whose parentRef is a Service are programmed into the mesh
   * snapshot and get status entries under `controllerName`. Default true;
   * false leaves them to another mesh (docs/mesh.md).
   */
  mesh?: boolean;
  /**
   * Which Service ports the mesh snapshot holds once any route has a Service
   * parent: "all" (default; every ClusterIP Service port is an xds:/// target)
   * or "routed" (only the ports mesh routes attach to; smaller snapshots).
   */
  meshServices?: "all" | "routed";
  /**
   * GAMMA for Envoy sidecars: every ClusterIP Service port also gets a socket listener on
   * `<clusterIP>:<port>` (`sidecar/…`, in consumer views `mesh/ns/<ns>/sidecar/…`) reading the same route
   * table as its api_listener, and the mesh snapshot exists even before any route has a Service parent
   * (sidecars carry all of a client's Service traffic). The controller serves each namespace's sidecars
   * their view (docs/mesh.md). Default false.
   */
  meshSidecars?: boolean;
  /** DNS suffix of Service names in mesh targets (`<svc>.<ns>.svc.<clusterDomain>`). Default "cluster.local". */
  clusterDomain?: string;
}

/** Identifies the object a status update is for. */
export interface StatusTarget {
  apiVersion: string;
  namespace?: string;
  name: string;
}

export type StatusUpdate =
  | { kind: "GatewayClass"; target: StatusTarget; status: NonNullable<GatewayClass["status"]> }
  | { kind: "Gateway"; target: StatusTarget; status: GatewayStatus }
  | { kind: "ListenerSet"; target: StatusTarget; status: ListenerSetStatus }
  | {
      kind: "HTTPRoute" | "GRPCRoute" | "TLSRoute" | "TCPRoute" | "UDPRoute";
      target: StatusTarget;
      /** Only the entries whose controllerName is ours; the writer merges them with others'. */
      parents: RouteParentStatus[];
    }
  | {
      kind: "BackendTLSPolicy" | "BackendLBPolicy";
      target: StatusTarget;
      /** Only the entries whose controllerName is ours. */
      ancestors: PolicyAncestorStatus[];
    };

export interface GatewaySnapshot {
  /** `namespace/name` of the Gateway; Envoy's node.cluster. */
  key: string;
  resources: XdsResources;
}

export interface TranslationResult {
  /** One per Gateway of one of our GatewayClasses, sorted by key. */
  gateways: GatewaySnapshot[];
  /** GAMMA outputs for mesh clients, when any route has a Service parent. */
  mesh?: XdsResources;
  /** Status for every object we own a condition on, sorted by kind then key. */
  statuses: StatusUpdate[];
}
