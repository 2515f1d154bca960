// The EndpointSlice fast path: when the only inputs that changed are
// EndpointSlices, the routes, listeners and clusters of every snapshot stay
// what they were and only the ClusterLoadAssignments of the Services those
// slices belong to change. Those are rebuilt alone (service-endpoints.ts),
// without translating a single route.
// It is conservative: wherever endpoints can shape more than a
// ClusterLoadAssignment (session-persistence splits and UDP splits merge
// endpoints into clusters of their own, a fail-closed BackendTLSPolicy empties
// a cluster), or the previous output is not what a plain Service port gives,
// it declines and a full translation runs. The property test
// (test/controller/endpoint-fast-path.test.ts) checks it against full translations.
import { equals } from "@bufbuild/protobuf";
import type { EndpointSlice } from "../api/core.ts";
import type { ResourceSet } from "../api/resource-set.ts";
import type { TranslationResult } from "../api/translation.ts";
import type { XdsResources } from "../api/xds.ts";
import { ClusterLoadAssignmentSchema, type ClusterLoadAssignment } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { INVALID_BACKEND_CLUSTER } from "../translator/names.ts";
import { serviceLoadAssignment } from "../translator/service-endpoints.ts";
import { featuresShapeEndpoints } from "../translator/translate.ts";
import type { InputDelta } from "./translation-delta.ts";

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/** The new result, or undefined when a full translation is needed. */
export function endpointsOnly(prevRs: ResourceSet, prev: TranslationResult, rs: ResourceSet, delta: InputDelta): TranslationResult | undefined {
  const services = affectedServices(prevRs, rs, delta);
  if (!services || services.size === 0 || endpointsShapeMore(rs) || endpointsShapeMore(prevRs)) return undefined;
  const gateways = [];
  for (const g of prev.gateways) {
    const resources = refresh(g.resources, services, prevRs, rs);
    if (!resources) return undefined;
    gateways.push(resources === g.resources ? g : { key: g.key, resources });
  }
  let mesh = prev.mesh;
  if (mesh) {
    const resources = refresh(mesh, services, prevRs, rs);
    if (!resources) return undefined;
    mesh = resources;
  }
  return { gateways, ...(mesh ? { mesh } : {}), statuses: prev.statuses };
}

/** `namespace/name` of every Service whose slices changed; undefined when anything but EndpointSlices changed. */
function affectedServices(prevRs: ResourceSet, rs: ResourceSet, delta: InputDelta): Set<string> | undefined {
  const out = new Set<string>();
  const add = (slice: EndpointSlice | undefined) => {
    const svc = slice?.metadata.labels?.[SERVICE_NAME_LABEL];
    if (slice && svc) out.add(`${slice.metadata.namespace ?? ""}/${svc}`);
  };
  for (const obj of delta.upserts) {
    if (obj.kind !== "EndpointSlice") return undefined;
    const key = `${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
    add(prevRs.get("EndpointSlice", key));
    add(rs.get("EndpointSlice", key));
  }
  for (const [kind, key] of delta.deletes) {
    if (kind !== "EndpointSlice") return undefined;
    add(prevRs.get("EndpointSlice", key));
  }
  return out;
}

/** Inputs under which endpoints decide more than ClusterLoadAssignments. */
function endpointsShapeMore(rs: ResourceSet): boolean {
  // UDP splits merge endpoints (envoy/udp.ts); the features say for themselves.
  return rs.list("UDPRoute").length > 0 || featuresShapeEndpoints(rs);
}

/** The snapshot with the affected Services' assignments rebuilt; itself when none is in it; undefined to decline. */
function refresh(r: XdsResources, services: Set<string>, prevRs: ResourceSet, rs: ResourceSet): XdsResources | undefined {
  let changed = false;
  const endpoints: ClusterLoadAssignment[] = [];
  for (const cla of r.endpoints) {
    if (cla.clusterName === INVALID_BACKEND_CLUSTER) {
      endpoints.push(cla);
      continue;
    }
    // service/<namespace>/<name>/<port> (names.ts serviceClusterName); anything else may hold merged endpoints.
    const parts = cla.clusterName.split("/");
    if (parts.length !== 4 || parts[0] !== "service") return undefined;
    const [, ns, name, portText] = parts as [string, string, string, string];
    if (!services.has(`${ns}/${name}`)) {
      endpoints.push(cla);
      continue;
    }
    const port = Number(portText);
    // Only where the previous output is exactly what the Service port gave: then the new one is too.
    const before = serviceLoadAssignment(prevRs, ns, name, port);
    const after = serviceLoadAssignment(rs, ns, name, port);
    if (!before || !after || !equals(ClusterLoadAssignmentSchema, before, cla)) return undefined;
    if (equals(ClusterLoadAssignmentSchema, after, cla)) endpoints.push(cla);
    else {
      endpoints.push(after);
      changed = true;
    }
  }
  return changed ? { ...r, endpoints } : r;
}
