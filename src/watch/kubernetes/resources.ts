// Where each input kind lives in the Kubernetes API: group, plural, scope and
// the versions switchyard understands, best first.
import type { Kind } from "../../api/resource-set.ts";
import { GATEWAY_GROUP } from "../../api/gateway-api.ts";

export interface ResourceInfo {
  kind: Kind;
  /** "" for the core group. */
  group: string;
  plural: string;
  namespaced: boolean;
  /** Versions we can read, most preferred first. */
  versions: readonly string[];
  /** Its presence is discovered, not assumed: a Gateway API CRD, or an API a cluster may not serve (ClusterTrustBundle). */
  crd: boolean;
  /** Experimental-channel (or removed) kind: missing means the feature is off. */
  experimental: boolean;
}

const gw = (kind: Kind, plural: string, versions: string[], experimental = false, namespaced = true): ResourceInfo => ({
  kind,
  group: GATEWAY_GROUP,
  plural,
  namespaced,
  versions,
  crd: true,
  experimental,
});

export const RESOURCES: readonly ResourceInfo[] = [
  gw("GatewayClass", "gatewayclasses", ["v1", "v1beta1"], false, false),
  gw("Gateway", "gateways", ["v1", "v1beta1"]),
  // Standard since v1.5, so absent from older installs: missing means the feature is off.
  gw("ListenerSet", "listenersets", ["v1"], true),
  gw("HTTPRoute", "httproutes", ["v1", "v1beta1"]),
  gw("GRPCRoute", "grpcroutes", ["v1", "v1alpha2"]),
  gw("TLSRoute", "tlsroutes", ["v1", "v1alpha3", "v1alpha2"], true),
  gw("TCPRoute", "tcproutes", ["v1", "v1alpha2"], true),
  gw("UDPRoute", "udproutes", ["v1", "v1alpha2"], true),
  gw("ReferenceGrant", "referencegrants", ["v1", "v1beta1"]),
  gw("BackendTLSPolicy", "backendtlspolicies", ["v1", "v1alpha3"], true),
  gw("BackendLBPolicy", "backendlbpolicies", ["v1alpha2"], true),
  { kind: "Service", group: "", plural: "services", namespaced: true, versions: ["v1"], crd: false, experimental: false },
  { kind: "EndpointSlice", group: "discovery.k8s.io", plural: "endpointslices", namespaced: true, versions: ["v1"], crd: false, experimental: false },
  { kind: "Secret", group: "", plural: "secrets", namespaced: true, versions: ["v1"], crd: false, experimental: false },
  { kind: "ConfigMap", group: "", plural: "configmaps", namespaced: true, versions: ["v1"], crd: false, experimental: false },
  { kind: "Namespace", group: "", plural: "namespaces", namespaced: false, versions: ["v1"], crd: false, experimental: false },
  // caCertificateRefs (Gateway API v1.7): beta in Kubernetes 1.33+, served only when the cluster enables it.
  { kind: "ClusterTrustBundle", group: "certificates.k8s.io", plural: "clustertrustbundles", namespaced: false, versions: ["v1", "v1beta1", "v1alpha1"], crd: true, experimental: true },
];

export function resourceInfo(kind: Kind): ResourceInfo {
  const info = RESOURCES.find((r) => r.kind === kind);
  if (!info) throw new Error(`no resource info for ${kind}`);
  return info;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Collection path, e.g. `/apis/gateway.networking.k8s.io/v1/namespaces/ns/httproutes` or `/api/v1/services`. */
export function collectionPath(group: string, version: string, plural: string, namespace?: string): string {
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  return namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${plural}` : `${base}/${plural}`;
}

export function objectPath(group: string, version: string, plural: string, name: string, namespace?: string): string {
  return `${collectionPath(group, version, plural, namespace)}/${encodeURIComponent(name)}`;
}

/** Splits `group/version` (or `v1`) into its parts. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf("/");
  return i < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}
