// Status and scope of GAMMA routes (routes whose parentRef is a Service).
import { describe, expect, it } from "vitest";
import type { RouteParentStatus } from "../../src/api/gateway-api.ts";
import { DEFAULT_CONTROLLER_NAME, type TranslationResult, type TranslatorOptions } from "../../src/api/translation.ts";
import { translate } from "../../src/translator/translate.ts";
import { loadResourceSet } from "./load.ts";

const SERVICES = `
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: app}
spec:
  ports: [{name: http, port: 80}, {name: grpc, port: 7070}]
---
apiVersion: v1
kind: Service
metadata: {name: other, namespace: elsewhere}
spec:
  ports: [{name: http, port: 8080}]
`;

function route(name: string, ns: string, parentRefs: string, rules = "[{backendRefs: [{name: echo, namespace: app, port: 80}]}]", kind = "HTTPRoute"): string {
  return `
---
apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: {name: ${name}, namespace: ${ns}, generation: 4}
spec:
  parentRefs: ${parentRefs}
  rules: ${rules}
`;
}

function run(yaml: string, opts: Partial<TranslatorOptions> = {}): TranslationResult {
  return translate(loadResourceSet(yaml), { controllerName: DEFAULT_CONTROLLER_NAME, ...opts });
}

function parents(r: TranslationResult, kind: string, ns: string, name: string): RouteParentStatus[] {
  const updates = r.statuses.filter((s) => s.kind === kind && s.target.namespace === ns && s.target.name === name);
  // One update per route: the status writer replaces our entries with each update.
  expect(updates.length).toBe(1);
  const u = updates[0];
  return u && "parents" in u ? u.parents : [];
}

const cond = (p: RouteParentStatus | undefined, type: string) => {
  const c = p?.conditions.find((x) => x.type === type);
  return c ? { status: c.status, reason: c.reason, observedGeneration: c.observedGeneration } : undefined;
};

