// IR clusters -> ClusterLoadAssignments: one locality per zone (always set,
// as gRPC clients require), IP-literal addresses, draining for terminating.
import { create } from "@bufbuild/protobuf";
import { ClusterLoadAssignmentSchema, type ClusterLoadAssignment } from "../../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { HealthStatus } from "../../gen/envoy/config/core/v3/health_check_pb.js";
import type { IrCluster } from "../ir.ts";

export function emitEndpoints(c: IrCluster): ClusterLoadAssignment {
  return create(ClusterLoadAssignmentSchema, {
    clusterName: c.name,
    endpoints: c.localities.map((loc) => ({
      locality: { zone: loc.zone },
      // gRPC clients (gRFC A27) drop localities without a weight; Envoy ignores it
      // unless locality-weighted LB is on. Weight by size keeps endpoints equal.
      loadBalancingWeight: loc.weight ?? Math.max(1, loc.endpoints.length),
      ...(loc.priority ? { priority: loc.priority } : {}),
      lbEndpoints: loc.endpoints.map((e) => ({
        hostIdentifier: {
          case: "endpoint" as const,
          value: { address: { address: { case: "socketAddress" as const, value: { address: e.address, portSpecifier: { case: "portValue" as const, value: e.port } } } } },
        },
        healthStatus: e.health === "Healthy" ? HealthStatus.HEALTHY : HealthStatus.DRAINING,
      })),
    })),
  });
}
