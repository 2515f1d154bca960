// TCPRoute/UDPRoute emission, and ParentReference.port / sectionName for every
// route kind (attach by port, by sectionName, or both).
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import type { StatusUpdate } from "../../src/api/translation.ts";
import { TcpProxySchema } from "../../src/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js";
import { UdpProxyConfigSchema } from "../../src/gen/envoy/extensions/filters/udp/udp_proxy/v3/udp_proxy_pb.js";
import { RouteSchema as UdpRouteSchema } from "../../src/gen/envoy/extensions/filters/udp/udp_proxy/v3/route_pb.js";
import { classAndGateway, routeParents, translateGw } from "./helpers.ts";

const BASE = `${classAndGateway(`  - {name: web, port: 80, protocol: HTTP}
  - {name: web2, port: 8080, protocol: HTTP}
  - {name: tcp, port: 5000, protocol: TCP}
  - {name: tcp2, port: 5001, protocol: TCP}
  - {name: udp, port: 5300, protocol: UDP}
  - {name: udp2, port: 5301, protocol: UDP}`)}---
apiVersion: v1
kind: Service
metadata: {name: a, namespace: default}
spec: {ports: [{name: t, port: 7000}, {name: u, port: 7001, protocol: UDP}]}
---
apiVersion: v1
kind: Service
metadata: {name: b, namespace: default}
spec: {ports: [{name: t, port: 7000}, {name: u, port: 7001, protocol: UDP}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: a-1, namespace: default, labels: {kubernetes.io/service-name: a}}
addressType: IPv4
ports: [{name: t, port: 7000}, {name: u, port: 7001, protocol: UDP}]
endpoints: [{addresses: [10.0.0.1]}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: b-1, namespace: default, labels: {kubernetes.io/service-name: b}}
addressType: IPv4
ports: [{name: t, port: 7000}, {name: u, port: 7001, protocol: UDP}]
endpoints: [{addresses: [10.0.0.2]}]
`;

const run = (extra: string) => translateGw(BASE + extra, true);

function conditions(statuses: StatusUpdate[], kind: string, name: string): string[] {
  return routeParents(statuses, kind, name).map((p) => {
    const c = p.conditions.find((x) => x.type === "Accepted");
    return `${c?.status} ${c?.reason}`;
  });
}

function attached(statuses: StatusUpdate[]): Record<string, number> {
  const g = statuses.find((s) => s.kind === "Gateway");
  const out: Record<string, number> = {};
  if (g && "status" in g) for (const l of g.status.listeners ?? []) out[l.name] = l.attachedRoutes;
  return out;
}

const route = (kind: string, name: string, ref: string, backendPort: number, ts = "2026-01-01T00:00:00Z") => {
  const rule = kind === "HTTPRoute" || kind === "GRPCRoute" ? `[{backendRefs: [{name: a, port: ${backendPort}}]}]` : `[{backendRefs: [{name: a, port: ${backendPort}}]}]`;
  const api = kind === "TCPRoute" || kind === "UDPRoute" ? "v1alpha2" : "v1";
  return `
---
apiVersion: gateway.networking.k8s.io/${api}
kind: ${kind}
metadata: {name: ${name}, namespace: default, creationTimestamp: "${ts}"}
spec:
  parentRefs: [${ref}]
  rules: ${rule}`;
};

