// Gateway API semantics of translate(), checked on small inputs.
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTROLLER_NAME, type StatusUpdate, type TranslationResult } from "../../src/api/translation.ts";
import { covers, intersect, routeHostnamesOn } from "../../src/translator/resolve/hostnames.ts";
import { comparePrecedence, precedenceOf } from "../../src/translator/resolve/precedence.ts";
import { parseDuration } from "../../src/translator/resolve/values.ts";
import { translate } from "../../src/translator/translate.ts";
import { loadResourceSet } from "./load.ts";

const CLASS = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: sw, generation: 1}
spec: {controllerName: ${DEFAULT_CONTROLLER_NAME}}
`;
const gateway = (name: string, listeners: string, ns = "default") => `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${ns}, generation: 2}
spec:
  gatewayClassName: sw
  listeners: ${listeners}
`;
const service = (name: string, ns = "default", withEndpoints = true) =>
  `---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: {ports: [{name: http, port: 80}]}
` +
  (withEndpoints
    ? `---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}-1, namespace: ${ns}, labels: {kubernetes.io/service-name: ${name}}}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints: [{addresses: [10.9.0.1], conditions: {ready: true}}]
`
    : "");
const route = (name: string, spec: string, ns = "default", extra = "") => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${ns}, generation: 3${extra}}
spec:
${spec}`;

function run(yaml: string): TranslationResult {
  return translate(loadResourceSet(yaml), { controllerName: DEFAULT_CONTROLLER_NAME });
}

function parents(r: TranslationResult, ns: string, name: string) {
  const s = r.statuses.find((u) => u.kind === "HTTPRoute" && u.target.namespace === ns && u.target.name === name);
  return s && "parents" in s ? s.parents : [];
}

function reason(r: TranslationResult, ns: string, name: string, type: string): string | undefined {
  return parents(r, ns, name)[0]?.conditions.find((c) => c.type === type)?.reason;
}

function routesOf(r: TranslationResult, gw = "default/eg") {
  return r.gateways.find((g) => g.key === gw)?.resources.routes.flatMap((rc) => rc.virtualHosts.flatMap((vh) => vh.routes)) ?? [];
}

describe("hostnames", () => {
  it("matches wildcards on one or more labels, never the bare suffix", () => {
    expect(covers("*.example.com", "foo.example.com")).toBe(true);
    expect(covers("*.example.com", "a.b.example.com")).toBe(true);
    expect(covers("*.example.com", "example.com")).toBe(false);
    expect(covers("*.example.com", "*.foo.example.com")).toBe(true);
    expect(covers("foo.example.com", "*.example.com")).toBe(false);
  });
  it("intersects to the more specific hostname", () => {
    expect(intersect("*.example.com", "foo.example.com")).toBe("foo.example.com");
    expect(intersect("foo.example.com", "*.example.com")).toBe("foo.example.com");
    expect(intersect("*.example.com", "*.foo.example.com")).toBe("*.foo.example.com");
    expect(intersect("foo.example.com", "bar.example.com")).toBeUndefined();
    expect(intersect(undefined, "Foo.Example.com")).toBe("foo.example.com");
    expect(routeHostnamesOn("*.example.com", [])).toEqual(["*.example.com"]);
    expect(routeHostnamesOn(undefined, undefined)).toEqual(["*"]);
    expect(routeHostnamesOn("a.example.com", ["b.example.com"])).toEqual([]);
    // Not Gateway API hostnames (Envoy would NACK the first as a domain): ignored.
    expect(routeHostnamesOn(undefined, ["a*.example.com", "10.0.0.1", "ok.example.com"])).toEqual(["ok.example.com"]);
  });
});

