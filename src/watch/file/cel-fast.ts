// A direct evaluator for the plain part of CEL the Gateway API CRDs' rules are
// written in (field reads, has(), boolean logic, string tests, sizes, the
// all/exists/exists_one/filter macros), run on the JSON object itself: the
// general evaluator (@bufbuild/cel) first converts every checked value to CEL
// maps and then interprets the plan, which made validation the larger part of
// reading manifests. It answers only where no CEL error can occur: a missing
// field, a value of an unexpected type (numbers included), a function it does
// not know, or anything else in doubt makes it answer `undefined`, and the
// caller evaluates the rule with @bufbuild/cel as before. Where every
// sub-expression evaluated without error, CEL's error-absorbing && and || agree
// with short-circuit logic, so the answers are the same
// (test/watch/file/cel-fast.test.ts checks every shipped rule against @bufbuild/cel).
import { parse } from "@bufbuild/cel";

type Expr = ReturnType<typeof parse>["expr"] | undefined;
/** The variables' values by slot: `self` is slot 0, each macro's variable and accumulator have their own. */
type Scope = unknown[];
type Fn = (scope: Scope) => unknown;
/** Slots of the variables in scope at an expression, by name, and the number of slots so far. */
interface Vars {
  slots: Map<string, number>;
  count: { n: number };
}

/** Raised inside an evaluation that must be left to @bufbuild/cel. */
class Defer extends Error {}
const DEFER = new Defer();
const defer = (): never => {
  throw DEFER;
};

