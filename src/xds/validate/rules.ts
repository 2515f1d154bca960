// From one FieldRules (the `(validate.rules)` of a field, or the `items`,
// `keys` or `values` of a repeated/map rule) to a Check on one element value.
import { ScalarType, type DescEnum, type DescMessage } from "@bufbuild/protobuf";
import * as V from "../../gen/validate/validate_pb.js";
import type { FieldRules } from "../../gen/validate/validate_pb.js";
import { all, type Check } from "./check.ts";
import { boolChecks, enumChecks, numberChecks } from "./rules-number.ts";
import { bytesChecks, stringChecks } from "./rules-string.ts";
import { anyChecks, durationChecks, envoyDurationCheck, nowNanos, timestampChecks } from "./rules-wkt.ts";

/** What one element is: a scalar, an enum, or a message. Wrapper messages arrive here as their scalar. */
export type Elem =
  | { kind: "scalar"; scalar: ScalarType }
  | { kind: "enum"; desc: DescEnum }
  | { kind: "message"; desc: DescMessage };

const WRAPPERS = new Set([
  "google.protobuf.DoubleValue",
  "google.protobuf.FloatValue",
  "google.protobuf.Int64Value",
  "google.protobuf.UInt64Value",
  "google.protobuf.Int32Value",
  "google.protobuf.UInt32Value",
  "google.protobuf.BoolValue",
  "google.protobuf.StringValue",
  "google.protobuf.BytesValue",
]);

/** The scalar inside a wrapper message type, or undefined when `desc` is not a wrapper. */
export function wrappedScalar(desc: DescMessage): ScalarType | undefined {
  if (!WRAPPERS.has(desc.typeName)) return undefined;
  const f = desc.fields[0];
  return f?.fieldKind === "scalar" ? f.scalar : undefined;
}

/** The PGV rule kind that belongs to a scalar type. */
const SCALAR_KIND: Record<ScalarType, FieldRules["type"]["case"]> = {
  [ScalarType.DOUBLE]: "double",
  [ScalarType.FLOAT]: "float",
  [ScalarType.INT64]: "int64",
  [ScalarType.UINT64]: "uint64",
  [ScalarType.INT32]: "int32",
  [ScalarType.FIXED64]: "fixed64",
  [ScalarType.FIXED32]: "fixed32",
  [ScalarType.BOOL]: "bool",
  [ScalarType.STRING]: "string",
  [ScalarType.BYTES]: "bytes",
  [ScalarType.UINT32]: "uint32",
  [ScalarType.SFIXED32]: "sfixed32",
  [ScalarType.SFIXED64]: "sfixed64",
  [ScalarType.SINT32]: "sint32",
  [ScalarType.SINT64]: "sint64",
};

/**
 * The Check for one element, from its rules. Rules of a kind that does not
 * fit the element (protoc-gen-validate would refuse to generate them) are
 * ignored. Every Duration also gets Envoy's own range check.
 */
export function compileElem(rules: FieldRules | undefined, elem: Elem): Check | undefined {
  const checks: Check[] = [];
  const t = rules?.type;
  if (elem.kind === "message") {
    const name = elem.desc.typeName;
    const inner = wrappedScalar(elem.desc);
    if (inner !== undefined) {
      const c = t && t.case === SCALAR_KIND[inner] ? scalarChecks(t) : undefined;
      if (c) checks.push(c);
    } else if (name === "google.protobuf.Duration") {
      checks.push(envoyDurationCheck);
      const c = t?.case === "duration" ? durationChecks(t.value) : undefined;
      if (c) checks.push(c);
    } else if (name === "google.protobuf.Timestamp") {
      const c = t?.case === "timestamp" ? timestampChecks(t.value, nowNanos) : undefined;
      if (c) checks.push(c);
    } else if (name === "google.protobuf.Any") {
      const c = t?.case === "any" ? anyChecks(t.value) : undefined;
      if (c) checks.push(c);
    }
    return all(checks);
  }
  if (!t || t.case === undefined) return undefined;
  if (elem.kind === "enum") return t.case === "enum" ? enumChecks(t.value, elem.desc) : undefined;
  return t.case === SCALAR_KIND[elem.scalar] ? scalarChecks(t) : undefined;
}

function scalarChecks(t: FieldRules["type"]): Check | undefined {
  switch (t.case) {
    case "string":
      return stringChecks(t.value);
    case "bytes":
      return bytesChecks(t.value);
    case "bool":
      return boolChecks(t.value);
    case "float":
      return numberChecks("float", t.value, V.FloatRulesSchema);
    case "double":
      return numberChecks("double", t.value, V.DoubleRulesSchema);
    case "int32":
      return numberChecks("int32", t.value, V.Int32RulesSchema);
    case "int64":
      return numberChecks("int64", t.value, V.Int64RulesSchema);
    case "uint32":
      return numberChecks("uint32", t.value, V.UInt32RulesSchema);
    case "uint64":
      return numberChecks("uint64", t.value, V.UInt64RulesSchema);
    case "sint32":
      return numberChecks("sint32", t.value, V.SInt32RulesSchema);
    case "sint64":
      return numberChecks("sint64", t.value, V.SInt64RulesSchema);
    case "fixed32":
      return numberChecks("fixed32", t.value, V.Fixed32RulesSchema);
    case "fixed64":
      return numberChecks("fixed64", t.value, V.Fixed64RulesSchema);
    case "sfixed32":
      return numberChecks("sfixed32", t.value, V.SFixed32RulesSchema);
    case "sfixed64":
      return numberChecks("sfixed64", t.value, V.SFixed64RulesSchema);
    default:
      return undefined;
  }
}

/** The rule reported when a message field is unset but must be set, if any. */
export function requiredRule(rules: FieldRules | undefined): string | undefined {
  if (!rules) return undefined;
  if (rules.message?.required) return "message.required";
  const t = rules.type;
  if ((t.case === "duration" || t.case === "timestamp" || t.case === "any") && t.value.required) return `${t.case}.required`;
  return undefined;
}
