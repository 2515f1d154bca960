// Every PGV rule kind, on message types built at runtime (synthetic.ts), so
// kinds Envoy's protos do not use today are covered too.
import { create, type DescMessage, type Message } from "@bufbuild/protobuf";
import { anyPack, DurationSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { VirtualHostSchema } from "../../../src/gen/envoy/config/route/v3/route_components_pb.js";
import { validateMessage } from "../../../src/xds/validate/index.ts";
import { synth, Type, type RulesInit, type SynthField } from "./synthetic.ts";

function one(type: Type, rules: RulesInit, extra: Partial<SynthField> = {}): DescMessage {
  return synth([{ name: "v", type, rules, ...extra }]);
}

/** The rules `value` (as field `v`) breaks. */
function broken(desc: DescMessage, value: unknown): string[] {
  return validateMessage(desc, create(desc, { v: value } as never) as Message).map((x) => x.rule);
}

const str = (value: RulesInit extends { type?: infer T } ? (T extends { case: "string"; value: infer V } ? V : never) : never) =>
  one(Type.STRING, { type: { case: "string", value } });

describe("string rules", () => {
  it("const, prefix, suffix, contains, not_contains", () => {
    expect(broken(str({ const: "a" }), "b")).toEqual(["string.const"]);
    expect(broken(str({ const: "a" }), "a")).toEqual([]);
    expect(broken(str({ prefix: "/api" }), "/web")).toEqual(["string.prefix"]);
    expect(broken(str({ suffix: ".com" }), "a.org")).toEqual(["string.suffix"]);
    expect(broken(str({ contains: "@" }), "ab")).toEqual(["string.contains"]);
    expect(broken(str({ notContains: ".." }), "a..b")).toEqual(["string.not_contains"]);
    expect(broken(str({ prefix: "/api", suffix: "/" }), "/api/")).toEqual([]);
  });

  it("len, min_len and max_len count code points, not UTF-16 units", () => {
    const emoji = "😀😀"; // 2 code points, 4 UTF-16 units, 8 bytes
    expect(broken(str({ len: 2n }), emoji)).toEqual([]);
    expect(broken(str({ len: 3n }), emoji)).toEqual(["string.len"]);
    expect(broken(str({ minLen: 3n }), emoji)).toEqual(["string.min_len"]);
    expect(broken(str({ maxLen: 2n }), emoji)).toEqual([]);
    expect(broken(str({ maxLen: 1n }), emoji)).toEqual(["string.max_len"]);
    expect(broken(str({ minLen: 1n }), "")).toEqual(["string.min_len"]); // proto3 default is checked
  });

  it("len_bytes, min_bytes and max_bytes count UTF-8 bytes", () => {
    expect(broken(str({ lenBytes: 8n }), "😀😀")).toEqual([]);
    expect(broken(str({ lenBytes: 4n }), "😀😀")).toEqual(["string.len_bytes"]);
    expect(broken(str({ minBytes: 9n }), "😀😀")).toEqual(["string.min_bytes"]);
    expect(broken(str({ maxBytes: 7n }), "😀😀")).toEqual(["string.max_bytes"]);
    expect(broken(str({ maxBytes: 2n }), "é")).toEqual([]);
    expect(broken(str({ maxBytes: 1n }), "é")).toEqual(["string.max_bytes"]);
  });

  it("pattern is an unanchored RE2 search", () => {
    expect(broken(str({ pattern: "b+" }), "abbc")).toEqual([]);
    expect(broken(str({ pattern: "^b+$" }), "abbc")).toEqual(["string.pattern"]);
    expect(broken(str({ pattern: "\\Aab\\z" }), "ab")).toEqual([]);
    expect(broken(str({ pattern: "(?i)^AB$" }), "ab")).toEqual([]);
    expect(broken(str({ pattern: "^[[:digit:]]+$" }), "12a")).toEqual(["string.pattern"]);
  });

  it("in and not_in", () => {
    expect(broken(str({ in: ["http", "https"] }), "ftp")).toEqual(["string.in"]);
    expect(broken(str({ in: ["http", "https"] }), "https")).toEqual([]);
    expect(broken(str({ notIn: ["admin"] }), "admin")).toEqual(["string.not_in"]);
  });

  it("ignore_empty skips every other rule on an empty string only", () => {
    const d = str({ minLen: 3n, prefix: "x", ignoreEmpty: true });
    expect(broken(d, "")).toEqual([]);
    expect(broken(d, "ab")).toEqual(["string.min_len", "string.prefix"]);
  });

  it("well-known formats: hostname, email, ip, ipv4, ipv6, address, uri, uri_ref, uuid", () => {
    const wk = (c: string) => str({ wellKnown: { case: c, value: true } as never });
    expect(broken(wk("hostname"), "api.example.com")).toEqual([]);
    expect(broken(wk("hostname"), "api.example.com.")).toEqual([]);
    expect(broken(wk("hostname"), "-api.example.com")).toEqual(["string.hostname"]);
    expect(broken(wk("hostname"), "a_b.example.com")).toEqual(["string.hostname"]);
    expect(broken(wk("hostname"), `${"a".repeat(64)}.com`)).toEqual(["string.hostname"]);
    expect(broken(wk("email"), "ops@example.com")).toEqual([]);
    expect(broken(wk("email"), "ops.example.com")).toEqual(["string.email"]);
    expect(broken(wk("ip"), "10.0.0.1")).toEqual([]);
    expect(broken(wk("ip"), "::1")).toEqual([]);
    expect(broken(wk("ip"), "10.0.0.256")).toEqual(["string.ip"]);
    expect(broken(wk("ipv4"), "::1")).toEqual(["string.ipv4"]);
    expect(broken(wk("ipv6"), "10.0.0.1")).toEqual(["string.ipv6"]);
    expect(broken(wk("ipv6"), "fe80::1%eth0")).toEqual(["string.ipv6"]);
    expect(broken(wk("address"), "backend.default.svc")).toEqual([]);
    expect(broken(wk("address"), "2001:db8::1")).toEqual([]);
    expect(broken(wk("address"), "not an address")).toEqual(["string.address"]);
    expect(broken(wk("uri"), "https://example.com/a?b=c#d")).toEqual([]);
    expect(broken(wk("uri"), "/relative")).toEqual(["string.uri"]);
    expect(broken(wk("uri"), "https://exa mple.com")).toEqual(["string.uri"]);
    expect(broken(wk("uriRef"), "/relative?x=%20")).toEqual([]);
    expect(broken(wk("uriRef"), "/bad%zz")).toEqual(["string.uri_ref"]);
    expect(broken(wk("uuid"), "123e4567-e89b-12d3-a456-426614174000")).toEqual([]);
    expect(broken(wk("uuid"), "123e4567e89b12d3a456426614174000")).toEqual(["string.uuid"]);
  });

  it("well_known_regex: strict header names and values, and strict: false", () => {
    const name = str({ wellKnown: { case: "wellKnownRegex", value: 1 } });
    const value = str({ wellKnown: { case: "wellKnownRegex", value: 2 } });
    const loose = str({ wellKnown: { case: "wellKnownRegex", value: 1 }, strict: false });
    expect(broken(name, "x-request-id")).toEqual([]);
    expect(broken(name, ":authority")).toEqual([]);
    expect(broken(name, "")).toEqual(["string.well_known_regex"]);
    expect(broken(name, "bad name")).toEqual(["string.well_known_regex"]);
    expect(broken(name, "bad\u0000")).toEqual(["string.well_known_regex"]);
    expect(broken(value, "text with spaces\tand tab")).toEqual([]);
    expect(broken(value, "bell\u0007")).toEqual(["string.well_known_regex"]);
    expect(broken(value, "del\u007f")).toEqual(["string.well_known_regex"]);
    expect(broken(loose, "any thing (at all)")).toEqual([]);
    expect(broken(loose, "")).toEqual([]);
    expect(broken(loose, "a\r\nb")).toEqual(["string.well_known_regex"]);
  });
});

describe("bytes rules", () => {
  const b = (value: object) => one(Type.BYTES, { type: { case: "bytes", value } as never });
  const u8 = (...xs: number[]) => new Uint8Array(xs);
  it("const, len, min_len, max_len", () => {
    expect(broken(b({ const: u8(1, 2) }), u8(1, 2))).toEqual([]);
    expect(broken(b({ const: u8(1, 2) }), u8(1, 3))).toEqual(["bytes.const"]);
    expect(broken(b({ len: 2n }), u8(1))).toEqual(["bytes.len"]);
    expect(broken(b({ minLen: 1n }), u8())).toEqual(["bytes.min_len"]);
    expect(broken(b({ maxLen: 1n }), u8(1, 2))).toEqual(["bytes.max_len"]);
  });
  it("prefix, suffix, contains, pattern, in, not_in", () => {
    expect(broken(b({ prefix: u8(1) }), u8(1, 2))).toEqual([]);
    expect(broken(b({ prefix: u8(2) }), u8(1, 2))).toEqual(["bytes.prefix"]);
    expect(broken(b({ suffix: u8(1) }), u8(1, 2))).toEqual(["bytes.suffix"]);
    expect(broken(b({ contains: u8(2, 3) }), u8(1, 2, 3))).toEqual([]);
    expect(broken(b({ contains: u8(3, 2) }), u8(1, 2, 3))).toEqual(["bytes.contains"]);
    expect(broken(b({ pattern: "^ab$" }), new TextEncoder().encode("ab"))).toEqual([]);
    expect(broken(b({ pattern: "^ab$" }), new TextEncoder().encode("abc"))).toEqual(["bytes.pattern"]);
    expect(broken(b({ in: [u8(1), u8(2)] }), u8(3))).toEqual(["bytes.in"]);
    expect(broken(b({ notIn: [u8(1)] }), u8(1))).toEqual(["bytes.not_in"]);
  });
  it("ip, ipv4, ipv6 check the length of a packed address", () => {
    expect(broken(b({ wellKnown: { case: "ipv4", value: true } }), u8(10, 0, 0, 1))).toEqual([]);
    expect(broken(b({ wellKnown: { case: "ipv4", value: true } }), u8(10, 0, 0))).toEqual(["bytes.ipv4"]);
    expect(broken(b({ wellKnown: { case: "ipv6", value: true } }), new Uint8Array(16))).toEqual([]);
    expect(broken(b({ wellKnown: { case: "ip", value: true } }), new Uint8Array(5))).toEqual(["bytes.ip"]);
  });
});

describe("number rules", () => {
  it("every number kind: const, lt, lte, gt, gte, in, not_in", () => {
    const kinds: [Type, string, (n: number) => number | bigint][] = [
      [Type.INT32, "int32", (n) => n],
      [Type.INT64, "int64", (n) => BigInt(n)],
      [Type.UINT32, "uint32", (n) => n],
      [Type.UINT64, "uint64", (n) => BigInt(n)],
      [Type.SINT32, "sint32", (n) => n],
      [Type.SINT64, "sint64", (n) => BigInt(n)],
      [Type.FIXED32, "fixed32", (n) => n],
      [Type.FIXED64, "fixed64", (n) => BigInt(n)],
      [Type.SFIXED32, "sfixed32", (n) => n],
      [Type.SFIXED64, "sfixed64", (n) => BigInt(n)],
      [Type.FLOAT, "float", (n) => n],
      [Type.DOUBLE, "double", (n) => n],
    ];
    for (const [type, kind, v] of kinds) {
      const d = (value: object) => one(type, { type: { case: kind, value } as never });
      expect(broken(d({ const: v(5) }), v(5)), kind).toEqual([]);
      expect(broken(d({ const: v(5) }), v(6)), kind).toEqual([`${kind}.const`]);
      expect(broken(d({ lt: v(5) }), v(5)), kind).toEqual([`${kind}.lt`]);
      expect(broken(d({ lte: v(5) }), v(5)), kind).toEqual([]);
      expect(broken(d({ lte: v(5) }), v(6)), kind).toEqual([`${kind}.lte`]);
      expect(broken(d({ gt: v(5) }), v(5)), kind).toEqual([`${kind}.gt`]);
      expect(broken(d({ gte: v(5) }), v(5)), kind).toEqual([]);
      expect(broken(d({ gte: v(5) }), v(4)), kind).toEqual([`${kind}.gte`]);
      expect(broken(d({ in: [v(1), v(2)] }), v(3)), kind).toEqual([`${kind}.in`]);
      expect(broken(d({ notIn: [v(1), v(2)] }), v(2)), kind).toEqual([`${kind}.not_in`]);
      // The proto3 default (0) is checked like any value.
      expect(broken(d({ gt: v(0) }), v(0)), kind).toEqual([`${kind}.gt`]);
    }
  });

  it("a range with both bounds, and a reversed (exclusive) range", () => {
    const inside = one(Type.INT32, { type: { case: "int32", value: { gt: 0, lt: 10 } } });
    expect(broken(inside, 5)).toEqual([]);
    expect(broken(inside, 0)).toEqual(["int32.gt"]);
    expect(broken(inside, 10)).toEqual(["int32.lt"]);
    // lt < gt: the value must lie outside [lt, gt].
    const outside = one(Type.INT32, { type: { case: "int32", value: { lt: 0, gt: 10 } } });
    expect(broken(outside, -1)).toEqual([]);
    expect(broken(outside, 11)).toEqual([]);
    expect(broken(outside, 0)).toEqual(["int32.gt_lt"]);
    expect(broken(outside, 10)).toEqual(["int32.gt_lt"]);
    const outsideInclusive = one(Type.INT32, { type: { case: "int32", value: { lte: 0, gte: 10 } } });
    expect(broken(outsideInclusive, 0)).toEqual([]);
    expect(broken(outsideInclusive, 10)).toEqual([]);
    expect(broken(outsideInclusive, 5)).toEqual(["int32.gte_lte"]);
  });

  it("64-bit values beyond 2^53 compare exactly", () => {
    const d = one(Type.UINT64, { type: { case: "uint64", value: { lte: 9007199254740993n } } });
    expect(broken(d, 9007199254740993n)).toEqual([]);
    expect(broken(d, 9007199254740994n)).toEqual(["uint64.lte"]);
  });
});

describe("bool and enum rules", () => {
  it("bool.const", () => {
    const d = one(Type.BOOL, { type: { case: "bool", value: { const: true } } });
    expect(broken(d, true)).toEqual([]);
    expect(broken(d, false)).toEqual(["bool.const"]);
  });
  it("enum const, defined_only, in, not_in", () => {
    const e = (value: object) => one(Type.ENUM, { type: { case: "enum", value } as never }, { typeName: "E" });
    expect(broken(e({ const: 1 }), 2)).toEqual(["enum.const"]);
    expect(broken(e({ definedOnly: true }), 2)).toEqual([]);
    expect(broken(e({ definedOnly: true }), 7)).toEqual(["enum.defined_only"]);
    expect(broken(e({ in: [1, 2] }), 0)).toEqual(["enum.in"]);
    expect(broken(e({ notIn: [0] }), 0)).toEqual(["enum.not_in"]);
  });
});

describe("message, repeated and map rules", () => {
  const vh = (rules: RulesInit | undefined, extra: Partial<SynthField> = {}) =>
    synth([{ name: "v", type: Type.MESSAGE, typeName: ".envoy.config.route.v3.VirtualHost", ...(rules ? { rules } : {}), ...extra }], { deps: [VirtualHostSchema.file] });
  const goodVh = { name: "vh", domains: ["*"] };

  it("nested messages are walked, message.required fails when unset, message.skip skips", () => {
    expect(broken(vh(undefined), { name: "" , domains: ["*"] })).toEqual(["string.min_len"]);
    expect(broken(vh(undefined), undefined)).toEqual([]);
    expect(broken(vh({ message: { required: true } }), undefined)).toEqual(["message.required"]);
    expect(broken(vh({ message: { required: true } }), goodVh)).toEqual([]);
    expect(broken(vh({ message: { skip: true } }), { name: "", domains: [] })).toEqual([]);
  });

  it("repeated: min_items, max_items, unique, items, and items of messages", () => {
    const rep = (value: object, type = Type.STRING) => one(type, { type: { case: "repeated", value } as never }, { repeated: true });
    expect(broken(rep({ minItems: 1n }), [])).toEqual(["repeated.min_items"]);
    expect(broken(rep({ maxItems: 1n }), ["a", "b"])).toEqual(["repeated.max_items"]);
    expect(broken(rep({ unique: true }), ["a", "b", "a"])).toEqual(["repeated.unique"]);
    expect(broken(rep({ unique: true }, Type.BYTES), [new Uint8Array([1]), new Uint8Array([1])])).toEqual(["repeated.unique"]);
    expect(broken(rep({ items: { type: { case: "string", value: { minLen: 2n } } } }), ["ab", "c"])).toEqual(["string.min_len"]);
    const vhs = vh(undefined, { repeated: true });
    const v = validateMessage(vhs, create(vhs, { v: [goodVh, { name: "x", domains: [] }] } as never) as Message);
    expect(v.map((x) => [x.field, x.rule])).toEqual([["v[1].domains", "repeated.min_items"]]);
    const skipped = vh({ type: { case: "repeated", value: { items: { message: { skip: true } } } } }, { repeated: true });
    expect(broken(skipped, [{ name: "", domains: [] }])).toEqual([]);
  });

  it("map: min_pairs, max_pairs, keys, values, and message values", () => {
    const map = (value: object, key = Type.STRING, type = Type.STRING, typeName?: string) =>
      synth([{ name: "v", type, mapKey: key, rules: { type: { case: "map", value } as never }, ...(typeName ? { typeName } : {}) }], { deps: [VirtualHostSchema.file] });
    expect(broken(map({ minPairs: 1n }), {})).toEqual(["map.min_pairs"]);
    expect(broken(map({ maxPairs: 1n }), { a: "1", b: "2" })).toEqual(["map.max_pairs"]);
    expect(broken(map({ keys: { type: { case: "string", value: { minLen: 2n } } } }), { a: "1", bb: "2" })).toEqual(["string.min_len"]);
    expect(broken(map({ keys: { type: { case: "uint32", value: { lt: 10 } } } }, Type.UINT32), { 3: "x", 12: "y" })).toEqual(["uint32.lt"]);
    expect(broken(map({ keys: { type: { case: "int64", value: { gt: 0n } } } }, Type.INT64), { "-1": "x" })).toEqual(["int64.gt"]);
    expect(broken(map({ values: { type: { case: "string", value: { prefix: "x" } } } }), { a: "xa", b: "ya" })).toEqual(["string.prefix"]);
    const mv = map({}, Type.STRING, Type.MESSAGE, ".envoy.config.route.v3.VirtualHost");
    const v = validateMessage(mv, create(mv, { v: { "k-1": { name: "", domains: ["*"] } } } as never) as Message);
    expect(v.map((x) => [x.field, x.rule])).toEqual([['v["k-1"].name', "string.min_len"]]);
  });
});

describe("well-known message types", () => {
  const dur = (value: object) => one(Type.MESSAGE, { type: { case: "duration", value } as never }, { typeName: ".google.protobuf.Duration" });
  const d = (seconds: number, nanos = 0) => ({ seconds: BigInt(seconds), nanos });

  it("duration: required, const, ranges, in, not_in", () => {
    expect(broken(dur({ required: true }), undefined)).toEqual(["duration.required"]);
    expect(broken(dur({ gt: d(0) }), undefined)).toEqual([]); // unset and not required: nothing to check
    expect(broken(dur({ const: d(1) }), d(1))).toEqual([]);
    expect(broken(dur({ const: d(1) }), d(1, 1))).toEqual(["duration.const"]);
    expect(broken(dur({ lt: d(1) }), d(1))).toEqual(["duration.lt"]);
    expect(broken(dur({ lte: d(1) }), d(1))).toEqual([]);
    expect(broken(dur({ gt: d(0) }), d(0))).toEqual(["duration.gt"]);
    expect(broken(dur({ gt: d(0) }), d(0, 1))).toEqual([]);
    expect(broken(dur({ gte: d(0, 1_000_000) }), d(0, 999_999))).toEqual(["duration.gte"]);
    expect(broken(dur({ in: [d(1), d(2)] }), d(3))).toEqual(["duration.in"]);
    expect(broken(dur({ notIn: [d(1)] }), d(1))).toEqual(["duration.not_in"]);
    expect(broken(dur({ gt: d(10), lt: d(1) }), d(5))).toEqual(["duration.gt_lt"]);
  });

  it("every Duration gets Envoy's own range check, with or without rules", () => {
    const plain = one(Type.MESSAGE, {}, { typeName: ".google.protobuf.Duration" });
    expect(broken(plain, d(-1))).toEqual(["duration.envoy_range"]);
    expect(broken(plain, d(0, -5))).toEqual(["duration.envoy_range"]);
    expect(broken(plain, d(315_576_000_001))).toEqual(["duration.envoy_range"]);
    expect(broken(plain, d(1, 5))).toEqual([]);
  });

  it("timestamp: required, ranges, lt_now, gt_now, within", () => {
    const ts = (value: object) => one(Type.MESSAGE, { type: { case: "timestamp", value } as never }, { typeName: ".google.protobuf.Timestamp" });
    const now = Math.floor(Date.now() / 1000);
    expect(broken(ts({ required: true }), undefined)).toEqual(["timestamp.required"]);
    expect(broken(ts({ gt: d(100) }), d(100))).toEqual(["timestamp.gt"]);
    expect(broken(ts({ ltNow: true }), d(now + 3600))).toEqual(["timestamp.lt_now"]);
    expect(broken(ts({ ltNow: true }), d(now - 3600))).toEqual([]);
    expect(broken(ts({ gtNow: true }), d(now - 3600))).toEqual(["timestamp.gt_now"]);
    expect(broken(ts({ within: d(60) }), d(now - 3600))).toEqual(["timestamp.within"]);
    expect(broken(ts({ within: d(3600 * 2) }), d(now - 3600))).toEqual([]);
  });

  it("any: required, in, not_in", () => {
    const any = (value: object) => one(Type.MESSAGE, { type: { case: "any", value } as never }, { typeName: ".google.protobuf.Any" });
    const packed = anyPack(DurationSchema, create(DurationSchema, { seconds: 1n }));
    expect(broken(any({ required: true }), undefined)).toEqual(["any.required"]);
    expect(broken(any({ in: ["type.googleapis.com/google.protobuf.Duration"] }), packed)).toEqual([]);
    expect(broken(any({ in: ["type.googleapis.com/google.protobuf.Timestamp"] }), packed)).toEqual(["any.in"]);
    expect(broken(any({ notIn: ["type.googleapis.com/google.protobuf.Duration"] }), packed)).toEqual(["any.not_in"]);
  });

  it("wrapper types: rules apply to the inner value, unboxed, in a oneof, and as repeated items", () => {
    const single = one(Type.MESSAGE, { type: { case: "uint32", value: { lte: 10 } } }, { typeName: ".google.protobuf.UInt32Value" });
    expect(broken(single, 11)).toEqual(["uint32.lte"]);
    expect(broken(single, undefined)).toEqual([]);
    const inOneof = synth(
      [{ name: "v", type: Type.MESSAGE, typeName: ".google.protobuf.StringValue", oneof: 0, rules: { type: { case: "string", value: { minLen: 2n } } } }],
      { oneofs: [{ name: "o" }] },
    );
    const m = create(inOneof, { o: { case: "v", value: { value: "a" } } } as never) as Message;
    expect(validateMessage(inOneof, m).map((x) => [x.field, x.rule])).toEqual([["v", "string.min_len"]]);
    const items = one(
      Type.MESSAGE,
      { type: { case: "repeated", value: { items: { type: { case: "double", value: { gt: 0 } } } } } },
      { typeName: ".google.protobuf.DoubleValue", repeated: true },
    );
    expect(broken(items, [{ value: 1 }, { value: 0 }])).toEqual(["double.gt"]);
  });
});

describe("oneofs and message options", () => {
  const withOneof = (requiredOneof: boolean) =>
    synth(
      [
        { name: "a", type: Type.STRING, oneof: 0, rules: { type: { case: "string", value: { minLen: 3n } } } },
        { name: "b", type: Type.INT32, oneof: 0, rules: { type: { case: "int32", value: { gt: 0 } } } },
      ],
      { oneofs: [{ name: "choice", required: requiredOneof }] },
    );

  it("oneof.required fails only when no member is set", () => {
    const d = withOneof(true);
    const v = (init: object) => validateMessage(d, create(d, init as never) as Message).map((x) => [x.field, x.rule]);
    expect(v({})).toEqual([["choice", "oneof.required"]]);
    expect(v({ choice: { case: "a", value: "abc" } })).toEqual([]);
  });

  it("rules of an unset oneof member do not apply; those of the set member do", () => {
    const d = withOneof(false);
    const v = (init: object) => validateMessage(d, create(d, init as never) as Message).map((x) => x.rule);
    expect(v({})).toEqual([]);
    expect(v({ choice: { case: "b", value: 0 } })).toEqual(["int32.gt"]);
    expect(v({ choice: { case: "a", value: "x" } })).toEqual(["string.min_len"]);
  });

  it("(validate.disabled) turns off every rule of the message", () => {
    const d = synth([{ name: "v", type: Type.STRING, rules: { type: { case: "string", value: { minLen: 1n } } } }], { disabled: true });
    expect(broken(d, "")).toEqual([]);
  });
});

describe("violations", () => {
  it("carry a readable message", () => {
    const d = str({ minLen: 3n });
    const [v] = validateMessage(d, create(d, { v: "ab" } as never) as Message);
    expect(v).toEqual({ field: "v", rule: "string.min_len", message: 'value length must be at least 3 characters, got "ab"' });
  });
});
