import { fromBinary } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import type { SessionPersistence } from "../../src/api/gateway-api.ts";
import { FilterConfigSchema } from "../../src/gen/envoy/config/route/v3/route_components_pb.js";
import { StatefulSessionPerRouteSchema, StatefulSessionSchema } from "../../src/gen/envoy/extensions/filters/http/stateful_session/v3/stateful_session_pb.js";
import { CookieBasedSessionStateSchema } from "../../src/gen/envoy/extensions/http/stateful_session/cookie/v3/cookie_pb.js";
import { HeaderBasedSessionStateSchema } from "../../src/gen/envoy/extensions/http/stateful_session/header/v3/header_pb.js";
import type { IrPathMatch, IrSessionPersistence } from "../../src/translator/ir.ts";
import {
  COOKIE_SESSION_STATE,
  HEADER_SESSION_STATE,
  STATEFUL_SESSION_FILTER,
  sessionPerFilterConfig,
  statefulSessionHttpFilter,
} from "../../src/translator/features/session-persistence/emit.ts";
import {
  cookiePathFor,
  defaultSessionName,
  literalRegexPrefix,
  resolveSessionPersistence,
  sessionForRoute,
  type SessionOrigin,
} from "../../src/translator/features/session-persistence/config.ts";
import { parseDurationMs as parseGatewayDuration } from "../../src/translator/resolve/values.ts";

const rule = (ruleIndex: number, ruleName?: string): SessionOrigin => ({
  kind: "route",
  routeKind: "HTTPRoute",
  namespace: "default",
  name: "web",
  ruleIndex,
  ...(ruleName ? { ruleName } : {}),
});
const policy: SessionOrigin = { kind: "policy", namespace: "default", name: "lbp" };

/** Emits the per-route config and decodes it back, as Envoy would. */
function decode(s: IrSessionPersistence) {
  const any = sessionPerFilterConfig(s)[STATEFUL_SESSION_FILTER];
  if (!any) throw new Error("no per-route config");
  expect(any.typeUrl).toBe("type.googleapis.com/envoy.config.route.v3.FilterConfig");
  const wrapper = fromBinary(FilterConfigSchema, any.value);
  expect(wrapper.isOptional).toBe(true);
  expect(wrapper.disabled).toBe(false);
  expect(wrapper.config?.typeUrl).toBe("type.googleapis.com/envoy.extensions.filters.http.stateful_session.v3.StatefulSessionPerRoute");
  const perRoute = fromBinary(StatefulSessionPerRouteSchema, wrapper.config?.value ?? new Uint8Array());
  if (perRoute.override.case !== "statefulSession") throw new Error("not enabled");
  const state = perRoute.override.value.sessionState;
  if (!state?.typedConfig) throw new Error("no session state");
  return { strict: perRoute.override.value.strict, extension: state.name, typed: state.typedConfig };
}

function emitted(sp: SessionPersistence, origin: SessionOrigin, path?: IrPathMatch) {
  const r = resolveSessionPersistence(sp, origin);
  if (!r.ok) throw new Error(r.message);
  return sessionForRoute(r, path);
}

describe("GEP-2257 durations", () => {
  it("parses every unit and combinations", () => {
    expect(parseGatewayDuration("1h")).toBe(3_600_000);
    expect(parseGatewayDuration("1h30m")).toBe(5_400_000);
    expect(parseGatewayDuration("10s500ms")).toBe(10_500);
    expect(parseGatewayDuration("0s")).toBe(0);
  });
  it("rejects what the pattern rejects", () => {
    for (const bad of ["", "1d", "1.5s", "123456s", "1h1h1h1h1h", "-1s", "s"]) expect(parseGatewayDuration(bad)).toBeUndefined();
  });
});