describe("ParentReference.port and sectionName, per route kind", () => {
  const kinds: [string, string, string, number, number][] = [
    // kind, listener, other listener of the same family, its port, other port
    ["HTTPRoute", "web", "web2", 80, 8080],
    ["GRPCRoute", "web", "web2", 80, 8080],
    ["TCPRoute", "tcp", "tcp2", 5000, 5001],
    ["UDPRoute", "udp", "udp2", 5300, 5301],
  ];
  for (const [kind, listener, other, port, otherPort] of kinds) {
    const backendPort = kind === "UDPRoute" ? 7001 : 7000;
    it(`${kind}: by port, by sectionName, by both, and mismatches`, () => {
      const { r } = run(
        route(kind, "by-port", `{name: gw, port: ${port}}`, backendPort) +
          route(kind, "by-name", `{name: gw, sectionName: ${listener}}`, backendPort) +
          route(kind, "by-both", `{name: gw, sectionName: ${listener}, port: ${port}}`, backendPort) +
          route(kind, "disagree", `{name: gw, sectionName: ${listener}, port: ${otherPort}}`, backendPort) +
          route(kind, "no-port", `{name: gw, port: 9}`, backendPort),
      );
      for (const n of ["by-port", "by-name", "by-both"]) expect(conditions(r.statuses, kind, n)).toEqual(["True Accepted"]);
      expect(conditions(r.statuses, kind, "disagree")).toEqual(["False NoMatchingParent"]);
      expect(conditions(r.statuses, kind, "no-port")).toEqual(["False NoMatchingParent"]);
      const counts = attached(r.statuses);
      expect(counts[listener]).toBe(3);
      expect(counts[other]).toBe(0);
    });
  }

  it("a port shared by no listener of the route's kind is NotAllowedByListeners", () => {
    const { r } = run(route("TCPRoute", "on-http", "{name: gw, port: 80}", 7000));
    expect(conditions(r.statuses, "TCPRoute", "on-http")).toEqual(["False NotAllowedByListeners"]);
  });
});

describe("TCP listeners", () => {
  it("weighted clusters, and only the oldest of several routes carries traffic", () => {
    const { r, gw } = run(`
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: newer, namespace: default, creationTimestamp: "2026-02-01T00:00:00Z"}
spec:
  parentRefs: [{name: gw, sectionName: tcp}]
  rules: [{backendRefs: [{name: b, port: 7000}]}]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: older, namespace: default, creationTimestamp: "2026-01-01T00:00:00Z"}
spec:
  parentRefs: [{name: gw, sectionName: tcp}]
  rules:
  - backendRefs:
    - {name: a, port: 7000, weight: 3}
    - {name: b, port: 7000, weight: 1}
    - {name: gone, port: 7000, weight: 1}
`);
    expect(conditions(r.statuses, "TCPRoute", "newer")).toEqual(["True Accepted"]);
    expect(attached(r.statuses).tcp).toBe(2);
    const l = gw.listeners.find((x) => x.name === "default/gw/tcp");
    const f = l?.filterChains[0]?.filters[0];
    if (f?.configType.case !== "typedConfig") throw new Error("no tcp_proxy");
    const tp = anyUnpack(f.configType.value, TcpProxySchema);
    if (tp?.clusterSpecifier.case !== "weightedClusters") throw new Error("not weighted");
    expect(tp.clusterSpecifier.value.clusters.map((c) => [c.name, c.weight])).toEqual([
      ["service/default/a/7000", 3],
      ["service/default/b/7000", 1],
      ["invalid-backend", 1],
    ]);
    expect(gw.clusters.some((c) => c.name === "invalid-backend")).toBe(false);
  });
});

describe("UDP listeners", () => {
  it("a split becomes one cluster with a weighted locality per backend", () => {
    const { gw } = run(`
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: UDPRoute
metadata: {name: dns, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: udp}]
  rules:
  - backendRefs:
    - {name: a, port: 7001, weight: 9}
    - {name: b, port: 7001, weight: 1}
`);
    const l = gw.listeners.find((x) => x.name === "default/gw/udp");
    expect(l?.address?.address.case === "socketAddress" && l.address.address.value.protocol).toBe(1); // UDP
    const lf = l?.listenerFilters[0];
    if (lf?.configType.case !== "typedConfig") throw new Error("no udp_proxy");
    const cfg = anyUnpack(lf.configType.value, UdpProxyConfigSchema);
    if (cfg?.routeSpecifier.case !== "matcher") throw new Error("no matcher");
    const action = cfg.routeSpecifier.value.onNoMatch?.onMatch;
    if (action?.case !== "action" || !action.value.typedConfig) throw new Error("no action");
    const target = anyUnpack(action.value.typedConfig, UdpRouteSchema)?.cluster;
    expect(target).toBe("udproute/default/dns/split");
    const split = gw.clusters.find((c) => c.name === target);
    expect(split?.commonLbConfig?.localityConfigSpecifier.case).toBe("localityWeightedLbConfig");
    const cla = gw.endpoints.find((e) => e.clusterName === target);
    expect(cla?.endpoints.map((e) => [e.locality?.zone, e.loadBalancingWeight])).toEqual([
      ["service/default/a/7001", 9],
      ["service/default/b/7001", 1],
    ]);
  });
});