describe("precedence", () => {
  const m = (type: "Exact" | "PathPrefix" | "RegularExpression", value: string, extra: { method?: string; headers?: number; query?: number } = {}) => ({
    path: { type, value },
    headers: Array.from({ length: extra.headers ?? 0 }, (_, i) => ({ name: `h${i}`, match: { type: "Exact" as const, value: "v" } })),
    queryParams: Array.from({ length: extra.query ?? 0 }, (_, i) => ({ name: `q${i}`, match: { type: "Exact" as const, value: "v" } })),
    ...(extra.method ? { method: extra.method } : {}),
  });
  it("orders exact, then longest prefix, then method, headers, query params, then age and name", () => {
    const list = [
      precedenceOf(m("PathPrefix", "/"), "2024", "ns/a", 0, 0),
      precedenceOf(m("PathPrefix", "/a", { query: 1 }), "2024", "ns/a", 0, 1),
      precedenceOf(m("PathPrefix", "/a", { headers: 1 }), "2024", "ns/a", 0, 2),
      precedenceOf(m("PathPrefix", "/a", { method: "GET" }), "2024", "ns/a", 0, 3),
      precedenceOf(m("PathPrefix", "/abc"), "2024", "ns/a", 0, 4),
      precedenceOf(m("Exact", "/a"), "2024", "ns/a", 0, 5),
      precedenceOf(m("PathPrefix", "/x"), "2023", "ns/z", 1, 0),
      precedenceOf(m("PathPrefix", "/x"), "2024", "ns/b", 0, 0),
      precedenceOf(m("PathPrefix", "/x"), "2024", "ns/a", 2, 0),
    ];
    const sorted = [...list].sort(comparePrecedence).map((p) => `${p.key}:${p.rule}:${p.match}`);
    expect(sorted).toEqual(["ns/a:0:5", "ns/a:0:4", "ns/a:0:3", "ns/a:0:2", "ns/a:0:1", "ns/z:1:0", "ns/a:2:0", "ns/b:0:0", "ns/a:0:0"]);
  });
});

describe("durations", () => {
  it("parses GEP-2257 durations and rejects others", () => {
    expect(parseDuration("1h2m3s")).toBe(3723);
    expect(parseDuration("500ms")).toBe(0.5);
    expect(parseDuration("0s")).toBe(0);
    expect(parseDuration("1.5s")).toBeUndefined();
    expect(parseDuration("10")).toBeUndefined();
  });
  it("sums parts in whole milliseconds, so equal durations compare equal", () => {
    expect(parseDuration("100ms200ms")).toBe(parseDuration("300ms"));
  });
});

describe("backend references", () => {
  const cross = CLASS + gateway("eg", "[{name: http, port: 80, protocol: HTTP}]") + service("svc", "other") + route("r", "  parentRefs: [{name: eg}]\n  rules: [{backendRefs: [{name: svc, namespace: other, port: 80}]}]\n");
  const grant = `---
apiVersion: gateway.networking.k8s.io/v1
kind: ReferenceGrant
metadata: {name: g, namespace: other}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: default}]
  to: [{group: "", kind: Service}]
`;
  it("allows cross-namespace backends with a ReferenceGrant, and revokes them when it goes", () => {
    const granted = run(cross + grant);
    expect(reason(granted, "default", "r", "ResolvedRefs")).toBe("ResolvedRefs");
    expect(granted.gateways[0]?.resources.clusters.map((c) => c.name)).toEqual(["service/other/svc/80"]);
    const revoked = run(cross);
    expect(reason(revoked, "default", "r", "ResolvedRefs")).toBe("RefNotPermitted");
    expect(revoked.gateways[0]?.resources.clusters).toEqual([]);
    expect(routesOf(revoked)[0]?.action).toMatchObject({ case: "directResponse", value: { status: 500 } });
  });

  it("a grant for another kind or name does not count", () => {
    const otherName = grant.replace('to: [{group: "", kind: Service}]', 'to: [{group: "", kind: Service, name: nope}]');
    expect(reason(run(cross + otherName), "default", "r", "ResolvedRefs")).toBe("RefNotPermitted");
    const otherKind = grant.replace("kind: HTTPRoute, namespace: default", "kind: GRPCRoute, namespace: default");
    expect(reason(run(cross + otherKind), "default", "r", "ResolvedRefs")).toBe("RefNotPermitted");
  });

  it("gives invalid backends their weighted share as 500 and keeps a cluster for a Service without endpoints", () => {
    const r = run(
      CLASS +
        gateway("eg", "[{name: http, port: 80, protocol: HTTP}]") +
        service("empty", "default", false) +
        route("r", "  parentRefs: [{name: eg}]\n  rules: [{backendRefs: [{name: empty, port: 80, weight: 3}, {name: gone, port: 80, weight: 1}]}]\n"),
    );
    const action = routesOf(r)[0]?.action;
    expect(action?.case).toBe("route");
    if (action?.case !== "route") return;
    expect(action.value.clusterSpecifier.case).toBe("weightedClusters");
    if (action.value.clusterSpecifier.case !== "weightedClusters") return;
    expect(action.value.clusterSpecifier.value.clusters.map((c) => [c.name, c.weight])).toEqual([
      ["service/default/empty/80", 3],
      ["invalid-backend", 1],
    ]);
    expect(r.gateways[0]?.resources.endpoints.map((e) => [e.clusterName, e.endpoints.length])).toEqual([["service/default/empty/80", 0]]);
    expect(reason(r, "default", "r", "ResolvedRefs")).toBe("BackendNotFound");
  });
});