describe("default session names", () => {
  it("differ per rule and are stable", () => {
    const a = defaultSessionName(rule(0));
    expect(a).toBe(defaultSessionName(rule(0)));
    expect(a).not.toBe(defaultSessionName(rule(1)));
    expect(defaultSessionName(rule(0, "login"))).not.toBe(defaultSessionName(rule(1, "login2")));
    expect(a).toMatch(/^sy-default-web-rule0-[0-9a-f]{8}$/);
  });
  it("do not collide when dashes shift between namespace and name", () => {
    const x = defaultSessionName({ kind: "route", routeKind: "HTTPRoute", namespace: "a-b", name: "c", ruleIndex: 0 });
    const y = defaultSessionName({ kind: "route", routeKind: "HTTPRoute", namespace: "a", name: "b-c", ruleIndex: 0 });
    expect(x).not.toBe(y);
  });
  it("differ between HTTPRoute and GRPCRoute of the same name", () => {
    const g = defaultSessionName({ kind: "route", routeKind: "GRPCRoute", namespace: "default", name: "web", ruleIndex: 0 });
    expect(g).not.toBe(defaultSessionName(rule(0)));
  });
});

describe("cookie emission, field by field", () => {
  it("Cookie default: session cookie, default name, Path /", () => {
    const s = emitted({}, rule(0));
    const d = decode(s);
    expect(d.extension).toBe(COOKIE_SESSION_STATE);
    expect(d.strict).toBe(false);
    const cookie = anyUnpack(d.typed, CookieBasedSessionStateSchema)?.cookie;
    expect(cookie?.name).toBe(defaultSessionName(rule(0)));
    expect(cookie?.ttl).toBeUndefined(); // no Max-Age: a session cookie
    expect(cookie?.path).toBe("/");
  });
  it("sessionName is used verbatim", () => {
    const cookie = anyUnpack(decode(emitted({ sessionName: "JSESSIONID" }, rule(0))).typed, CookieBasedSessionStateSchema)?.cookie;
    expect(cookie?.name).toBe("JSESSIONID");
  });
  it("Permanent + absoluteTimeout becomes the cookie ttl (Max-Age)", () => {
    const sp: SessionPersistence = { sessionName: "s", absoluteTimeout: "1h30m", cookieConfig: { lifetimeType: "Permanent" } };
    const cookie = anyUnpack(decode(emitted(sp, rule(0))).typed, CookieBasedSessionStateSchema)?.cookie;
    expect(cookie?.ttl?.seconds).toBe(5400n);
    expect(cookie?.ttl?.nanos).toBe(0);
  });
  it("sub-second absoluteTimeout keeps its nanos", () => {
    const sp: SessionPersistence = { absoluteTimeout: "1s500ms", cookieConfig: { lifetimeType: "Permanent" } };
    const cookie = anyUnpack(decode(emitted(sp, rule(0))).typed, CookieBasedSessionStateSchema)?.cookie;
    expect(cookie?.ttl?.seconds).toBe(1n);
    expect(cookie?.ttl?.nanos).toBe(500_000_000);
  });
  it("cookie Path follows the matched path", () => {
    const name = (p: IrPathMatch) => anyUnpack(decode(emitted({ sessionName: "s" }, rule(0), p)).typed, CookieBasedSessionStateSchema)?.cookie?.path;
    expect(name({ type: "PathPrefix", value: "/" })).toBe("/");
    expect(name({ type: "PathPrefix", value: "/cart/" })).toBe("/cart");
    expect(name({ type: "Exact", value: "/login" })).toBe("/login");
    expect(name({ type: "RegularExpression", value: "/p1/p2/.*/p3" })).toBe("/p1/p2");
  });
  it("BackendLBPolicy leaves the cookie Path unset", () => {
    const s = emitted({ sessionName: "svc" }, policy, { type: "PathPrefix", value: "/cart" });
    expect(s.path).toBeUndefined();
    const cookie = anyUnpack(decode(s).typed, CookieBasedSessionStateSchema)?.cookie;
    expect(cookie?.path).toBe("");
  });
});

