// The parts of a CRD's validation that are not JSON Schema, checked the way
// kube-apiserver checks them on create:
//   - x-kubernetes-validations: CEL rules, evaluated with @bufbuild/cel, `self`
//     bound to the value at the rule's node (absent values are not checked).
//     Transition rules (those reading oldSelf) need an old object and are
//     skipped, as the server skips them on create. Integers are CEL ints,
//     objects and maps CEL maps, as the server types them from the schema.
//   - x-kubernetes-list-type: map (the list-map keys must be unique; listener
//     names, for one) and set (items must be unique).
// A rule that errors while evaluated (a field read without has()) refuses the
// object, as on the server. The Kubernetes CEL library functions the Gateway API
// CRDs use (isIP, format.dns1123Subdomain/qualifiedName().validate) are given
// here; every rule of every loaded CRD must plan (test/watch/file/crd-rules.test.ts).
import { isIP as netIsIP } from "node:net";
import { celEnv, celFunc, celMethod, CelScalar, isCelError, listType, mapType, parse, plan, type CelEnv } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { canonicalJson } from "../../util/canonical-json.ts";
import { compileFast } from "./cel-fast.ts";

type Json = Record<string, unknown>;

export interface RuleError {
  path: (string | number)[];
  message: string;
}

interface Rule {
  rule: string;
  message: string;
  run: (bindings: Record<string, unknown>) => unknown;
}

const DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Kubernetes' format library: the errors of a value for a named format; none when it is valid. */
const FORMATS: Record<string, (s: string) => string[]> = {
  dns1123Subdomain: (s) => (s.length <= 253 && DNS1123_SUBDOMAIN.test(s) ? [] : ["a lowercase RFC 1123 subdomain"]),
  qualifiedName: (s) => {
    const slash = s.lastIndexOf("/");
    const [prefix, name] = slash >= 0 ? [s.slice(0, slash), s.slice(slash + 1)] : [undefined, s];
    const errs: string[] = [];
    if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) errs.push("prefix must be a DNS-1123 subdomain");
    if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) errs.push("name must be a qualified name");
    return errs;
  },
};

/** Kubernetes' isIP: an IPv4 or IPv6 address, without a zone, IPv4 octets without leading zeros. */
function isIP(s: string): boolean {
  if (s.includes("%") || netIsIP(s) === 0) return false;
  const v4 = s.includes(":") ? s.slice(s.lastIndexOf(":") + 1) : s;
  return !v4.includes(".") || v4.split(".").every((o) => o === "0" || !o.startsWith("0"));
}

const FORMAT_VAR = new Map<string, unknown>();

function kubernetesEnv(): CelEnv {
  // `format.x()` is a method of the `format` variable, returning the format's name; `.validate(s)` gives its
  // errors as a list, and `.hasValue()` whether there are any (the server's optional<list<string>>).
  const formatFns = Object.keys(FORMATS).map((name) => celMethod(name, mapType(CelScalar.STRING, CelScalar.DYN), [], CelScalar.STRING, () => name));
  return celEnv({
    funcs: [
      ...strings,
      ...formatFns,
      celMethod("validate", CelScalar.STRING, [CelScalar.STRING], listType(CelScalar.STRING), function (value) {
        const check = FORMATS[this];
        return check ? check(value) : [`unknown format ${this}`];
      }),
      celMethod("hasValue", listType(CelScalar.STRING), [], CelScalar.BOOL, function () {
        return this.size > 0;
      }),
      celFunc("isIP", [CelScalar.STRING], CelScalar.BOOL, isIP),
    ],
  });
}

let env: CelEnv | undefined;
const planned = new Map<string, Rule["run"]>();

function compileRule(rule: string): Rule["run"] {
  let run = planned.get(rule);
  if (!run) {
    env ??= kubernetesEnv();
    const fn = plan(env, parse(rule));
    run = (bindings) => fn(bindings as never);
    planned.set(rule, run);
  }
  return run;
}

/** Every CEL rule of a schema, planned (throws on one that does not parse); for the tests. */
export function planAllRules(schema: Json): number {
  let n = 0;
  walkSchema(schema, (node) => {
    for (const r of validations(node)) {
      compileRule(r.rule);
      n++;
    }
  });
  return n;
}

/** Every rule of a schema with the node it sits at; for the tests. */
export function schemaRules(schema: Json): { rule: string; node: Json }[] {
  const out: { rule: string; node: Json }[] = [];
  walkSchema(schema, (node) => {
    for (const r of validations(node)) out.push({ rule: r.rule, node });
  });
  return out;
}

/** Whether @bufbuild/cel evaluates `rule` to true on `value` under `node` (a rule error is false); for the tests. */
export function celAccepts(rule: string, node: Json, value: unknown): boolean {
  try {
    return compileRule(rule)({ self: toCel(node, value, new WeakMap()), format: FORMAT_VAR }) === true;
  } catch {
    return false;
  }
}