describe("mesh route status", () => {
  it("a producer route gets Accepted and ResolvedRefs under our controllerName, with observedGeneration", () => {
    const r = run(SERVICES + route("r", "app", "[{group: '', kind: Service, name: echo}]"));
    const [p] = parents(r, "HTTPRoute", "app", "r");
    expect(p?.controllerName).toBe(DEFAULT_CONTROLLER_NAME);
    expect(p?.parentRef).toEqual({ group: "", kind: "Service", name: "echo" });
    expect(cond(p, "Accepted")).toEqual({ status: "True", reason: "Accepted", observedGeneration: 4 });
    expect(cond(p, "ResolvedRefs")).toEqual({ status: "True", reason: "ResolvedRefs", observedGeneration: 4 });
  });

  it("a consumer route is accepted, says whom it applies to, and needs no ReferenceGrant for its backends", () => {
    const r = run(SERVICES + route("c", "client", "[{group: '', kind: Service, name: echo, namespace: app, port: 80}]"));
    const [p] = parents(r, "HTTPRoute", "client", "c");
    expect(cond(p, "Accepted")?.status).toBe("True");
    expect(p?.conditions.find((c) => c.type === "Accepted")?.message).toContain("mesh/ns/client/%s");
    expect(cond(p, "ResolvedRefs")).toMatchObject({ status: "True", reason: "ResolvedRefs" });
    expect(r.mesh?.listeners.map((l) => l.name)).toContain("mesh/ns/client/echo.app.svc.cluster.local:80");
  });

  it("a missing Service, or a port or sectionName the Service lacks: Accepted=False NoMatchingParent", () => {
    const r = run(
      SERVICES +
        route("r", "app", "[{group: '', kind: Service, name: nope}, {group: '', kind: Service, name: echo, port: 81}, {group: '', kind: Service, name: echo, sectionName: admin}]"),
    );
    const ps = parents(r, "HTTPRoute", "app", "r");
    expect(ps.map((p) => cond(p, "Accepted")?.reason)).toEqual(["NoMatchingParent", "NoMatchingParent", "NoMatchingParent"]);
    expect(ps.every((p) => cond(p, "Accepted")?.status === "False")).toBe(true);
  });

  it("a missing backend: ResolvedRefs=False BackendNotFound, still Accepted, and its share answers 500", () => {
    const r = run(SERVICES + route("r", "app", "[{group: '', kind: Service, name: echo, port: 80}]", "[{backendRefs: [{name: gone, port: 80}]}]"));
    const [p] = parents(r, "HTTPRoute", "app", "r");
    expect(cond(p, "Accepted")?.status).toBe("True");
    expect(cond(p, "ResolvedRefs")).toMatchObject({ status: "False", reason: "BackendNotFound" });
    const rc = r.mesh?.routes.find((x) => x.name === "echo.app.svc.cluster.local:80");
    const action = rc?.virtualHosts[0]?.routes[0]?.action;
    expect(action?.case).toBe("route");
    if (action?.case === "route" && action.value.clusterSpecifier.case === "weightedClusters") {
      expect(action.value.clusterSpecifier.value.clusters.map((c) => c.name)).toEqual(["invalid-backend"]);
    } else throw new Error("expected a weighted route to the invalid backend");
  });

  it("a backendRef kind we do not support: ResolvedRefs=False InvalidKind", () => {
    const r = run(SERVICES + route("r", "app", "[{group: '', kind: Service, name: echo}]", "[{backendRefs: [{group: example.com, kind: Thing, name: t}]}]"));
    expect(cond(parents(r, "HTTPRoute", "app", "r")[0], "ResolvedRefs")).toMatchObject({ status: "False", reason: "InvalidKind" });
  });

  it("a route with a Gateway parent and a Service parent gets one update with both entries", () => {
    const gw = `
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: sy, generation: 1}
spec: {controllerName: ${DEFAULT_CONTROLLER_NAME}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: app, generation: 1}
spec:
  gatewayClassName: sy
  listeners: [{name: http, port: 80, protocol: HTTP}]
`;
    const r = run(SERVICES + gw + route("r", "app", "[{name: gw}, {group: '', kind: Service, name: echo, port: 80}]"));
    const ps = parents(r, "HTTPRoute", "app", "r");
    expect(ps.map((p) => p.parentRef.kind ?? "Gateway")).toEqual(["Gateway", "Service"]);
    expect(ps.map((p) => cond(p, "Accepted")?.status)).toEqual(["True", "True"]);
  });

  it("a Gateway parent of another controller is left alone; the Service parent is still ours", () => {
    const r = run(SERVICES + route("r", "app", "[{name: not-ours}, {group: '', kind: Service, name: echo}]"));
    expect(parents(r, "HTTPRoute", "app", "r").map((p) => p.parentRef.name)).toEqual(["echo"]);
  });

  it("an HTTPRoute that shares its only port with a GRPCRoute: Accepted=False Conflicted, the GRPCRoute is programmed", () => {
    const r = run(
      SERVICES +
        route("h", "app", "[{group: '', kind: Service, name: echo, port: 7070}]") +
        route("g", "app", "[{group: '', kind: Service, name: echo, port: 7070}]", "[{backendRefs: [{name: echo, port: 7070}]}]", "GRPCRoute"),
    );
    expect(cond(parents(r, "HTTPRoute", "app", "h")[0], "Accepted")).toMatchObject({ status: "False", reason: "Conflicted" });
    expect(cond(parents(r, "GRPCRoute", "app", "g")[0], "Accepted")).toMatchObject({ status: "True", reason: "Accepted" });
    const rc = r.mesh?.routes.find((x) => x.name === "echo.app.svc.cluster.local:7070");
    expect(rc?.virtualHosts[0]?.routes.map((x) => x.name)).toEqual(["grpcroute/app/g/rule/0/match/0"]);
  });

  it("an HTTPRoute on every port keeps the ports a GRPCRoute does not take, and stays Accepted", () => {
    const r = run(
      SERVICES +
        route("h", "app", "[{group: '', kind: Service, name: echo}]") +
        route("g", "app", "[{group: '', kind: Service, name: echo, port: 7070}]", "[{backendRefs: [{name: echo, port: 7070}]}]", "GRPCRoute"),
    );
    expect(cond(parents(r, "HTTPRoute", "app", "h")[0], "Accepted")?.status).toBe("True");
    const rc = r.mesh?.routes.find((x) => x.name === "echo.app.svc.cluster.local:80");
    expect(rc?.virtualHosts[0]?.routes.map((x) => x.name)).toEqual(["httproute/app/h/rule/0/match/0"]);
  });

  it("a route with no valid rule: Accepted=False UnsupportedValue and the port keeps its default route", () => {
    const r = run(SERVICES + route("r", "app", "[{group: '', kind: Service, name: echo, port: 80}]", "[{matches: [{path: {type: Exact, value: 'no-slash'}}], backendRefs: [{name: echo, port: 80}]}]"));
    expect(cond(parents(r, "HTTPRoute", "app", "r")[0], "Accepted")).toMatchObject({ status: "False", reason: "UnsupportedValue" });
    const rc = r.mesh?.routes.find((x) => x.name === "echo.app.svc.cluster.local:80");
    expect(rc?.virtualHosts[0]?.routes.map((x) => x.name)).toEqual(["service/app/echo/80/default"]);
  });

  it("two parentRefs selecting the same port program the route once", () => {
    const r = run(SERVICES + route("r", "app", "[{group: '', kind: Service, name: echo, port: 80}, {group: '', kind: Service, name: echo, sectionName: http}]"));
    const rc = r.mesh?.routes.find((x) => x.name === "echo.app.svc.cluster.local:80");
    expect(rc?.virtualHosts[0]?.routes).toHaveLength(1);
    expect(parents(r, "HTTPRoute", "app", "r")).toHaveLength(2);
  });
});