describe("header emission", () => {
  it("Header type uses the session name as the header (lower-cased)", () => {
    const d = decode(emitted({ type: "Header", sessionName: "X-Session" }, rule(0)));
    expect(d.extension).toBe(HEADER_SESSION_STATE);
    expect(anyUnpack(d.typed, HeaderBasedSessionStateSchema)?.name).toBe("x-session");
  });
  it("Header default name is the per-rule default", () => {
    const d = decode(emitted({ type: "Header" }, rule(3)));
    expect(anyUnpack(d.typed, HeaderBasedSessionStateSchema)?.name).toBe(defaultSessionName(rule(3)));
  });
});

it("a Header session with the Session cookieConfig the v1.1 CRDs require is a header session", () => {
  const r = resolveSessionPersistence({ type: "Header", sessionName: "x-session", cookieConfig: { lifetimeType: "Session" } }, rule(0));
  expect(r.ok).toBe(true);
  if (r.ok) expect(r.session).toEqual({ type: "Header", name: "x-session" });
});

describe("what Envoy cannot express is refused with UnsupportedValue", () => {
  const cases: [string, SessionPersistence, RegExp][] = [
    ["idleTimeout", { idleTimeout: "10m" }, /idleTimeout is not supported/],
    ["Session cookie with absoluteTimeout", { absoluteTimeout: "1h" }, /Session cookie/],
    ["Header with absoluteTimeout", { type: "Header", absoluteTimeout: "1h" }, /type Header/],
    ["Permanent without absoluteTimeout", { cookieConfig: { lifetimeType: "Permanent" } }, /required/],
    ["a Permanent cookieConfig with Header", { type: "Header", cookieConfig: { lifetimeType: "Permanent" } }, /needs type Cookie/],
    ["unknown type", { type: "URL" }, /type "URL"/],
    ["bad duration", { absoluteTimeout: "1d", cookieConfig: { lifetimeType: "Permanent" } }, /not a valid duration/],
    ["bad name", { sessionName: "a b;c" }, /not a valid cookie name/],
    ["zero Permanent timeout", { absoluteTimeout: "0s", cookieConfig: { lifetimeType: "Permanent" } }, /greater than zero/],
  ];
  for (const [label, sp, msg] of cases) {
    it(label, () => {
      const r = resolveSessionPersistence(sp, rule(0));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.reason).toBe("UnsupportedValue");
        expect(r.message).toMatch(msg);
      }
    });
  }
});

describe("HCM filter", () => {
  it("is disabled by default, optional, and carries an empty StatefulSession", () => {
    const f = statefulSessionHttpFilter();
    expect(f.name).toBe(STATEFUL_SESSION_FILTER);
    expect(f.disabled).toBe(true);
    expect(f.isOptional).toBe(true);
    if (f.configType.case !== "typedConfig") throw new Error("no typed config");
    const cfg = anyUnpack(f.configType.value, StatefulSessionSchema);
    expect(cfg?.sessionState).toBeUndefined();
  });
  it("no per-route config without persistence", () => {
    expect(sessionPerFilterConfig(undefined)).toEqual({});
  });
});

describe("regex literal prefix", () => {
  it.each([
    ["/p1/p2/.*/p3", "/p1/p2"],
    ["^/api/v[0-9]+/.*", "/api"],
    ["/foo[0-9]+", "/"],
    [".*", "/"],
    ["/a\\.b/c.*", "/a.b"],
    ["/abc/d?", "/abc"],
    ["/exact/path", "/exact"],
  ])("%s -> %s", (re, want) => {
    expect(literalRegexPrefix(re)).toBe(want);
  });
  it("policy origin never sets a Path", () => {
    expect(cookiePathFor(policy, undefined)).toBeUndefined();
  });
});

