// Envoy resources as proto3 canonical JSON, each with its "@type" first: the
// form `switchyard translate`, the admin API and the golden files share.
import { toJson, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { ClusterSchema } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema } from "../gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema } from "../gen/envoy/config/route/v3/route_pb.js";
import { SecretSchema } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { registry } from "../gen/registry.js";
import { TYPE_URL, type ResourceType, type XdsResources } from "./xds.ts";

export type ResourcesJson = Record<ResourceType, JsonObject[]>;

function withType(typeUrl: string, json: unknown): JsonObject {
  return typeFirst({ "@type": typeUrl, ...(json as JsonObject) }) as JsonObject;
}

/** protobuf-es prints an Any's "@type" after its fields; people read it first. */
function typeFirst(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(typeFirst);
  if (v === null || typeof v !== "object") return v;
  const out: JsonObject = {};
  if ("@type" in v) out["@type"] = v["@type"] as JsonValue;
  for (const [k, x] of Object.entries(v)) if (k !== "@type") out[k] = typeFirst(x as JsonValue);
  return out;
}

/** What stands in for a private key when secrets are redacted. */
export const REDACTED = "[redacted]";

/** Replaces the private key of a TlsCertificate secret, as Envoy's config_dump does. */
function redactSecret(json: JsonObject): JsonObject {
  const tls = json["tlsCertificate"];
  if (!tls || typeof tls !== "object" || Array.isArray(tls) || !("privateKey" in tls)) return json;
  return { ...json, tlsCertificate: { ...tls, privateKey: { inlineString: REDACTED } } };
}

/**
 * `redactSecrets`: hide private keys (for anything a network client can read,
 * such as the admin API); certificates and CA bundles stay visible.
 */
export function resourcesToJson(r: XdsResources, how: { redactSecrets?: boolean } = {}): ResourcesJson {
  const opts = { registry };
  const secret = (json: JsonObject) => (how.redactSecrets ? redactSecret(json) : json);
  return {
    listener: r.listeners.map((m) => withType(TYPE_URL.listener, toJson(ListenerSchema, m, opts))),
    route: r.routes.map((m) => withType(TYPE_URL.route, toJson(RouteConfigurationSchema, m, opts))),
    cluster: r.clusters.map((m) => withType(TYPE_URL.cluster, toJson(ClusterSchema, m, opts))),
    endpoint: r.endpoints.map((m) => withType(TYPE_URL.endpoint, toJson(ClusterLoadAssignmentSchema, m, opts))),
    secret: r.secrets.map((m) => secret(withType(TYPE_URL.secret, toJson(SecretSchema, m, opts)))),
  };
}
