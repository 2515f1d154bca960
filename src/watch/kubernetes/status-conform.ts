// Pure: fits a status we are about to write to the installed CRD's schema, so
// the API server neither refuses it nor silently prunes it (a pruned field
// would make every later translation look like a change to write again).
//   - fields the schema does not have are dropped (e.g. v1.7 fields on a v1.1
//     CRD; GatewayClass supportedFeatures on a v1.1 standard-channel CRD);
//   - an object `{name}` where the schema wants a string becomes that name:
//     GatewayClass status.supportedFeatures is a list of strings up to v1.1 and
//     a list of `{name}` objects from v1.2 on.
import type { JsonSchema } from "./status-schema.ts";

export function conformToSchema(value: unknown, schema: JsonSchema | undefined): unknown {
  if (!schema || value === null || value === undefined) return value;
  // The published documents wrap some nested schemas in allOf: [{...}].
  const allOf = schema.allOf as JsonSchema[] | undefined;
  if (allOf?.length === 1 && !schema.properties && !schema.items) return conformToSchema(value, allOf[0]);
  const type = schema.type;
  if (type === "string" && isNameObject(value)) return value.name;
  if (type === "array" && Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    return items ? value.map((v) => conformToSchema(v, items)) : value;
  }
  if (type === "object" && isPlainObject(value)) {
    const props = schema.properties as Record<string, JsonSchema> | undefined;
    if (schema["x-kubernetes-preserve-unknown-fields"] === true) return value;
    if (!props) {
      const extra = schema.additionalProperties;
      if (extra && typeof extra === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, conformToSchema(v, extra as JsonSchema)]));
      return value;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (props[k]) out[k] = conformToSchema(v, props[k]);
    return out;
  }
  return value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNameObject(v: unknown): v is { name: string } {
  return isPlainObject(v) && typeof v.name === "string" && Object.keys(v).length === 1;
}
