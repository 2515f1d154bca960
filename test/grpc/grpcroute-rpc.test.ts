// Real RPCs through the exact RouteConfiguration, Clusters and endpoints that
// translate() produces for a GRPCRoute, with @grpc/grpc-js-xds as the client.
// Which real backend answers proves the routing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { K8sObject } from "../../src/api/meta.ts";
import { buildResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { translate } from "../../src/translator/translate.ts";
import { clientSnapshot, RpcClient, serveSnapshot, startBackend, stopBackend, type Backend, type XdsHarness } from "./harness.ts";

const AUTHORITY = "grpc.example.com";
const ROUTE_CONFIG = "default/gw/grpc";
const PATHS = ["/pkg.Sticky/Call", "/pkg.Echo/Ping", "/pkg.Echo/Other", "/pkg.EchoOther/Ping", "/any.Svc/Status", "/pkg.v2.Echo/GetThing", "/pkg.Split/Call", "/misc.Svc/Call"];
const BACKENDS: [string, string][] = [
  ["exact", "127.0.0.2"],
  ["service", "127.0.0.3"],
  ["method", "127.0.0.4"],
  ["regex", "127.0.0.5"],
  ["header", "127.0.0.6"],
  ["split-a", "127.0.0.7"],
  ["split-b", "127.0.0.8"],
  ["fallback", "127.0.0.9"],
];

function manifests(backends: Backend[]): K8sObject[] {
  const objs: K8sObject[] = [
    { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "sy", generation: 1 }, spec: { controllerName: DEFAULT_CONTROLLER_NAME } } as K8sObject,
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "gw", namespace: "default", generation: 1 },
      spec: { gatewayClassName: "sy", listeners: [{ name: "grpc", port: 8080, protocol: "HTTP" }] },
    } as K8sObject,
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "GRPCRoute",
      metadata: { name: "echo", namespace: "default", generation: 1, creationTimestamp: "2026-01-01T00:00:00Z" },
      spec: {
        parentRefs: [{ name: "gw" }],
        hostnames: [AUTHORITY],
        rules: [
          // Session persistence rides along as an optional per-route filter config: Envoy
          // applies it, and the proxyless client must still accept and route.
          { matches: [{ method: { service: "pkg.Echo", method: "Ping" } }], backendRefs: [{ name: "exact", port: 9000 }], sessionPersistence: { type: "Header" } },
          { matches: [{ method: { service: "pkg.Echo" } }], backendRefs: [{ name: "service", port: 9000 }] },
          { matches: [{ method: { method: "Status" } }], backendRefs: [{ name: "method", port: 9000 }] },
          { matches: [{ method: { type: "RegularExpression", service: "pkg\\.v[0-9]+\\.Echo", method: "Get.*" } }], backendRefs: [{ name: "regex", port: 9000 }] },
          { matches: [{ headers: [{ name: "x-env", value: "staging" }] }], backendRefs: [{ name: "header", port: 9000 }] },
          {
            matches: [{ method: { service: "pkg.Split" } }],
            backendRefs: [
              { name: "split-a", port: 9000, weight: 50 },
              { name: "split-b", port: 9000, weight: 50 },
            ],
          },
          // Persistence over a split: one per-rule cluster with weighted localities.
          {
            matches: [{ method: { service: "pkg.Sticky" } }],
            backendRefs: [
              { name: "split-a", port: 9000, weight: 50 },
              { name: "split-b", port: 9000, weight: 50 },
            ],
            sessionPersistence: { type: "Header", sessionName: "x-sticky" },
          },
          { backendRefs: [{ name: "fallback", port: 9000 }] },
        ],
      },
    } as K8sObject,
  ];
  for (const b of backends) {
    objs.push({ apiVersion: "v1", kind: "Service", metadata: { name: b.name, namespace: "default" }, spec: { ports: [{ name: "grpc", port: 9000, appProtocol: "kubernetes.io/h2c" }] } } as K8sObject);
    objs.push({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: `${b.name}-1`, namespace: "default", labels: { "kubernetes.io/service-name": b.name } },
      addressType: "IPv4",
      ports: [{ name: "grpc", port: b.port, protocol: "TCP" }],
      endpoints: [{ addresses: [b.host], conditions: { ready: true }, zone: "z" }],
    } as K8sObject);
  }
  return objs;
}

