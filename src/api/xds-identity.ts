// The identity an Envoy proves on the mTLS xDS channel. certgen writes it into
// client certificates and the xDS server reads it back, so both sides share it.
//
// A Gateway proxy's certificate carries exactly one URI SAN
//   spiffe://switchyard/gateway/<namespace>/<name>
// (a SPIFFE-style ID: URI SANs are made for machine identities, unlike the CN,
// and namespace and name are DNS labels/subdomains, so they need no escaping).
// A mesh client's certificate carries spiffe://switchyard/mesh.
import { MESH_SNAPSHOT_KEY } from "./xds.ts";

export const IDENTITY_PREFIX = "spiffe://switchyard/";
const GATEWAY_PREFIX = `${IDENTITY_PREFIX}gateway/`;
const MESH_IDENTITY = `${IDENTITY_PREFIX}mesh`;

// RFC 1123 subdomain (names) and label (namespaces), the Kubernetes rules.
const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Parses `namespace/name`; undefined when it is not a valid Gateway key. */
export function parseGatewayKey(key: string): { namespace: string; name: string } | undefined {
  const parts = key.split("/");
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (!NAMESPACE_RE.test(namespace) || namespace.length > 63) return undefined;
  if (!NAME_RE.test(name) || name.length > 253) return undefined;
  return { namespace, name };
}

/** The URI SAN for a snapshot key (`namespace/name` or the mesh key). Throws on a malformed key. */
export function identityUriFor(snapshotKey: string): string {
  if (snapshotKey === MESH_SNAPSHOT_KEY) return MESH_IDENTITY;
  const gw = parseGatewayKey(snapshotKey);
  if (!gw) throw new Error(`not a Gateway key (namespace/name): ${JSON.stringify(snapshotKey)}`);
  return `${GATEWAY_PREFIX}${gw.namespace}/${gw.name}`;
}

/** The snapshot key a URI SAN names, or undefined when it is not a switchyard identity. */
export function snapshotKeyFromIdentityUri(uri: string): string | undefined {
  if (uri === MESH_IDENTITY) return MESH_SNAPSHOT_KEY;
  if (!uri.startsWith(GATEWAY_PREFIX)) return undefined;
  const key = uri.slice(GATEWAY_PREFIX.length);
  return parseGatewayKey(key) ? key : undefined;
}
