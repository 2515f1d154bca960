// ResourceSet: an immutable view of every input, indexed by kind and
// namespace/name. Both sources (file, kubernetes) build one; the translator reads it.
import type { ClusterTrustBundle, ConfigMap, EndpointSlice, Namespace, Secret, Service } from "./core.ts";
import type {
  BackendLBPolicy,
  BackendTLSPolicy,
  Gateway,
  GatewayClass,
  GRPCRoute,
  HTTPRoute,
  ListenerSet,
  ReferenceGrant,
  TCPRoute,
  TLSRoute,
  UDPRoute,
} from "./gateway-api.ts";
import type { K8sObject } from "./meta.ts";

export interface KindMap {
  GatewayClass: GatewayClass;
  Gateway: Gateway;
  ListenerSet: ListenerSet;
  HTTPRoute: HTTPRoute;
  GRPCRoute: GRPCRoute;
  TLSRoute: TLSRoute;
  TCPRoute: TCPRoute;
  UDPRoute: UDPRoute;
  ReferenceGrant: ReferenceGrant;
  BackendTLSPolicy: BackendTLSPolicy;
  BackendLBPolicy: BackendLBPolicy;
  Service: Service;
  EndpointSlice: EndpointSlice;
  Secret: Secret;
  ConfigMap: ConfigMap;
  Namespace: Namespace;
  ClusterTrustBundle: ClusterTrustBundle;
}

export type Kind = keyof KindMap;

export const KINDS: readonly Kind[] = [
  "GatewayClass",
  "Gateway",
  "ListenerSet",
  "HTTPRoute",
  "GRPCRoute",
  "TLSRoute",
  "TCPRoute",
  "UDPRoute",
  "ReferenceGrant",
  "BackendTLSPolicy",
  "BackendLBPolicy",
  "Service",
  "EndpointSlice",
  "Secret",
  "ConfigMap",
  "Namespace",
  "ClusterTrustBundle",
];

/** Kinds that have no namespace. */
export const CLUSTER_SCOPED: ReadonlySet<Kind> = new Set<Kind>(["GatewayClass", "Namespace", "ClusterTrustBundle"]);

export function isKind(kind: string): kind is Kind {
  return (KINDS as readonly string[]).includes(kind);
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: K8sObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

export type Store<K extends Kind> = ReadonlyMap<string, KindMap[K]>;

export interface ResourceSet {
  /** Objects of a kind, keyed by objectKey, in key order. */
  list<K extends Kind>(kind: K): readonly KindMap[K][];
  get<K extends Kind>(kind: K, key: string): KindMap[K] | undefined;
  /** EndpointSlices labelled with kubernetes.io/service-name = name, in namespace. */
  endpointSlicesFor(namespace: string, serviceName: string): readonly EndpointSlice[];
  /** Number of objects in total; for logs and metrics. */
  readonly size: number;
}

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

class FrozenResourceSet implements ResourceSet {
  readonly size: number;
  private readonly byKind: Map<Kind, Map<string, K8sObject>>;
  private readonly sorted = new Map<Kind, readonly K8sObject[]>();
  private readonly slicesByService = new Map<string, EndpointSlice[]>();

  /** `sorted`: lists already made for some kinds (of the same maps), e.g. by the set this one replaces. */
  constructor(byKind: Map<Kind, Map<string, K8sObject>>, sorted?: ReadonlyMap<Kind, readonly K8sObject[]>) {
    this.byKind = byKind;
    for (const [kind, list] of sorted ?? []) this.sorted.set(kind, list);
    let size = 0;
    for (const m of byKind.values()) size += m.size;
    this.size = size;
    for (const slice of this.list("EndpointSlice")) {
      const svc = slice.metadata.labels?.[SERVICE_NAME_LABEL];
      if (!svc) continue;
      const key = `${slice.metadata.namespace ?? ""}/${svc}`;
      const arr = this.slicesByService.get(key);
      if (arr) arr.push(slice);
      else this.slicesByService.set(key, [slice]);
    }
  }

  list<K extends Kind>(kind: K): readonly KindMap[K][] {
    let arr = this.sorted.get(kind);
    if (!arr) {
      const m = this.byKind.get(kind);
      arr = m ? [...m.keys()].sort().map((k) => m.get(k) as K8sObject) : [];
      this.sorted.set(kind, arr);
    }
    return arr as readonly KindMap[K][];
  }

  get<K extends Kind>(kind: K, key: string): KindMap[K] | undefined {
    return this.byKind.get(kind)?.get(key) as KindMap[K] | undefined;
  }

  endpointSlicesFor(namespace: string, serviceName: string): readonly EndpointSlice[] {
    return this.slicesByService.get(`${namespace}/${serviceName}`) ?? [];
  }

  /** For updateResourceSet: the maps by kind (never changed once made). */
  maps(): ReadonlyMap<Kind, Map<string, K8sObject>> {
    return this.byKind;
  }

  /** For updateResourceSet: the kinds' lists made so far. */
  sortedLists(): ReadonlyMap<Kind, readonly K8sObject[]> {
    return this.sorted;
  }
}

/**
 * Builds a ResourceSet. Objects whose kind switchyard does not read are ignored
 * (the caller decides whether that is worth a warning). A later object with the
 * same kind and key replaces an earlier one.
 */
export function buildResourceSet(objects: Iterable<K8sObject>): ResourceSet {
  const byKind = new Map<Kind, Map<string, K8sObject>>();
  for (const obj of objects) {
    if (!isKind(obj.kind)) continue;
    let m = byKind.get(obj.kind);
    if (!m) byKind.set(obj.kind, (m = new Map()));
    m.set(objectKey(obj), obj);
  }
  return new FrozenResourceSet(byKind);
}

/**
 * `prev` with objects replaced or added (`upserts`) and removed (`deletes`, by kind and key). Kinds
 * without changes share prev's maps and sorted lists, so a one-object change costs the size of its kind
 * rather than of every input.
 */
export function updateResourceSet(prev: ResourceSet, upserts: readonly K8sObject[], deletes: readonly (readonly [Kind, string])[]): ResourceSet {
  if (!(prev instanceof FrozenResourceSet)) throw new Error("updateResourceSet: not a ResourceSet made here");
  const byKind = new Map(prev.maps());
  const copied = new Set<Kind>();
  const edit = (kind: Kind) => {
    if (!copied.has(kind)) {
      copied.add(kind);
      byKind.set(kind, new Map(byKind.get(kind)));
    }
    return byKind.get(kind)!;
  };
  for (const [kind, key] of deletes) if (byKind.get(kind)?.has(key)) edit(kind).delete(key);
  for (const obj of upserts) if (isKind(obj.kind)) edit(obj.kind).set(objectKey(obj), obj);
  const sorted = new Map<Kind, readonly K8sObject[]>();
  for (const [kind, list] of prev.sortedLists()) if (!copied.has(kind)) sorted.set(kind, list);
  return new FrozenResourceSet(byKind, sorted);
}

export const EMPTY_RESOURCE_SET: ResourceSet = buildResourceSet([]);