describe("mesh scope and options", () => {
  it("no route with a Service parent: no mesh snapshot", () => {
    expect(run(SERVICES).mesh).toBeUndefined();
  });

  it("with a mesh route, every ClusterIP Service port gets a listener, headless and ExternalName Services none", () => {
    const extra = `
---
apiVersion: v1
kind: Service
metadata: {name: headless, namespace: app}
spec: {clusterIP: None, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: app}
spec: {type: ExternalName, externalName: example.com}
`;
    const r = run(SERVICES + extra + route("r", "app", "[{group: '', kind: Service, name: echo, port: 80}]"));
    expect(r.mesh?.listeners.map((l) => l.name)).toEqual([
      "echo.app.svc.cluster.local:7070",
      "echo.app.svc.cluster.local:80",
      "other.elsewhere.svc.cluster.local:8080",
    ]);
  });

  it("meshServices: routed keeps only the Service ports mesh routes attach to (and their views)", () => {
    const r = run(SERVICES + route("c", "client", "[{group: '', kind: Service, name: echo, namespace: app, port: 80}]"), { meshServices: "routed" });
    expect(r.mesh?.listeners.map((l) => l.name)).toEqual(["echo.app.svc.cluster.local:80", "mesh/ns/client/echo.app.svc.cluster.local:80"]);
    expect(r.mesh?.clusters.map((c) => c.name)).toEqual(["service/app/echo/80"]);
  });

  it("mesh: false leaves Service parents to another mesh: no entries, no snapshot", () => {
    const r = run(SERVICES + route("r", "app", "[{group: '', kind: Service, name: echo}]"), { mesh: false });
    expect(r.mesh).toBeUndefined();
    expect(r.statuses.filter((s) => s.kind === "HTTPRoute")).toEqual([]);
  });

  it("clusterDomain names the targets", () => {
    const r = run(SERVICES + route("r", "app", "[{group: '', kind: Service, name: echo, port: 80}]"), { clusterDomain: "corp.internal" });
    expect(r.mesh?.listeners.map((l) => l.name)).toContain("echo.app.svc.corp.internal:80");
  });

  it("route hostnames are ignored (GEP-1426): the route applies whatever they say", () => {
    const yaml = SERVICES + route("r", "app", "[{group: '', kind: Service, name: echo, port: 80}]").replace("spec:\n", "spec:\n  hostnames: [nothing.example]\n");
    const rc = run(yaml).mesh?.routes.find((x) => x.name === "echo.app.svc.cluster.local:80");
    expect(rc?.virtualHosts[0]?.domains).toEqual(["*"]);
    expect(rc?.virtualHosts[0]?.routes.map((x) => x.name)).toEqual(["httproute/app/r/rule/0/match/0"]);
  });
});
