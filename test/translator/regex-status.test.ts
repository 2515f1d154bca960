// A regex Envoy would refuse is refused on its own route (Accepted=False/UnsupportedValue, or
// PartiallyInvalid when other rules stand), and never reaches the route table, where it would
// make Envoy reject every route of the listener. Sibling routes stay programmed.
import { describe, expect, it } from "vitest";
import type { RouteParentStatus } from "../../src/api/gateway-api.ts";
import { DEFAULT_CONTROLLER_NAME, type TranslationResult } from "../../src/api/translation.ts";
import type { XdsResources } from "../../src/api/xds.ts";
import { checkRe2 } from "../../src/translator/resolve/re2-check.ts";
import { translate } from "../../src/translator/translate.ts";
import { routeParents } from "./helpers.ts";
import { BAD, BASE, GOOD_MATCH, route } from "./regex-cases.ts";
import { loadResourceSet } from "./load.ts";

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
