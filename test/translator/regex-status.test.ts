// A regex Envoy would refuse is refused on its own route (Accepted=False/UnsupportedValue, or
// PartiallyInvalid when other rules stand), and never reaches the route table, where it would
// make Envoy reject every route of the listener. Sibling routes stay programmed.
import { describe, expect, it } from "vitest";
import type { RouteParentStatus } from "../../src/api/gateway-api.ts";
import { DEFAULT_CONTROLLER_NAME, type TranslationResult } from "../../src/api/translation.ts";
import type { XdsResources } from "../../src/api/xds.ts";
import { checkRe2 } from "../../src/translator/resolve/re2-check.ts";
import { translate } from "../../src/translator/translate.ts";
import { classAndGateway, routeParents } from "./helpers.ts";
import { loadResourceSet } from "./load.ts";

const BASE = `${classAndGateway("  - {name: http, port: 80, protocol: HTTP}")}---
apiVersion: v1
kind: Service
metadata: {name: b, namespace: default}
spec: {ports: [{name: p, port: 9000}]}
`;

function route(kind: "HTTPRoute" | "GRPCRoute", name: string, matches: string, parent = "{name: gw}"): string {
  return `---
apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: {name: ${name}, namespace: default}
spec:
  parentRefs: [${parent}]
  rules:
  - matches: ${matches}
    backendRefs: [{name: b, port: 9000}]
`;
}

function run(yaml: string): TranslationResult {
  return translate(loadResourceSet(BASE + yaml), { controllerName: DEFAULT_CONTROLLER_NAME });
}

const accepted = (parents: RouteParentStatus[]) => parents.map((p) => p.conditions.find((c) => c.type === "Accepted"));

/** Every regex in a snapshot's route tables (matches and rewrites). */
function regexes(x: XdsResources): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (Array.isArray(v)) v.forEach((i) => walk(i, key));
    else if (v && typeof v === "object") for (const [k, i] of Object.entries(v)) walk(i, k);
    else if (key === "regex" && typeof v === "string") out.push(v);
  };
  walk(x.routes, "");
  return out;
}

function routeNames(x: XdsResources | undefined): string[] {
  return (x?.routes ?? []).flatMap((rc) => rc.virtualHosts.flatMap((vh) => vh.routes.map((r) => r.name)));
}

const BAD: { site: string; kind: "HTTPRoute" | "GRPCRoute"; matches: string; message: RegExp }[] = [
  { site: "HTTPRoute path", kind: "HTTPRoute", matches: `[{path: {type: RegularExpression, value: '/x\\e'}}]`, message: /path\.value regex "\/x\\\\e" is not valid RE2: invalid escape/ },
  { site: "HTTPRoute path size", kind: "HTTPRoute", matches: `[{path: {type: RegularExpression, value: '/\\W{1000}'}}]`, message: /path\.value regex .* compiles to an RE2 program of up to 5005 instructions, over the limit of 4096/ },
  { site: "HTTPRoute header", kind: "HTTPRoute", matches: `[{headers: [{type: RegularExpression, name: x-a, value: '[^]'}]}]`, message: /header match "x-a" value regex "\[\^\]" is not valid RE2/ },
  { site: "HTTPRoute query param", kind: "HTTPRoute", matches: `[{queryParams: [{type: RegularExpression, name: q, value: '\\Z'}]}]`, message: /query param match "q" value regex "\\\\Z" is not valid RE2/ },
  { site: "HTTPRoute byte-mode escape", kind: "HTTPRoute", matches: `[{path: {type: RegularExpression, value: '/\\x{100}'}}]`, message: /above \\xFF/ },
  { site: "GRPCRoute service", kind: "GRPCRoute", matches: `[{method: {type: RegularExpression, service: 'a\\cA'}}]`, message: /method\.service regex "a\\\\cA" is not valid RE2/ },
  { site: "GRPCRoute method", kind: "GRPCRoute", matches: `[{method: {type: RegularExpression, method: 'a{2,1001}'}}]`, message: /method\.method regex "a\{2,1001\}" is not valid RE2/ },
  { site: "GRPCRoute header", kind: "GRPCRoute", matches: `[{headers: [{type: RegularExpression, name: x-a, value: '\\u0041'}]}]`, message: /header match "x-a" value regex "\\\\u0041" is not valid RE2/ },
  // Each part fits on its own (about 4,000 instructions); the path regex made of both does not.
  { site: "GRPCRoute service+method size", kind: "GRPCRoute", matches: `[{method: {type: RegularExpression, service: '\\W{800}', method: '\\W{800}'}}]`, message: /method match \(as the path regex .*\) compiles to an RE2 program of up to \d+ instructions, over the limit of 4096/ },
];

