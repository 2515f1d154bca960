// One descriptor per xDS resource type: everything the cache, the streams and
// the validator need to know about a type lives here, and every ordered list
// of types is derived from these entries instead of being written out again.
// Each descriptor is built on the type's entry in api/xds-types.ts (type URL,
// schema, field, name), which api/ shares.
import { fromBinary, toBinary, type DescMessage, type Message } from "@bufbuild/protobuf";
import type { Cluster } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import type { ClusterLoadAssignment } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import type { Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import type { RouteConfiguration } from "../gen/envoy/config/route/v3/route_pb.js";
import type { Secret } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import type { ResourceType, XdsResources } from "../api/xds.ts";
import { CLUSTER_TYPE, ENDPOINT_TYPE, LISTENER_TYPE, ROUTE_TYPE, SECRET_TYPE, type ResourceTypeInfo } from "../api/xds-types.ts";
import type { Violation } from "./validate/types.ts";
import { listenerUniqueness, routeUniqueness } from "./validate/uniqueness.ts";

/** A type's entry of api/xds-types.ts (type, typeUrl, field, nameField, name) and how xds/ serves it. */
export interface ResourceTypeDescriptor<M extends Message = Message> extends Omit<ResourceTypeInfo<M>, "schema"> {
  /** The message schema: wire encoding, and the validate.rules annotations the validator reads. */
  readonly schema: DescMessage;
  /**
   * Make-before-break stage: a stage is pushed only once every earlier one is
   * answered (ACK or NACK). Types that share a stage do not wait for each other.
   */
  readonly stage: number;
  /**
   * Full state: wildcard subscriptions, and every SotW response carries the
   * whole set (a missing resource is a removal). Only LDS and CDS.
   */
  readonly fullState: boolean;
  /**
   * Removals wait until every stage's replacements are answered. Not
   * listeners: a replacement often binds the same address, and Envoy applies
   * an LDS update's removals before its additions, so both travel together.
   */
  readonly deferRemoval: boolean;
  /** Position among the deferred removals: what uses a resource goes before it. */
  readonly removalRank: number;
  /** Position in dependency order (validation): what a type may depend on comes first. */
  readonly dependencyRank: number;
  encode(m: M): Uint8Array;
  decode(bytes: Uint8Array): M;
  /** Checks Envoy makes on load that no validate.rules annotation states (validate/uniqueness.ts). */
  loadChecks(m: M): Violation[];
}

const none = (): Violation[] => [];

type ServingRules<M extends Message> = Pick<ResourceTypeDescriptor<M>, "stage" | "fullState" | "deferRemoval" | "removalRank" | "dependencyRank"> & {
  loadChecks?: (m: M) => Violation[];
};

function descriptor<M extends Message>(base: ResourceTypeInfo<M>, rules: ServingRules<M>): ResourceTypeDescriptor<M> {
  const schema = base.schema;
  return {
    ...base,
    ...rules,
    encode: (m) => toBinary(schema, m),
    decode: (bytes) => fromBinary(schema, bytes),
    loadChecks: rules.loadChecks ?? none,
  };
}

/*
 * The stages: clusters, then their endpoints and the secrets, then listeners,
 * then routes; deferred removals after all of that.
 *
 * Endpoints and secrets do not wait for the clusters' ACK: Envoy ACKs a CDS
 * response only once the clusters it adds have warmed, and they warm on the
 * EDS (and SDS) answers for the names they ask for; waiting for that ACK would
 * hold every new cluster until its initial_fetch_timeout (15 s). Only names
 * the client subscribed to are answered, and it subscribes them for clusters
 * it already holds, so clusters still come first.
 */
const LISTENER = descriptor<Listener>(LISTENER_TYPE, {
  stage: 2,
  fullState: true,
  deferRemoval: false,
  removalRank: 0,
  dependencyRank: 4,
  loadChecks: listenerUniqueness,
});

const ROUTE = descriptor<RouteConfiguration>(ROUTE_TYPE, {
  stage: 3,
  fullState: false,
  deferRemoval: true,
  removalRank: 1,
  dependencyRank: 3,
  loadChecks: routeUniqueness,
});

const CLUSTER = descriptor<Cluster>(CLUSTER_TYPE, {
  stage: 0,
  fullState: true,
  deferRemoval: true,
  removalRank: 2,
  dependencyRank: 1,
});

const ENDPOINT = descriptor<ClusterLoadAssignment>(ENDPOINT_TYPE, {
  stage: 1,
  fullState: false,
  deferRemoval: true,
  removalRank: 3,
  dependencyRank: 2,
});

const SECRET = descriptor<Secret>(SECRET_TYPE, {
  stage: 1,
  fullState: false,
  deferRemoval: true,
  removalRank: 4,
  dependencyRank: 0,
});

/** The descriptor of each type. */
export const DESCRIPTORS: Readonly<Record<ResourceType, ResourceTypeDescriptor>> = {
  listener: LISTENER,
  route: ROUTE,
  cluster: CLUSTER,
  endpoint: ENDPOINT,
  secret: SECRET,
};

/** Every type, in the order of XdsResources. */
export const RESOURCE_TYPES: readonly ResourceType[] = Object.keys(DESCRIPTORS) as ResourceType[];

const byRank = (rank: (d: ResourceTypeDescriptor) => number): ResourceType[] =>
  RESOURCE_TYPES.map((t) => DESCRIPTORS[t]).sort((a, b) => rank(a) - rank(b)).map((d) => d.type);

/** The push stages in order, each listing its types in the order of XdsResources. */
export const PUSH_STAGES: readonly (readonly ResourceType[])[] = (() => {
  const stages: ResourceType[][] = [];
  for (const t of RESOURCE_TYPES) (stages[DESCRIPTORS[t].stage] ??= []).push(t);
  return stages.filter((s) => s !== undefined);
})();

/** Every type in push order (the stages flattened); also the order a snapshot's version hashes them in. */
export const PUSH_ORDER: readonly ResourceType[] = PUSH_STAGES.flat();

/** The order deferred removals go out in. */
export const REMOVAL_ORDER: readonly ResourceType[] = byRank((d) => d.removalRank);

/** Dependency order: what a type may depend on comes before it. */
export const DEPENDENCY_ORDER: readonly ResourceType[] = byRank((d) => d.dependencyRank);

const BY_URL = new Map<string, ResourceTypeDescriptor>(RESOURCE_TYPES.map((t) => [DESCRIPTORS[t].typeUrl, DESCRIPTORS[t]]));

/** The descriptor of a type URL; undefined for types switchyard does not serve. */
export function descriptorOfUrl(typeUrl: string): ResourceTypeDescriptor | undefined {
  return BY_URL.get(typeUrl);
}

/** The type of a type URL; undefined for types switchyard does not serve. */
export function typeOfUrl(typeUrl: string): ResourceType | undefined {
  return BY_URL.get(typeUrl)?.type;
}

/** The resources of `type` in a snapshot's input. */
export function resourcesOf(resources: XdsResources, type: ResourceType): readonly Message[] {
  return resources[DESCRIPTORS[type].field];
}