describe("the v1.7 shape: cookie.name, cookie.path, cookie.lifetimeType, header.name", () => {
  const prefix: IrPathMatch = { type: "PathPrefix", value: "/cart" };

  it("cookie.name names the cookie; cookie.path sets Path for every match instead of one derived from it", () => {
    expect(emitted({ type: "Cookie", cookie: { name: "cart", path: "/shop" } }, rule(0), prefix)).toEqual({ type: "Cookie", name: "cart", path: "/shop" });
    expect(emitted({ cookie: { name: "cart", path: "/" } }, rule(0), { type: "Exact", value: "/login" })).toEqual({ type: "Cookie", name: "cart", path: "/" });
  });

  it("cookie.path defaults to / (the spec's MUST), also when the CRD default was not applied", () => {
    expect(emitted({ cookie: { name: "cart" } }, rule(0), prefix)).toEqual({ type: "Cookie", name: "cart", path: "/" });
    // cookie without a name: the generated per-rule name, Path still /.
    expect(emitted({ cookie: {} }, rule(2), prefix)).toEqual({ type: "Cookie", name: defaultSessionName(rule(2)), path: "/" });
  });

  it("without cookie (the v1.1 shape) the Path still follows the match", () => {
    expect(emitted({ sessionName: "cart" }, rule(0), prefix).path).toBe("/cart");
  });

  it("cookie.lifetimeType Permanent with absoluteTimeout gives a ttl, as cookieConfig does", () => {
    expect(emitted({ cookie: { name: "c", lifetimeType: "Permanent" }, absoluteTimeout: "1h" }, rule(0))).toEqual({ type: "Cookie", name: "c", path: "/", ttlSeconds: 3600 });
    const r = resolveSessionPersistence({ cookie: { name: "c", lifetimeType: "Permanent" } }, rule(0));
    expect(r.ok ? "" : r.message).toBe("sessionPersistence.absoluteTimeout is required when cookie.lifetimeType is Permanent");
  });

  it("header.name names the header (lower-cased)", () => {
    expect(emitted({ type: "Header", header: { name: "X-Session" } }, rule(0), prefix)).toEqual({ type: "Header", name: "x-session" });
  });

  it("refuses what the spec forbids or Envoy would misread", () => {
    const message = (sp: SessionPersistence) => {
      const r = resolveSessionPersistence(sp, rule(0));
      return r.ok ? "accepted" : r.message;
    };
    expect(message({ type: "Header", cookie: { name: "a" } })).toBe("sessionPersistence.cookie can only be set with type Cookie");
    expect(message({ type: "Cookie", header: { name: "a" } })).toBe("sessionPersistence.header can only be set with type Header");
    expect(message({ cookie: { name: "a" }, sessionName: "b" })).toBe('sessionPersistence.cookie.name and sessionName disagree ("a" and "b")');
    expect(message({ cookie: { name: "a" }, sessionName: "a" })).toBe("accepted");
    expect(message({ cookie: { lifetimeType: "Session" }, cookieConfig: { lifetimeType: "Permanent" }, absoluteTimeout: "1h" })).toBe(
      'sessionPersistence.cookie.lifetimeType and cookieConfig.lifetimeType disagree ("Session" and "Permanent")',
    );
    expect(message({ cookie: { name: "a b" } })).toBe('sessionPersistence.cookie.name "a b" is not a valid cookie name');
    // A `;` would end the Path attribute and start another one.
    expect(message({ cookie: { name: "a", path: "/x; Domain=evil.example" } })).toBe('sessionPersistence.cookie.path "/x; Domain=evil.example" is not a valid cookie path');
    expect(message({ cookie: { name: "a", path: "relative" } })).toBe('sessionPersistence.cookie.path "relative" is not a valid cookie path');
    expect(message({ cookie: "yes" } as unknown as SessionPersistence)).toBe("sessionPersistence.cookie must be an object");
    expect(message({ cookie: { name: "x".repeat(256) } })).toBe("accepted");
    expect(message({ sessionName: "x".repeat(129) })).toMatch(/is not a valid cookie name/);
  });
});