const GOOD_MATCH: Record<"HTTPRoute" | "GRPCRoute", string> = {
  HTTPRoute: `[{path: {type: RegularExpression, value: '/ok/[^/]+'}, headers: [{type: RegularExpression, name: x-b, value: '(?i)yes|no'}]}]`,
  GRPCRoute: `[{method: {type: RegularExpression, service: 'pkg\\.(A|B)', method: 'Get.*'}}]`,
};

describe.each(BAD)("an invalid regex in the $site", ({ kind, matches, message }) => {
  it("makes its route Accepted=False/UnsupportedValue, and its sibling stays programmed", () => {
    const r = run(route(kind, "bad", matches) + route(kind, "good", GOOD_MATCH[kind]));
    const [bad] = accepted(routeParents(r.statuses, kind, "bad"));
    expect(bad?.status).toBe("False");
    expect(bad?.reason).toBe("UnsupportedValue");
    expect(bad?.message).toMatch(message);
    expect(accepted(routeParents(r.statuses, kind, "good"))[0]?.status).toBe("True");
    const gw = r.gateways.find((g) => g.key === "default/gw")?.resources;
    const names = routeNames(gw);
    expect(names.some((n) => n.split("/")[2] === "good")).toBe(true);
    expect(names.some((n) => n.split("/")[2] === "bad")).toBe(false);
    for (const re of regexes(gw!)) expect(checkRe2(re).ok, re).toBe(true);
  });

  it("in one rule of a route with a valid rule: PartiallyInvalid, the valid rule programmed", () => {
    const yaml = route(kind, "mixed", matches).replace(/\n$/, "") + `\n  - matches: ${GOOD_MATCH[kind]}\n    backendRefs: [{name: b, port: 9000}]\n`;
    const r = run(yaml);
    const [p] = routeParents(r.statuses, kind, "mixed");
    expect(p?.conditions.find((c) => c.type === "Accepted")?.status).toBe("True");
    const partial = p?.conditions.find((c) => c.type === "PartiallyInvalid");
    expect(partial?.reason).toBe("UnsupportedValue");
    expect(partial?.message).toMatch(message);
    const names = routeNames(r.gateways.find((g) => g.key === "default/gw")?.resources);
    expect(names.filter((n) => n.split("/")[2] === "mixed").map((n) => n.split("/")[4])).toEqual(["1"]);
  });

  it("on a mesh route (Service parent) too, without touching the sibling mesh route", () => {
    const svc = "{group: '', kind: Service, name: b, port: 9000}";
    const r = run(route(kind, "bad", matches, svc) + route(kind, "good", GOOD_MATCH[kind], svc));
    const [bad] = accepted(routeParents(r.statuses, kind, "bad"));
    expect(bad?.status).toBe("False");
    expect(bad?.reason).toBe("UnsupportedValue");
    expect(bad?.message).toMatch(message);
    expect(accepted(routeParents(r.statuses, kind, "good"))[0]?.status).toBe("True");
    const names = routeNames(r.mesh);
    expect(names.some((n) => n.split("/")[2] === "good")).toBe(true);
    expect(names.some((n) => n.split("/")[2] === "bad")).toBe(false);
    for (const re of regexes(r.mesh!)) expect(checkRe2(re).ok, re).toBe(true);
  });
});