/** A rule compiled for direct evaluation: true or false, or undefined to ask CEL. Undefined when the rule uses something not supported here. */
export function compileFast(rule: string): ((self: unknown) => boolean | undefined) | undefined {
  let fn: Fn;
  let slots = 1;
  try {
    const e = parse(rule).expr;
    if (!e) return undefined;
    const count = { n: 1 };
    fn = compile(e, { slots: new Map([["self", 0]]), count });
    slots = count.n;
  } catch {
    return undefined;
  }
  return (self) => {
    try {
      const scope: Scope = new Array<unknown>(slots);
      scope[0] = self;
      const r = fn(scope);
      return typeof r === "boolean" ? r : undefined;
    } catch (err) {
      if (err === DEFER) return undefined;
      throw err;
    }
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const bool = (v: unknown): boolean => (typeof v === "boolean" ? v : defer());
const str = (v: unknown): string => (typeof v === "string" ? v : defer());
/** Only ints made here (literals, sizes, sums); a number read from the object might be a CEL double. */
const int = (v: unknown): number => (typeof v === "number" ? v : defer());

/** A value read from the object: numbers and nulls are left to CEL (int or double depends on the schema). */
function read(v: unknown): unknown {
  if (v === undefined || v === null || typeof v === "number") defer();
  return v;
}

function compile(e: Expr, vars: Vars): Fn {
  const sub = (x: Expr) => compile(x, vars);
  if (!e) throw new Error("empty expression");
  const k = e.exprKind;
  switch (k.case) {
    case "constExpr": {
      const c = k.value.constantKind;
      if (c.case === "stringValue" || c.case === "boolValue") {
        const v = c.value;
        return () => v;
      }
      if (c.case === "int64Value" && c.value >= -(2n ** 31n) && c.value <= 2n ** 31n) {
        const v = Number(c.value);
        return () => v;
      }
      throw new Error("unsupported constant");
    }
    case "identExpr": {
      const slot = vars.slots.get(k.value.name);
      if (slot === undefined) throw new Error(`unsupported variable ${k.value.name}`);
      return (s) => s[slot];
    }
    case "selectExpr": {
      const operand = sub(k.value.operand);
      const field = k.value.field;
      if (k.value.testOnly) {
        return (s) => {
          const o = operand(s);
          if (!isObject(o)) return defer();
          if (!Object.hasOwn(o, field)) return false;
          return o[field] === null ? defer() : true; // a null field: as CEL's map of it has it
        };
      }
      return (s) => {
        const o = operand(s);
        return isObject(o) && Object.hasOwn(o, field) ? read(o[field]) : defer();
      };
    }
    case "listExpr": {
      if (k.value.optionalIndices.length > 0) throw new Error("unsupported optional");
      const items = k.value.elements.map(sub);
      return (s) => items.map((f) => f(s));
    }
    case "callExpr":
      return call(k.value.function, k.value.target ? sub(k.value.target) : undefined, k.value.args.map(sub));
    case "comprehensionExpr": {
      const c = k.value;
      if (c.iterVar2) throw new Error("unsupported two-variable comprehension");
      const range = sub(c.iterRange);
      const init = sub(c.accuInit);
      // The macro's variables shadow outer ones of the same name inside its loop and result.
      const iter = vars.count.n++;
      const accu = vars.count.n++;
      const inner: Vars = { slots: new Map([...vars.slots, [c.accuVar, accu], [c.iterVar, iter]]), count: vars.count };
      const cond = compile(c.loopCondition, inner);
      const step = compile(c.loopStep, inner);
      const result = compile(c.result, inner);
      return (s) => {
        const list = range(s);
        if (!Array.isArray(list)) return defer(); // maps iterate their keys in an order of CEL's own
        s[accu] = init(s);
        for (const item of list as unknown[]) {
          if (!bool(cond(s))) break;
          s[iter] = read(item);
          s[accu] = step(s);
        }
        return result(s);
      };
    }
    default:
      throw new Error(`unsupported expression ${k.case}`);
  }
}

const REGEXES = new Map<string, RegExp>();

/** RE2 and JavaScript agree on patterns of plain characters, classes, groups, alternation and quantifiers, on text without \r, \u2028, \u2029. */
function regex(pattern: string): RegExp {
  let re = REGEXES.get(pattern);
  if (!re) {
    if (/\(\?(?!:)|\\[^.*+?()[\]{}|^$\\/-]/.test(pattern)) defer();
    try {
      re = new RegExp(pattern, "u");
    } catch {
      return defer();
    }
    REGEXES.set(pattern, re);
  }
  return re;
}

/** CEL's size of a string counts code points. */
const codePoints = (s: string): number => (/[\ud800-\udfff]/.test(s) ? [...s].length : s.length);

function sizeOf(v: unknown): number {
  if (typeof v === "string") return codePoints(v);
  if (Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  return defer();
}

/** CEL == on the values supported here: same-typed strings, ints and bools; anything else is left to CEL. */
function equals(a: unknown, b: unknown): boolean {
  const t = typeof a;
  if (t !== typeof b || (t !== "string" && t !== "number" && t !== "boolean")) defer();
  return a === b;
}

function call(fn: string, target: Fn | undefined, args: Fn[]): Fn {
  const [a, b, c] = args;
  const arity = (n: number, withTarget = false) => {
    if (args.length !== n || !!target !== withTarget) throw new Error(`unsupported ${fn}/${n}`);
  };
  switch (fn) {
    case "_&&_":
      arity(2);
      return (s) => bool(a!(s)) && bool(b!(s));
    case "_||_":
      arity(2);
      return (s) => bool(a!(s)) || bool(b!(s));
    case "!_":
      arity(1);
      return (s) => !bool(a!(s));
    case "@not_strictly_false":
      arity(1);
      return (s) => bool(a!(s));
    case "_?_:_":
      arity(3);
      return (s) => (bool(a!(s)) ? b!(s) : c!(s));
    case "_==_":
      arity(2);
      return (s) => equals(a!(s), b!(s));
    case "_!=_":
      arity(2);
      return (s) => !equals(a!(s), b!(s));
    case "_<_":
      arity(2);
      return (s) => int(a!(s)) < int(b!(s));
    case "_<=_":
      arity(2);
      return (s) => int(a!(s)) <= int(b!(s));
    case "_>_":
      arity(2);
      return (s) => int(a!(s)) > int(b!(s));
    case "_>=_":
      arity(2);
      return (s) => int(a!(s)) >= int(b!(s));
    case "_+_":
      arity(2);
      return (s) => {
        const x = a!(s);
        const y = b!(s);
        if (typeof x === "number" && typeof y === "number") return x + y;
        if (Array.isArray(x) && Array.isArray(y)) return [...x, ...y];
        return defer();
      };
    case "@in":
      arity(2);
      return (s) => {
        const x = a!(s);
        const list = b!(s);
        if (!Array.isArray(list)) return defer();
        for (const item of list) if (equals(x, item)) return true;
        return false;
      };
    case "_[_]":
      arity(2);
      return (s) => {
        const o = a!(s);
        const i = b!(s);
        if (Array.isArray(o) && typeof i === "number") return i >= 0 && i < o.length ? read(o[i]) : defer();
        if (isObject(o) && typeof i === "string") return Object.hasOwn(o, i) ? read(o[i]) : defer();
        return defer();
      };
    case "size":
      if (target) {
        arity(0, true);
        return (s) => sizeOf(target(s));
      }
      arity(1);
      return (s) => sizeOf(a!(s));
    case "startsWith":
      arity(1, true);
      return (s) => str(target!(s)).startsWith(str(a!(s)));
    case "endsWith":
      arity(1, true);
      return (s) => str(target!(s)).endsWith(str(a!(s)));
    case "contains":
      arity(1, true);
      return (s) => str(target!(s)).includes(str(a!(s)));
    case "matches":
      arity(1, true);
      return (s) => {
        const text = str(target!(s));
        if (/[\r\u2028\u2029]/.test(text)) defer(); // JavaScript's `.` and anchors treat these as line ends, RE2's do not
        return regex(str(a!(s))).test(text);
      };
    default:
      throw new Error(`unsupported function ${fn}`);
  }
}
