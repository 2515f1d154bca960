// Number, bool and enum rules. The 13 number kinds share one evaluator:
// `<`, `>` and `==` compare number and bigint values directly, so int64
// (bigint) and int32 (number) rules need no separate code.
import type { DescEnum, DescMessage, Message } from "@bufbuild/protobuf";
import type { BoolRules, EnumRules } from "../../gen/validate/validate_pb.js";
import { BoolRulesSchema, EnumRulesSchema } from "../../gen/validate/validate_pb.js";
import { all, has, list, report, show, type Check } from "./check.ts";

type Num = number | bigint;

/** The fields every number rule message has (FloatRules … SFixed64Rules). */
interface NumberRules extends Message {
  const: Num;
  lt: Num;
  lte: Num;
  gt: Num;
  gte: Num;
  in: Num[];
  notIn: Num[];
}

function num(v: unknown): Num | undefined {
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (typeof v === "string" && v !== "") {
    // int64 with jstype = JS_STRING
    try {
      return BigInt(v);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** PGV's const / range / in / not_in for one number kind, e.g. kind "uint32". */
export function numberChecks(kind: string, r: NumberRules, schema: DescMessage): Check | undefined {
  const f = (n: string) => schema.fields.find((x) => x.localName === n);
  const set = (n: string) => {
    const d = f(n);
    return d !== undefined && has(r, d);
  };
  const checks: Check[] = [];
  if (set("const")) {
    const c = r.const;
    checks.push((v, p, out) => {
      const x = num(v);
      if (x !== undefined && x != c) report(out, p, `${kind}.const`, `value ${show(x)} must equal ${show(c)}`);
    });
  }
  const range = rangeCheck(kind, {
    lt: set("lt") ? r.lt : undefined,
    lte: set("lte") ? r.lte : undefined,
    gt: set("gt") ? r.gt : undefined,
    gte: set("gte") ? r.gte : undefined,
  });
  if (range) checks.push((v, p, out) => {
    const x = num(v);
    if (x !== undefined) range(x, p, out);
  });
  if (r.in.length > 0) {
    const ins = r.in;
    checks.push((v, p, out) => {
      const x = num(v);
      if (x !== undefined && !ins.some((i) => i == x)) report(out, p, `${kind}.in`, `value ${show(x)} must be in ${list(ins)}`);
    });
  }
  if (r.notIn.length > 0) {
    const nin = r.notIn;
    checks.push((v, p, out) => {
      const x = num(v);
      if (x !== undefined && nin.some((i) => i == x)) report(out, p, `${kind}.not_in`, `value ${show(x)} must not be in ${list(nin)}`);
    });
  }
  return all(checks);
}

export interface Bounds<T> {
  lt: T | undefined;
  lte: T | undefined;
  gt: T | undefined;
  gte: T | undefined;
}

type RangeCheck = (x: Num, p: Parameters<Check>[1], out: Parameters<Check>[2]) => void;

/**
 * PGV range semantics: with a lower and an upper bound where upper > lower
 * the value must lie inside; when upper <= lower the range is "reversed" and
 * the value must lie outside [upper, lower]. `fmt` prints bounds (durations
 * are compared as bigint nanoseconds but shown as durations).
 */
export function rangeCheck(kind: string, b: Bounds<Num>, fmt: (x: Num) => string = show): RangeCheck | undefined {
  const upper = b.lt !== undefined ? { v: b.lt, name: "lt", strict: true } : b.lte !== undefined ? { v: b.lte, name: "lte", strict: false } : undefined;
  const lower = b.gt !== undefined ? { v: b.gt, name: "gt", strict: true } : b.gte !== undefined ? { v: b.gte, name: "gte", strict: false } : undefined;
  if (!upper && !lower) return undefined;
  const belowUpper = (x: Num) => (upper ? (upper.strict ? x < upper.v : x <= upper.v) : true);
  const aboveLower = (x: Num) => (lower ? (lower.strict ? x > lower.v : x >= lower.v) : true);
  const words = { lt: "less than", lte: "less than or equal to", gt: "greater than", gte: "greater than or equal to" };
  if (upper && lower && upper.v <= lower.v) {
    const rule = `${kind}.${lower.name}_${upper.name}`;
    return (x, p, out) => {
      if (!belowUpper(x) && !aboveLower(x)) {
        report(out, p, rule, `value ${fmt(x)} must be ${words[upper.name as "lt"]} ${fmt(upper.v)} or ${words[lower.name as "gt"]} ${fmt(lower.v)}`);
      }
    };
  }
  return (x, p, out) => {
    if (lower && !aboveLower(x)) report(out, p, `${kind}.${lower.name}`, `value ${fmt(x)} must be ${words[lower.name as "gt"]} ${fmt(lower.v)}`);
    if (upper && !belowUpper(x)) report(out, p, `${kind}.${upper.name}`, `value ${fmt(x)} must be ${words[upper.name as "lt"]} ${fmt(upper.v)}`);
  };
}

export function boolChecks(r: BoolRules): Check | undefined {
  if (!has(r, BoolRulesSchema.field.const)) return undefined;
  const c = r.const;
  return (v, p, out) => {
    if (typeof v === "boolean" && v !== c) report(out, p, "bool.const", `value must be ${c}`);
  };
}

export function enumChecks(r: EnumRules, desc: DescEnum): Check | undefined {
  const checks: Check[] = [];
  if (has(r, EnumRulesSchema.field.const)) {
    const c = r.const;
    checks.push((v, p, out) => {
      if (v !== c) report(out, p, "enum.const", `value ${show(v)} must equal ${c}`);
    });
  }
  if (r.definedOnly) {
    const defined = new Set(desc.values.map((x) => x.number));
    checks.push((v, p, out) => {
      if (typeof v === "number" && !defined.has(v)) {
        report(out, p, "enum.defined_only", `value ${v} is not a defined value of ${desc.typeName}`);
      }
    });
  }
  if (r.in.length > 0) {
    const ins = new Set(r.in);
    checks.push((v, p, out) => {
      if (typeof v === "number" && !ins.has(v)) report(out, p, "enum.in", `value ${v} must be in ${list(r.in)}`);
    });
  }
  if (r.notIn.length > 0) {
    const nin = new Set(r.notIn);
    checks.push((v, p, out) => {
      if (typeof v === "number" && nin.has(v)) report(out, p, "enum.not_in", `value ${v} must not be in ${list(r.notIn)}`);
    });
  }
  return all(checks);
}
