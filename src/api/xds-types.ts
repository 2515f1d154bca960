// What each xDS resource type is: its type URL, message schema, XdsResources
// field and how a resource is named, one entry per type. xds/resource-types.ts
// builds each type's full descriptor on its entry (adding how the type is
// served: stages, full state, removal and dependency order, validation);
// api/xds-json.ts prints resources with it. A leaf of api/ (it imports gen
// only), so that api/ and xds/ share it without api/ importing xds/.
import type { Message } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import { ClusterSchema, type Cluster } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema, type ClusterLoadAssignment } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema, type Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema, type RouteConfiguration } from "../gen/envoy/config/route/v3/route_pb.js";
import { SecretSchema, type Secret } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { TYPE_URL, type ResourceType, type TypeUrl, type XdsResources } from "./xds.ts";

export interface ResourceTypeInfo<M extends Message = Message> {
  readonly type: ResourceType;
  readonly typeUrl: TypeUrl;
  /** The message schema: wire encoding, JSON form, and the validate.rules annotations the validator reads. */
  readonly schema: GenMessage<M>;
  /** The XdsResources field holding resources of this type. */
  readonly field: keyof XdsResources;
  /** The proto field that names a resource, for violations about the name. */
  readonly nameField: "name" | "cluster_name";
  /** The xDS name of a resource. */
  name(m: M): string;
}

function info<M extends Message>(d: Omit<ResourceTypeInfo<M>, "typeUrl">): ResourceTypeInfo<M> {
  return { ...d, typeUrl: TYPE_URL[d.type] };
}

export const LISTENER_TYPE = info<Listener>({ type: "listener", schema: ListenerSchema, field: "listeners", nameField: "name", name: (m) => m.name });
export const ROUTE_TYPE = info<RouteConfiguration>({ type: "route", schema: RouteConfigurationSchema, field: "routes", nameField: "name", name: (m) => m.name });
export const CLUSTER_TYPE = info<Cluster>({ type: "cluster", schema: ClusterSchema, field: "clusters", nameField: "name", name: (m) => m.name });
export const ENDPOINT_TYPE = info<ClusterLoadAssignment>({
  type: "endpoint",
  schema: ClusterLoadAssignmentSchema,
  field: "endpoints",
  nameField: "cluster_name",
  name: (m) => m.clusterName,
});
export const SECRET_TYPE = info<Secret>({ type: "secret", schema: SecretSchema, field: "secrets", nameField: "name", name: (m) => m.name });

/** Each type's entry, in the order of XdsResources. */
export const RESOURCE_TYPE_INFO: Readonly<Record<ResourceType, ResourceTypeInfo>> = {
  listener: LISTENER_TYPE,
  route: ROUTE_TYPE,
  cluster: CLUSTER_TYPE,
  endpoint: ENDPOINT_TYPE,
  secret: SECRET_TYPE,
};
