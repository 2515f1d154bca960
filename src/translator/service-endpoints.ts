// The ClusterLoadAssignment of one Service port on its own: what translate()
// emits for a plain backendRef to that port, from the same code (the backend
// resolver's cluster and the endpoint emitter). The controller's EndpointSlice
// fast path uses it to refresh endpoints without translating routes
// (src/controller/endpoint-fast-path.ts).
import type { ResourceSet } from "../api/resource-set.ts";
import type { ClusterLoadAssignment } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { emitEndpoints } from "./envoy/endpoint.ts";
import { ClusterCache } from "./resolve/backends.ts";

/** undefined when the Service or the port does not exist. */
export function serviceLoadAssignment(rs: ResourceSet, namespace: string, name: string, port: number): ClusterLoadAssignment | undefined {
  // Same namespace: no ReferenceGrant is involved.
  const res = new ClusterCache(rs).resolve({ name, port }, "HTTPRoute", namespace);
  return res.ok ? emitEndpoints(res.cluster) : undefined;
}
