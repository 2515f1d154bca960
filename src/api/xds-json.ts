// Envoy resources as proto3 canonical JSON, each with its "@type" first: the
// form `switchyard translate`, the admin API and the golden files share.
import { toJson, type DescMessage, type JsonObject, type JsonValue, type Message } from "@bufbuild/protobuf";
import { registry } from "../gen/registry.js";
import { RESOURCE_TYPE_INFO } from "./xds-types.ts";
import type { ResourceType, XdsResources } from "./xds.ts";

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
  const json = (type: ResourceType): JsonObject[] => {
    const t = RESOURCE_TYPE_INFO[type];
    const schema: DescMessage = t.schema;
    const messages: readonly Message[] = r[t.field];
    const out = messages.map((m) => withType(t.typeUrl, toJson(schema, m, opts)));
    return type === "secret" && how.redactSecrets ? out.map(redactSecret) : out;
  };
  return { listener: json("listener"), route: json("route"), cluster: json("cluster"), endpoint: json("endpoint"), secret: json("secret") };
}