describe("status ownership and generations", () => {
  const yaml =
    CLASS +
    `---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: theirs}
spec: {controllerName: example.com/else}
` +
    gateway("eg", "[{name: http, port: 80, protocol: HTTP}]") +
    `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: other-gw, namespace: default}
spec: {gatewayClassName: theirs, listeners: [{name: http, port: 80, protocol: HTTP}]}
` +
    service("svc") +
    route("r", "  parentRefs: [{name: eg}, {name: other-gw}]\n  rules: [{backendRefs: [{name: svc, port: 80}]}]\n") +
    route("only-theirs", "  parentRefs: [{name: other-gw}]\n");

  it("writes status only for our classes, Gateways and parent entries", () => {
    const r = run(yaml);
    const keys = r.statuses.map((s: StatusUpdate) => `${s.kind}/${s.target.name}`);
    expect(keys).toEqual(["Gateway/eg", "GatewayClass/sw", "HTTPRoute/r"]);
    expect(parents(r, "default", "r").map((p) => p.parentRef.name)).toEqual(["eg"]);
    expect(r.gateways.map((g) => g.key)).toEqual(["default/eg"]);
  });

  it("stamps observedGeneration from each object's own generation", () => {
    const r = run(yaml);
    for (const s of r.statuses) {
      const conds = s.kind === "Gateway" ? [...(s.status.conditions ?? []), ...(s.status.listeners ?? []).flatMap((l) => l.conditions)] : "parents" in s ? s.parents.flatMap((p) => p.conditions) : s.kind === "GatewayClass" ? (s.status.conditions ?? []) : [];
      const want = s.kind === "Gateway" ? 2 : s.kind === "HTTPRoute" ? 3 : 1;
      for (const c of conds) expect(c.observedGeneration).toBe(want);
    }
  });
});

describe("redirects", () => {
  const redirect = (listener: string, filter: string) =>
    run(CLASS + gateway("eg", `[${listener}]`) + route("r", `  parentRefs: [{name: eg}]\n  rules: [{filters: [{type: RequestRedirect, requestRedirect: ${filter}}]}]\n`));
  const port = (r: TranslationResult) => {
    const a = routesOf(r)[0]?.action;
    return a?.case === "redirect" ? a.value.portRedirect : undefined;
  };
  it("derives the port from the scheme, else from the listener, and leaves a scheme's default port unset", () => {
    // Unset (0): Envoy then writes no port, as the spec asks for http:80 and https:443.
    expect(port(redirect("{name: http, port: 8080, protocol: HTTP}", "{hostname: example.org}"))).toBe(8080);
    expect(port(redirect("{name: http, port: 8080, protocol: HTTP}", "{scheme: https}"))).toBe(0);
    expect(port(redirect("{name: http, port: 8080, protocol: HTTP}", "{scheme: http}"))).toBe(0);
    expect(port(redirect("{name: http, port: 80, protocol: HTTP}", "{hostname: example.org}"))).toBe(0);
    expect(port(redirect("{name: http, port: 8080, protocol: HTTP}", "{scheme: https, port: 8443}"))).toBe(8443);
  });
});

