// Per-message-type rule plans, built once per type and cached: which
// fields have rules, which nested messages can produce a violation at all.
// A nested message whose type (and everything reachable from it) has no
// rules is never walked, so most of a large RouteConfiguration is skipped.
import { getOption, hasOption, ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { FeatureSet_FieldPresence as FieldPresence } from "@bufbuild/protobuf/wkt";
import { MapRulesSchema, RepeatedRulesSchema, disabled, required, rules as rulesExt, type FieldRules } from "../../gen/validate/validate_pb.js";
import { has, report, type Check } from "./check.ts";
import type { Path } from "./path.ts";
import { compileElem, requiredRule, wrappedScalar, type Elem } from "./rules.ts";
import type { Violation } from "./types.ts";

/** How to treat one element: a singular value, a list item or a map value. */
export interface ElemPlan {
  check: Check | undefined;
  /** A wrapper type: rules apply to its inner value (singular wrapper fields are already unboxed). */
  unwrap: boolean;
  /** A nested message to walk; undefined for wrappers, well-known types, or `message.skip`. */
  target: MessagePlan | undefined;
  /** google.protobuf.Any: unpack and walk the packed message (unless skipped). */
  any: boolean;
}

export type SizeCheck = (n: number, path: Path | undefined, out: Violation[]) => void;

export interface FieldPlan {
  name: string;
  localName: string;
  /** The localName of the oneof this field belongs to. */
  oneof: string | undefined;
  desc: DescField;
  shape: "single" | "list" | "map";
  /** A scalar/enum with explicit presence (proto3 `optional`): rules apply only when set. */
  explicit: boolean;
  /** Rule to report when a singular message field is unset. */
  required: string | undefined;
  elem: ElemPlan;
  /** min/max items or pairs. */
  size: SizeCheck | undefined;
  unique: boolean;
  noSparse: boolean;
  key: Check | undefined;
  keyScalar: ScalarType;
}

export interface MessagePlan {
  typeName: string;
  disabled: boolean;
  requiredOneofs: { name: string; localName: string }[];
  fields: FieldPlan[];
  /** Whether walking a message of this type can report anything. */
  relevant: boolean;
  /** Message types reachable through fields, for the relevance fixpoint. */
  children: MessagePlan[];
}

// Keyed by descriptor, not type name: two registries may hold different
// descriptors under one name (tests build some at run time).
const plans = new WeakMap<DescMessage, MessagePlan>();

export function planFor(desc: DescMessage): MessagePlan {
  const cached = plans.get(desc);
  if (cached) return cached;
  const fresh: MessagePlan[] = [];
  build(desc, fresh);
  // A type is relevant if it has rules of its own or reaches a relevant type.
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of fresh) {
      if (!p.relevant && !p.disabled && p.children.some((c) => c.relevant)) {
        p.relevant = true;
        changed = true;
      }
    }
  }
  for (const p of fresh) p.fields = p.fields.filter(hasWork);
  return plans.get(desc) as MessagePlan;
}

function hasWork(f: FieldPlan): boolean {
  const e = f.elem;
  return (
    e.check !== undefined ||
    e.any ||
    (e.target !== undefined && e.target.relevant) ||
    f.required !== undefined ||
    f.size !== undefined ||
    f.unique ||
    f.noSparse ||
    f.key !== undefined
  );
}

function build(desc: DescMessage, fresh: MessagePlan[]): MessagePlan {
  const existing = plans.get(desc);
  if (existing) return existing;
  const plan: MessagePlan = {
    typeName: desc.typeName,
    disabled: hasOption(desc, disabled) && getOption(desc, disabled),
    requiredOneofs: [],
    fields: [],
    relevant: false,
    children: [],
  };
  plans.set(desc, plan); // before recursing: types can be recursive
  fresh.push(plan);
  if (plan.disabled) return plan;
  for (const o of desc.oneofs) {
    if (hasOption(o, required) && getOption(o, required)) plan.requiredOneofs.push({ name: o.name, localName: o.localName });
  }
  for (const f of desc.fields) plan.fields.push(fieldPlan(f, fresh, plan));
  plan.relevant = plan.requiredOneofs.length > 0 || plan.fields.some((f) => hasWork(f) && !onlyTarget(f));
  return plan;
}

/** A field whose only work is walking a nested message does not make its parent relevant by itself. */
function onlyTarget(f: FieldPlan): boolean {
  const e = f.elem;
  return e.check === undefined && !e.any && f.required === undefined && f.size === undefined && !f.unique && !f.noSparse && f.key === undefined;
}