describe("GRPCRoute through grpc-js-xds", () => {
  const backends: Backend[] = [];
  let xds: XdsHarness;
  let client: RpcClient;
  let withSession: string[] = [];

  beforeAll(async () => {
    for (const [name, host] of BACKENDS) backends.push(await startBackend(name, host, PATHS));
    const result = translate(buildResourceSet(manifests(backends)), { controllerName: DEFAULT_CONTROLLER_NAME });
    const gw = result.gateways.find((g) => g.key === "default/gw");
    if (!gw) throw new Error("no snapshot for default/gw");
    withSession = gw.resources.routes.flatMap((rc) => rc.virtualHosts.flatMap((v) => v.routes)).filter((r) => Object.keys(r.typedPerFilterConfig).includes("envoy.filters.http.stateful_session")).map((r) => r.name);
    xds = await serveSnapshot(clientSnapshot(gw.resources, AUTHORITY, ROUTE_CONFIG), "default/gw");
    client = new RpcClient(AUTHORITY);
  });

  afterAll(() => {
    client?.close();
    xds?.stop();
    for (const b of backends) stopBackend(b);
  });

  it("exact service + method", async () => {
    expect(await client.call("/pkg.Echo/Ping")).toBe("exact");
  });

  it("service only (other methods of the service)", async () => {
    expect(await client.call("/pkg.Echo/Other")).toBe("service");
  });

  it("a service prefix does not leak into a longer service name", async () => {
    expect(await client.call("/pkg.EchoOther/Ping")).toBe("fallback");
  });

  it("method only, any service", async () => {
    expect(await client.call("/any.Svc/Status")).toBe("method");
  });

  it("regular expressions on service and method", async () => {
    expect(await client.call("/pkg.v2.Echo/GetThing")).toBe("regex");
  });

  it("header match", async () => {
    expect(await client.call("/misc.Svc/Call", { "x-env": "staging" })).toBe("header");
    expect(await client.call("/misc.Svc/Call", { "x-env": "prod" })).toBe("fallback");
    expect(await client.call("/misc.Svc/Call")).toBe("fallback");
  });

  it("50/50 weighted split within binomial 4-sigma bounds", async () => {
    // N=400 independent picks with p=0.5: mean 200, sd sqrt(400*0.25)=10.
    // [160, 240] is mean ± 4 sd: a correct 50/50 split fails this with
    // probability ~6e-5, while a 60/40 split (mean 240) fails it half the time
    // and a 70/30 split essentially always.
    const N = 400;
    const counts = new Map<string, number>();
    const batch = 50;
    for (let i = 0; i < N; i += batch) {
      const answers = await Promise.all(Array.from({ length: batch }, () => client.call("/pkg.Split/Call")));
      for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(["split-a", "split-b"]);
    const a = counts.get("split-a") ?? 0;
    expect(a).toBeGreaterThanOrEqual(160);
    expect(a).toBeLessThanOrEqual(240);
  });

  it("a split with session persistence (one cluster, weighted localities) still splits 50/50", async () => {
    // Same bounds as above. The client ignores the session filter (no gRFC A55),
    // so this checks that the per-rule cluster keeps the weights for new sessions.
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => client.call("/pkg.Sticky/Call")));
      for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(["split-a", "split-b"]);
    const a = counts.get("split-a") ?? 0;
    expect(a).toBeGreaterThanOrEqual(160);
    expect(a).toBeLessThanOrEqual(240);
  });

  it("the client accepted every resource (no NACK), session-persistence config included", () => {
    expect(xds.events.filter((e) => e.kind === "nack")).toEqual([]);
    expect(xds.events.some((e) => e.kind === "ack" && e.type === "route")).toBe(true);
    expect(withSession.sort()).toEqual(["grpcroute/default/echo/rule/0/match/0", "grpcroute/default/echo/rule/6/match/0"]);
  });

  it("pkg.EchoOther reached the catch-all rule, never the pkg.Echo service rule", () => {
    const fallback = backends.find((b) => b.name === "fallback");
    expect(fallback?.calls).toContain("/pkg.EchoOther/Ping");
    expect(backends.find((b) => b.name === "service")?.calls).not.toContain("/pkg.EchoOther/Ping");
  });
});
