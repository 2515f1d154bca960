// Walks one message along its plan and collects violations. Reads fields by
// their protobuf-es local names (faster than the reflection API); the
// representation rules it relies on: oneofs are `{case, value}`, singular
// wrapper fields outside a oneof are unboxed, maps are plain objects.
import { Buffer } from "node:buffer";
import { fromBinary, isFieldSet, ScalarType, type DescMessage, type Message, type Registry } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { report } from "./check.ts";
import { field, index, key, type Path } from "./path.ts";
import { planFor, type ElemPlan, type FieldPlan, type MessagePlan } from "./plan.ts";
import type { Violation } from "./types.ts";

export interface WalkContext {
  registry: Registry;
  out: Violation[];
}

type Fields = Record<string, unknown>;

interface OneofValue {
  case: string | undefined;
  value?: unknown;
}

export function walk(plan: MessagePlan, msg: Fields, path: Path | undefined, ctx: WalkContext): void {
  if (plan.disabled) return;
  for (const o of plan.requiredOneofs) {
    const v = msg[o.localName] as OneofValue | undefined;
    if (!v || v.case === undefined) report(ctx.out, field(path, o.name), "oneof.required", `exactly one field of oneof ${o.name} must be set`);
  }
  for (const f of plan.fields) {
    let v: unknown;
    if (f.oneof !== undefined) {
      const o = msg[f.oneof] as OneofValue | undefined;
      if (!o || o.case !== f.localName) continue; // rules of an unset oneof member never apply
      v = o.value;
    } else {
      v = msg[f.localName];
    }
    // Skip before allocating a path node: most planned fields are unset or empty.
    if (f.shape === "list") {
      const arr = Array.isArray(v) ? v : [];
      if (arr.length > 0 || f.size) walkList(f, arr, field(path, f.name), ctx);
    } else if (f.shape === "map") {
      const obj = typeof v === "object" && v !== null ? (v as Fields) : {};
      if (f.size || !isEmpty(obj)) walkMap(f, obj, field(path, f.name), ctx);
    } else if (f.desc.fieldKind === "message") {
      if (v === undefined) {
        if (f.required) report(ctx.out, field(path, f.name), f.required, "value is required");
        continue;
      }
      elem(f.elem, v, field(path, f.name), ctx);
    } else {
      if (f.explicit && !isFieldSet(msg as unknown as Message, f.desc)) continue;
      elem(f.elem, v, field(path, f.name), ctx);
    }
  }
}

function isEmpty(obj: Fields): boolean {
  for (const _ in obj) return false;
  return true;
}

function elem(e: ElemPlan, v: unknown, p: Path, ctx: WalkContext): void {
  if (e.unwrap && isMessage(v)) v = (v as Fields)["value"];
  if (e.check) e.check(v, p, ctx.out);
  if (e.target !== undefined) {
    if (e.target.relevant && isMessage(v)) walk(e.target, v as Fields, p, ctx);
  } else if (e.any && isMessage(v) && "typeUrl" in (v as object)) {
    walkAny(v as unknown as Any, p, ctx);
  }
}

function walkList(f: FieldPlan, arr: unknown[], p: Path, ctx: WalkContext): void {
  if (f.size) f.size(arr.length, p, ctx.out);
  if (f.unique && arr.length > 1) {
    const seen = new Set<unknown>();
    for (let i = 0; i < arr.length; i++) {
      const k = uniqueKey(arr[i]);
      if (seen.has(k)) report(ctx.out, index(p, i), "repeated.unique", "repeated value must contain unique items");
      seen.add(k);
    }
  }
  const e = f.elem;
  if (e.check === undefined && !e.any && !(e.target?.relevant ?? false)) return;
  for (let i = 0; i < arr.length; i++) elem(e, arr[i], index(p, i), ctx);
}

function uniqueKey(v: unknown): unknown {
  return v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v;
}

function walkMap(f: FieldPlan, obj: Fields, p: Path, ctx: WalkContext): void {
  const keys = Object.keys(obj);
  if (f.size) f.size(keys.length, p, ctx.out);
  for (const k of keys) {
    const kp = key(p, k);
    const v = obj[k];
    if (f.key) f.key(mapKey(k, f.keyScalar), kp, ctx.out);
    if (f.noSparse && (v === undefined || v === null)) report(ctx.out, kp, "map.no_sparse", "map values cannot be unset");
    if (v !== undefined) elem(f.elem, v, kp, ctx);
  }
}

/** Map keys are object property names; turn them back into the key's type for the key rules. */
function mapKey(k: string, t: ScalarType): unknown {
  switch (t) {
    case ScalarType.STRING:
      return k;
    case ScalarType.BOOL:
      return k === "true";
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return /^-?\d+$/.test(k) ? BigInt(k) : k;
    default:
      return Number(k);
  }
}

/** Any object that is not bytes: lenient on purpose, so a hand-built init object is still walked. */
function isMessage(v: unknown): boolean {
  return typeof v === "object" && v !== null && !(v instanceof Uint8Array);
}

/**
 * Envoy unpacks every typed_config and validates the packed message when it
 * loads the extension, so we do the same. A type the registry does not know
 * cannot be checked and is passed (Envoy may know it); an empty type URL or
 * bytes that do not decode are violations.
 */
function walkAny(any: Any, p: Path, ctx: WalkContext): void {
  if (!any.typeUrl.includes("/")) {
    report(ctx.out, p, "any.type_url", any.typeUrl === "" ? "Any has no type URL" : `type URL ${JSON.stringify(any.typeUrl)} has no "/" before the type name`);
    return;
  }
  const typeName = any.typeUrl.slice(any.typeUrl.lastIndexOf("/") + 1);
  const desc: DescMessage | undefined = ctx.registry.getMessage(typeName);
  if (!desc) return;
  const plan = planFor(desc);
  if (!plan.relevant) return;
  let inner: Message;
  try {
    inner = fromBinary(desc, any.value);
  } catch (e) {
    report(ctx.out, p, "any.decode", `cannot decode ${typeName}: ${(e as Error).message}`);
    return;
  }
  walk(plan, inner as unknown as Fields, p, ctx);
}
