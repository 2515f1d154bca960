// One Envoy resource encoded once: its Any bytes, its content-hash version and
// the ready-made wire fields that SotW and Delta responses are assembled from.
import { createHash } from "node:crypto";
import { toBinary, type DescMessage, type Message } from "@bufbuild/protobuf";
import { ClusterSchema } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema } from "../gen/envoy/config/route/v3/route_pb.js";
import { SecretSchema } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { TYPE_URL, type ResourceType, type XdsResources } from "../api/xds.ts";
import { concat, lengthDelimited, stringField } from "./wire.ts";
import type { Violation } from "./validate/types.ts";

export const SCHEMA: Record<ResourceType, DescMessage> = {
  listener: ListenerSchema,
  route: RouteConfigurationSchema,
  cluster: ClusterSchema,
  endpoint: ClusterLoadAssignmentSchema,
  secret: SecretSchema,
};

/** The XdsResources field holding each type. */
export const RESOURCES_FIELD = {
  listener: "listeners",
  route: "routes",
  cluster: "clusters",
  endpoint: "endpoints",
  secret: "secrets",
} as const satisfies Record<ResourceType, keyof XdsResources>;

export const RESOURCE_TYPES: readonly ResourceType[] = ["listener", "route", "cluster", "endpoint", "secret"];

const TYPE_BY_URL = new Map<string, ResourceType>(RESOURCE_TYPES.map((t) => [TYPE_URL[t], t]));

export function typeOfUrl(typeUrl: string): ResourceType | undefined {
  return TYPE_BY_URL.get(typeUrl);
}

/** Only LDS and CDS support wildcard subscriptions (and full-state SotW responses). */
export function isFullStateType(type: ResourceType | undefined): boolean {
  return type === "listener" || type === "cluster";
}

/**
 * Removals of this type wait until the replacements are served (make before
 * break). Not listeners: a replacement often binds the same address, and
 * Envoy applies an LDS update's removals before its additions, so both must
 * travel in one response.
 */
export function deferRemoval(type: ResourceType | undefined): boolean {
  return type !== "listener";
}

/** The xDS name of a resource: ClusterLoadAssignment is named by cluster_name. */
export function resourceName(type: ResourceType, msg: Message): string {
  const m = msg as unknown as { name?: string; clusterName?: string };
  return (type === "endpoint" ? m.clusterName : m.name) ?? "";
}

export function contentHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64url").slice(0, 16);
}

export class EncodedResource {
  readonly type: ResourceType;
  readonly name: string;
  readonly message: Message;
  /** Content hash of the serialized resource. */
  readonly version: string;
  /** google.protobuf.Any bytes. */
  readonly any: Uint8Array;
  /** `resources` (field 2) entry of a DiscoveryResponse. */
  readonly sotwField: Uint8Array;
  #deltaField: Uint8Array | undefined;
  /** Its own validate.rules violations, computed once per content version. */
  violations: Violation[] | undefined;

  constructor(type: ResourceType, name: string, message: Message, value: Uint8Array, version: string) {
    this.type = type;
    this.message = message;
    this.name = name;
    this.version = version;
    this.any = concat([stringField(1, TYPE_URL[type]), lengthDelimited(2, value)]);
    this.sotwField = lengthDelimited(2, this.any);
  }

  /** `resources` (field 2) entry of a DeltaDiscoveryResponse: Resource{name, version, resource}. */
  get deltaField(): Uint8Array {
    this.#deltaField ??= lengthDelimited(
      2,
      concat([stringField(3, this.name), stringField(1, this.version), lengthDelimited(2, this.any)]),
    );
    return this.#deltaField;
  }
}

/** A resource already serialized (and validated) elsewhere, e.g. in the translation worker. */
export interface PreparedEncoding {
  /** toBinary of the message. */
  bytes: Uint8Array;
  /** contentHash(bytes). */
  version: string;
  /** Its own validate.rules violations (validateMessage and uniquenessViolations). */
  violations: Violation[];
}

/**
 * Encode a resource, reusing `previous` (same name, earlier snapshot) when the
 * content is unchanged so that unchanged resources keep sharing their bytes.
 */
export function encodeResource(type: ResourceType, message: Message, previous?: EncodedResource): EncodedResource {
  const value = toBinary(SCHEMA[type], message);
  const version = contentHash(value);
  if (previous && previous.version === version) return previous;
  return new EncodedResource(type, resourceName(type, message), message, value, version);
}

/** Version of a set of resources: changes exactly when a name or a content version changes. */
export function setVersion(items: Iterable<EncodedResource>): string {
  const h = createHash("sha256");
  for (const r of items) h.update(r.name).update("\0").update(r.version).update("\n");
  return h.digest("base64url").slice(0, 16);
}
