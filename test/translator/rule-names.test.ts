// Rule names MUST be unique within a route. The v1.7 CRDs enforce it with a CEL rule; objects that
// bypass it (older CRDs, other sources) get the repeated rule marked invalid, never two Envoy
// routes of one name.
import { describe, expect, it } from "vitest";
import { gateway, run, snapshot, statusOf } from "./tls-helpers.ts";

const GW = gateway("eg", `  - {name: http, port: 80, protocol: HTTP}`);

function route(kind: "HTTPRoute" | "GRPCRoute", rules: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: {name: r, namespace: default, generation: 2}
spec:
  parentRefs: [{name: eg}]
  hostnames: [${kind === "HTTPRoute" ? "web" : "grpc"}.example.com]
  rules:
${rules}`;
}

const routeNames = (r: ReturnType<typeof run>) =>
  snapshot(r, "default/eg").routes.flatMap((rc) => rc.virtualHosts.flatMap((vh) => vh.routes.map((x) => [x.name, x.action.case] as const)));

describe("rule names", () => {
  it("HTTPRoute: the first rule keeps its name; a repeat is invalid (500), named by index, PartiallyInvalid", () => {
    const r = run(
      GW,
      route(
        "HTTPRoute",
        `  - {name: main, matches: [{path: {type: PathPrefix, value: /a}}], backendRefs: [{name: backend, port: 8080}]}
  - {name: main, matches: [{path: {type: PathPrefix, value: /b}}], backendRefs: [{name: backend, port: 8080}]}
  - {name: other, matches: [{path: {type: PathPrefix, value: /c}}], backendRefs: [{name: backend, port: 8080}]}
`,
      ),
    );
    const names = routeNames(r);
    expect(new Set(names.map(([n]) => n)).size).toBe(names.length);
    expect(names).toContainEqual(["httproute/default/r/rule/main/match/0", "route"]);
    expect(names).toContainEqual(["httproute/default/r/rule/1/match/0", "directResponse"]);
    expect(names).toContainEqual(["httproute/default/r/rule/other/match/0", "route"]);
    const conds = statusOf(r, "HTTPRoute", "default/r").parents[0]?.conditions ?? [];
    expect(conds.find((c) => c.type === "Accepted")?.status).toBe("True");
    const partial = conds.find((c) => c.type === "PartiallyInvalid");
    expect([partial?.status, partial?.reason]).toEqual(["True", "UnsupportedValue"]);
    expect(partial?.message).toContain('rule 1: rule name "main" is not unique within the route');
  });

  it("GRPCRoute: the same", () => {
    const r = run(
      GW,
      route(
        "GRPCRoute",
        `  - {name: rpc, matches: [{method: {service: pkg.A}}], backendRefs: [{name: backend, port: 8080}]}
  - {name: rpc, matches: [{method: {service: pkg.B}}], backendRefs: [{name: backend, port: 8080}]}
`,
      ),
    );
    const names = routeNames(r);
    expect(names).toEqual(
      expect.arrayContaining([
        ["grpcroute/default/r/rule/rpc/match/0", "route"],
        ["grpcroute/default/r/rule/1/match/0", "directResponse"],
      ]),
    );
    const partial = statusOf(r, "GRPCRoute", "default/r").parents[0]?.conditions.find((c) => c.type === "PartiallyInvalid");
    expect([partial?.status, partial?.reason]).toEqual(["True", "UnsupportedValue"]);
  });

  it("unnamed rules and distinct names are untouched", () => {
    const r = run(
      GW,
      route(
        "HTTPRoute",
        `  - {matches: [{path: {type: PathPrefix, value: /a}}], backendRefs: [{name: backend, port: 8080}]}
  - {matches: [{path: {type: PathPrefix, value: /b}}], backendRefs: [{name: backend, port: 8080}]}
  - {name: x, backendRefs: [{name: backend, port: 8080}]}
`,
      ),
    );
    expect(routeNames(r).every(([, a]) => a === "route")).toBe(true);
    expect(statusOf(r, "HTTPRoute", "default/r").parents[0]?.conditions.find((c) => c.type === "PartiallyInvalid")).toBeUndefined();
  });
});
