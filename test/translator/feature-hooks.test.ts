// Feature modules reach the translator through FEATURES alone: a feature
// added to the list takes part in both stages with no core change, and one
// left out is gone from both.
import { describe, expect, it } from "vitest";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import { DEFAULT_CONTROLLER_NAME, type StatusUpdate } from "../../src/api/translation.ts";
import type { Feature } from "../../src/translator/features/feature.ts";
import { FEATURES } from "../../src/translator/features/index.ts";
import type { IrGateway } from "../../src/translator/ir.ts";
import { emitTranslation, resolveTranslation } from "../../src/translator/translate.ts";
import { classAndGateway, routeParents } from "./helpers.ts";
import { loadResourceSet } from "./load.ts";

const ROUTE = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
    - name: kept
      matches: [{path: {type: PathPrefix, value: /kept}}]
      filters: [{type: CORS, cors: {allowOrigins: ["https://a.example"]}}]
      backendRefs: [{name: svc, port: 80}]
    - name: refused
      matches: [{path: {type: PathPrefix, value: /refused}}]
      backendRefs: [{name: svc, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: svc, namespace: default}
spec: {ports: [{port: 80}]}
`;

const INPUT = classAndGateway("  - {name: http, protocol: HTTP, port: 80}") + ROUTE;

/** A feature that uses a hook of each kind the test can observe. */
const probe: Feature = {
  name: "probe",
  resolve: {
    rule: (ctx) => (ctx.ruleId === "refused" ? { ok: false, message: "the probe refuses it" } : { ok: true, forward: (out) => void (out.timeoutSeconds = 42) }),
    supportedFeatures: ["ProbeFeature"],
  },
  emit: {
    httpFilters: () => [{ name: "probe.filter" }],
    route(r, out) {
      out.requestHeadersToRemove = [...(out.requestHeadersToRemove ?? []), `x-probe-${r.name.split("/").at(-3) ?? ""}`];
    },
  },
};

function run(features: readonly Feature[]) {
  const resolved = resolveTranslation(loadResourceSet(INPUT), { controllerName: DEFAULT_CONTROLLER_NAME }, features);
  const gw = resolved.gateways.find((g) => g.key === "default/gw");
  const xds = emitTranslation(resolved, features).gateways.find((g) => g.key === "default/gw");
  if (!gw || !xds) throw new Error("no default/gw");
  return { statuses: resolved.statuses, ir: gw, json: resourcesToJson(xds.resources) };
}

/** The IR route of a rule, by the rule's name. */
const route = (ir: IrGateway, rule: string) => ir.listeners.flatMap((l) => l.virtualHosts.flatMap((vh) => vh.routes)).find((r) => r.name.includes(`/rule/${rule}/`));
const httpFilters = (json: ReturnType<typeof run>["json"]): string[] =>
  JSON.stringify(json.listener)
    .match(/"httpFilters":\[[^\]]*\]/g)
    ?.flatMap((list) => [...list.matchAll(/"name":"([^"]+)"/g)].map((m) => m[1] ?? "")) ?? [];
const claimed = (statuses: StatusUpdate[]): string[] => {
  const s = statuses.find((x) => x.kind === "GatewayClass");
  return s && "status" in s && s.kind === "GatewayClass" ? (s.status.supportedFeatures ?? []).map((f) => (typeof f === "string" ? f : f.name)) : [];
};

describe("FEATURES", () => {
  it("a feature added to the list takes part in every stage it hooks, in list order, with no core change", () => {
    const { statuses, ir, json } = run([...FEATURES, probe]);
    const kept = route(ir, "kept");
    const refused = route(ir, "refused");
    // resolve: the rule hook refuses one rule (its match answers 500) and adds to the other's action.
    expect(refused?.action).toEqual({ kind: "direct", status: 500 });
    expect(kept?.action.kind === "forward" && kept.action.timeoutSeconds).toBe(42);
    expect(kept?.cors?.allowOrigins).toEqual(["https://a.example"]);
    const parent = routeParents(statuses, "HTTPRoute", "r")[0];
    expect(parent?.conditions.find((c) => c.type === "PartiallyInvalid")?.message).toContain("rule refused: the probe refuses it");
    expect(claimed(statuses)).toContain("ProbeFeature");
    // emit: HTTP filters in list order before the router, and the route hook on every route.
    expect(httpFilters(json)).toEqual(["envoy.filters.http.cors", "envoy.filters.http.stateful_session", "probe.filter", "envoy.filters.http.router"]);
    expect(JSON.stringify(json.route)).toContain('"requestHeadersToRemove":["x-probe-kept"]');
    expect(JSON.stringify(json.route)).toContain('"timeout":"42s"');
  });

  it("a feature left out of the list is gone from both stages", () => {
    const withCors = run(FEATURES);
    expect(httpFilters(withCors.json)).toContain("envoy.filters.http.cors");
    expect(claimed(withCors.statuses)).toContain("HTTPRouteCORS");

    const { statuses, ir, json } = run(FEATURES.filter((f) => f.name !== "cors"));
    // Its filter type is no longer known: the rule that uses it is invalid, the other one still forwards.
    const kept = route(ir, "kept");
    const other = route(ir, "refused");
    expect(kept?.action).toEqual({ kind: "direct", status: 500 });
    expect(other?.action.kind).toBe("forward");
    expect(routeParents(statuses, "HTTPRoute", "r")[0]?.conditions.find((c) => c.type === "PartiallyInvalid")?.message).toContain("filter type CORS is not supported");
    expect(httpFilters(json)).not.toContain("envoy.filters.http.cors");
    expect(claimed(statuses)).not.toContain("HTTPRouteCORS");
  });
});