function fieldPlan(f: DescField, fresh: MessagePlan[], parent: MessagePlan): FieldPlan {
  const rules: FieldRules | undefined = hasOption(f, rulesExt) ? getOption(f, rulesExt) : undefined;
  const plan: FieldPlan = {
    name: f.name,
    localName: f.localName,
    oneof: f.oneof?.localName,
    desc: f,
    shape: "single",
    explicit: false,
    required: undefined,
    elem: { check: undefined, unwrap: false, target: undefined, any: false },
    size: undefined,
    unique: false,
    noSparse: false,
    key: undefined,
    keyScalar: ScalarType.STRING,
  };
  const elemPlan = (elemRules: FieldRules | undefined, e: Elem): ElemPlan => {
    const skip = elemRules?.message?.skip === true;
    const ep: ElemPlan = { check: compileElem(elemRules, e), unwrap: false, target: undefined, any: false };
    if (e.kind !== "message") return ep;
    if (wrappedScalar(e.desc) !== undefined) {
      ep.unwrap = true;
    } else if (e.desc.typeName === "google.protobuf.Any") {
      ep.any = !skip;
    } else if (!skip && !e.desc.typeName.startsWith("google.protobuf.")) {
      ep.target = build(e.desc, fresh);
      parent.children.push(ep.target);
    }
    return ep;
  };
  switch (f.fieldKind) {
    case "scalar":
      plan.explicit = f.presence === FieldPresence.EXPLICIT && f.oneof === undefined;
      plan.elem = elemPlan(rules, { kind: "scalar", scalar: f.scalar });
      break;
    case "enum":
      plan.explicit = f.presence === FieldPresence.EXPLICIT && f.oneof === undefined;
      plan.elem = elemPlan(rules, { kind: "enum", desc: f.enum });
      break;
    case "message":
      plan.required = requiredRule(rules);
      plan.elem = elemPlan(rules, { kind: "message", desc: f.message });
      break;
    case "list": {
      plan.shape = "list";
      const rr = rules?.type.case === "repeated" ? rules.type.value : undefined;
      const e: Elem = f.listKind === "scalar" ? { kind: "scalar", scalar: f.scalar } : f.listKind === "enum" ? { kind: "enum", desc: f.enum } : { kind: "message", desc: f.message };
      plan.elem = elemPlan(rr?.items, e);
      if (rr) {
        const R = RepeatedRulesSchema.field;
        plan.size = sizeCheck("repeated", "items", has(rr, R.minItems) ? rr.minItems : undefined, has(rr, R.maxItems) ? rr.maxItems : undefined);
        plan.unique = rr.unique && f.listKind !== "message";
      }
      break;
    }
    case "map": {
      plan.shape = "map";
      const mr = rules?.type.case === "map" ? rules.type.value : undefined;
      const e: Elem = f.mapKind === "scalar" ? { kind: "scalar", scalar: f.scalar } : f.mapKind === "enum" ? { kind: "enum", desc: f.enum } : { kind: "message", desc: f.message };
      plan.elem = elemPlan(mr?.values, e);
      plan.keyScalar = f.mapKey;
      if (mr) {
        const M = MapRulesSchema.field;
        plan.size = sizeCheck("map", "pairs", has(mr, M.minPairs) ? mr.minPairs : undefined, has(mr, M.maxPairs) ? mr.maxPairs : undefined);
        plan.noSparse = mr.noSparse && f.mapKind === "message";
        plan.key = mr.keys ? compileElem(mr.keys, { kind: "scalar", scalar: f.mapKey }) : undefined;
      }
      break;
    }
  }
  return plan;
}

function sizeCheck(kind: "repeated" | "map", noun: "items" | "pairs", min: bigint | undefined, max: bigint | undefined): SizeCheck | undefined {
  if (min === undefined && max === undefined) return undefined;
  const lo = min === undefined ? undefined : Number(min);
  const hi = max === undefined ? undefined : Number(max);
  return (n, p, out) => {
    if (lo !== undefined && n < lo) report(out, p, `${kind}.min_${noun}`, `must have at least ${lo} ${noun}, got ${n}`);
    if (hi !== undefined && n > hi) report(out, p, `${kind}.max_${noun}`, `must have at most ${hi} ${noun}, got ${n}`);
  };
}