describe("multiple Gateways", () => {
  it("keeps each Gateway's snapshot to the clusters its own routes use", () => {
    const r = run(
      CLASS +
        gateway("eg", "[{name: http, port: 80, protocol: HTTP}]") +
        gateway("eg2", "[{name: web, port: 8080, protocol: HTTP}]") +
        service("a") +
        service("b") +
        route("ra", "  parentRefs: [{name: eg}]\n  rules: [{backendRefs: [{name: a, port: 80}]}]\n") +
        route("rb", "  parentRefs: [{name: eg2}]\n  rules: [{backendRefs: [{name: b, port: 80}]}]\n"),
    );
    expect(r.gateways.map((g) => [g.key, g.resources.clusters.map((c) => c.name), g.resources.listeners.map((l) => l.name)])).toEqual([
      ["default/eg", ["service/default/a/80"], ["default/eg/http"]],
      ["default/eg2", ["service/default/b/80"], ["default/eg2/web"]],
    ]);
  });
});

describe("routes on a Gateway that is not accepted", () => {
  it("are Pending and not programmed", () => {
    const r = run(
      CLASS +
        `---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: eg, namespace: default, generation: 2}
spec:
  gatewayClassName: sw
  addresses: [{type: example.com/Custom, value: x}]
  listeners: [{name: http, port: 80, protocol: HTTP}]
` +
        service("svc") +
        route("r", "  parentRefs: [{name: eg}]\n  rules: [{backendRefs: [{name: svc, port: 80}]}]\n"),
    );
    expect(reason(r, "default", "r", "Accepted")).toBe("Pending");
    expect(r.gateways[0]?.resources.listeners).toEqual([]);
    const gw = r.statuses.find((s) => s.kind === "Gateway");
    expect(gw?.kind === "Gateway" && gw.status.conditions?.find((c) => c.type === "Accepted")?.reason).toBe("UnsupportedAddress");
    expect(gw?.kind === "Gateway" && gw.status.listeners?.[0]?.attachedRoutes).toBe(1);
  });
});

describe("stability", () => {
  it("an endpoint change only changes that ClusterLoadAssignment", () => {
    const base = CLASS + gateway("eg", "[{name: http, port: 80, protocol: HTTP}]") + service("a") + service("b", "default", false) + route("r", "  parentRefs: [{name: eg}]\n  rules: [{backendRefs: [{name: a, port: 80}, {name: b, port: 80}]}]\n");
    const before = run(base).gateways[0]?.resources;
    const after = run(base.replace("addresses: [10.9.0.1]", "addresses: [10.9.0.2]")).gateways[0]?.resources;
    expect(after?.listeners).toEqual(before?.listeners);
    expect(after?.routes).toEqual(before?.routes);
    expect(after?.clusters).toEqual(before?.clusters);
    expect(after?.endpoints[1]).toEqual(before?.endpoints[1]);
    expect(after?.endpoints[0]).not.toEqual(before?.endpoints[0]);
  });
});

describe("hostname precedence", () => {
  it("tries the most specific hostname's rules first, then falls through to wildcard and catch-all routes", () => {
    const r = run(
      CLASS +
        gateway("eg", "[{name: http, port: 80, protocol: HTTP}]") +
        service("exact") +
        service("wild") +
        service("all") +
        route("exact", "  parentRefs: [{name: eg}]\n  hostnames: [foo.example.com]\n  rules: [{matches: [{path: {type: PathPrefix, value: /a}}], backendRefs: [{name: exact, port: 80}]}]\n") +
        route("wild", "  parentRefs: [{name: eg}]\n  hostnames: ['*.example.com']\n  rules: [{matches: [{path: {type: PathPrefix, value: /a/b}}], backendRefs: [{name: wild, port: 80}]}]\n") +
        route("all", "  parentRefs: [{name: eg}]\n  rules: [{backendRefs: [{name: all, port: 80}]}]\n"),
    );
    const rc = r.gateways[0]?.resources.routes[0];
    const foo = rc?.virtualHosts.find((vh) => vh.domains.includes("foo.example.com"));
    // The exact hostname's /a comes before the wildcard's longer /a/b: hostname precedence first.
    expect(foo?.routes.map((x) => x.name)).toEqual(["httproute/default/exact/rule/0/match/0", "httproute/default/wild/rule/0/match/0", "httproute/default/all/rule/0/match/0"]);
    const wild = rc?.virtualHosts.find((vh) => vh.domains.includes("*.example.com"));
    expect(wild?.routes.map((x) => x.name)).toEqual(["httproute/default/wild/rule/0/match/0", "httproute/default/all/rule/0/match/0"]);
  });
});