function walkSchema(schema: Json, visit: (node: Json) => void): void {
  visit(schema);
  for (const key of ["properties", "patternProperties"]) {
    const props = schema[key] as Record<string, Json> | undefined;
    if (props) for (const child of Object.values(props)) walkSchema(child, visit);
  }
  for (const key of ["items", "additionalProperties"]) {
    const child = schema[key];
    if (child && typeof child === "object") walkSchema(child as Json, visit);
  }
}

interface Validation {
  rule: string;
  message?: string;
  /** The rule evaluated on the JSON value directly, where it can be (cel-fast.ts); null where it cannot. */
  fast?: ReturnType<typeof compileFast> | null;
}

/** Each schema node's rules, found once: the same nodes are checked for every object. */
const nodeRules = new WeakMap<Json, Validation[]>();

function validations(node: Json): Validation[] {
  let rules = nodeRules.get(node);
  if (!rules) {
    const v = node["x-kubernetes-validations"];
    rules = Array.isArray(v) ? (v as Validation[]).filter((r) => typeof r.rule === "string" && !/\boldSelf\b/.test(r.rule)).map((r) => ({ rule: r.rule, message: r.message })) : [];
    nodeRules.set(node, rules);
  }
  return rules;
}

/** Checks one object (defaults already applied) against a CRD version's schema; every error. */
export function checkRules(schema: Json, obj: unknown): RuleError[] {
  const errors: RuleError[] = [];
  check(schema, obj, [], errors, new WeakMap());
  return errors;
}

/** Each value's CEL form, made once per check (rules at nested nodes see the same subtrees). */
type CelCache = WeakMap<object, unknown>;

/** `path` is the value's place, a stack the walk pushes to and pops from; errors take a copy. */
function check(schema: Json, value: unknown, path: (string | number)[], errors: RuleError[], cache: CelCache): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    listUniqueness(schema, value, path, errors);
    const items = schema.items as Json | undefined;
    if (items) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        check(items, value[i], path, errors, cache);
        path.pop();
      }
    }
  } else if (typeof value === "object") {
    const props = (schema.properties ?? {}) as Record<string, Json>;
    const extra = typeof schema.additionalProperties === "object" ? (schema.additionalProperties as Json) : undefined;
    for (const k of Object.keys(value)) {
      const child = (Object.hasOwn(props, k) ? props[k] : undefined) ?? extra;
      if (!child) continue;
      path.push(k);
      check(child, (value as Json)[k], path, errors, cache);
      path.pop();
    }
  }
  for (const r of validations(schema)) {
    if (r.fast === undefined) r.fast = compileFast(r.rule) ?? null;
    let result: unknown = r.fast?.(value);
    if (result === undefined) {
      try {
        result = compileRule(r.rule)({ self: toCel(schema, value, cache), format: FORMAT_VAR });
      } catch (err) {
        result = err instanceof Error ? { message: err.message } : err;
      }
    }
    if (result === true) continue;
    const message = isCelError(result) || (result && typeof result === "object" && "message" in result) ? `rule evaluation error: ${(result as { message: string }).message}` : (r.message ?? `failed rule: ${r.rule}`);
    errors.push({ path: [...path], message });
  }
}

/** x-kubernetes-list-type map and set: the server refuses duplicates ("Duplicate value"). */
function listUniqueness(schema: Json, list: unknown[], path: (string | number)[], errors: RuleError[]): void {
  const type = schema["x-kubernetes-list-type"];
  if (type !== "map" && type !== "set") return;
  const keys = (schema["x-kubernetes-list-map-keys"] as string[] | undefined) ?? [];
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const id = type === "map" ? canonicalJson(keys.map((k) => (item as Json | null)?.[k] ?? null)) : canonicalJson(item);
    if (seen.has(id)) {
      const what = type === "map" ? keys.map((k) => `${k}=${JSON.stringify((item as Json)[k])}`).join(", ") : JSON.stringify(item);
      errors.push({ path: [...path, i], message: `duplicate value (${what}); item ${seen.get(id)} has it already` });
    } else seen.set(id, i);
  });
}

/** A JSON value as CEL sees it under this schema: integers as ints (bigint), objects as maps. */
function toCel(schema: Json | undefined, value: unknown, cache: CelCache): unknown {
  if (value && typeof value === "object") {
    if (cache.has(value)) return cache.get(value);
    let out: unknown;
    if (Array.isArray(value)) out = value.map((v) => toCel(schema?.items as Json | undefined, v, cache));
    else {
      const props = (schema?.properties ?? {}) as Record<string, Json>;
      const extra = typeof schema?.additionalProperties === "object" ? (schema.additionalProperties as Json) : undefined;
      out = new Map(Object.entries(value as Json).map(([k, v]) => [k, toCel(props[k] ?? extra, v, cache)]));
    }
    cache.set(value, out);
    return out;
  }
  if (typeof value === "number" && (schema?.type === "integer" || (schema?.type !== "number" && Number.isInteger(value)))) return BigInt(value);
  return value;
}
