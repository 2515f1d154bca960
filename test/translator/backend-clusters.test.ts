// Backend clusters belong to what uses them: a cluster is a Service port with
// the settings Envoy keeps on a Cluster (upstream protocol, whether
// BackendTLSPolicy may wrap it). Routes needing the same settings share it; a
// route needing others gets a variant, so nothing leaks between routes.
import { fromBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import type { Cluster } from "../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { TcpProxySchema } from "../../src/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js";
import { UpstreamTlsContextSchema } from "../../src/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import type { XdsResources } from "../../src/api/xds.ts";
import { gateway, run, snapshot } from "./tls-helpers.ts";

const GW = gateway("eg", `  - {name: http, port: 80, protocol: HTTP}`);

function service(appProtocol?: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: app, namespace: default}
spec: {ports: [{name: web, port: 9000, targetPort: 9000${appProtocol ? `, appProtocol: ${appProtocol}` : ""}}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: app-1, namespace: default, labels: {kubernetes.io/service-name: app}}
addressType: IPv4
ports: [{name: web, port: 9000, protocol: TCP}]
endpoints:
- addresses: [10.0.0.7]
  conditions: {ready: true}
`;
}

function httpRoute(rule = "{backendRefs: [{name: app, port: 9000}]}", name = "web"): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: default}
spec:
  parentRefs: [{name: eg}]
  hostnames: [web.example.com]
  rules: [${rule}]
`;
}

const GRPC_ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: rpc, namespace: default}
spec:
  parentRefs: [{name: eg}]
  hostnames: [grpc.example.com]
  rules: [{backendRefs: [{name: app, port: 9000}]}]
`;

const TLS_POLICY = `apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: p, namespace: default}
spec:
  targetRefs: [{group: "", kind: Service, name: app}]
  validation: {hostname: app.example.com, wellKnownCACertificates: System}
`;

const clusterNamed = (res: XdsResources, name: string): Cluster | undefined => res.clusters.find((c) => c.name === name);
const http2 = (c: Cluster | undefined): boolean =>
  c !== undefined && "envoy.extensions.upstreams.http.v3.HttpProtocolOptions" in c.typedExtensionProtocolOptions;
function alpn(c: Cluster | undefined): string[] | undefined {
  const ts = c?.transportSocket?.configType;
  return ts?.case === "typedConfig" ? fromBinary(UpstreamTlsContextSchema, ts.value.value).commonTlsContext?.alpnProtocols : undefined;
}
/** The cluster each route of the port-80 table sends to, by route name. */
function routeClusters(res: XdsResources): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rc of res.routes) {
    for (const vh of rc.virtualHosts) {
      for (const r of vh.routes) {
        if (r.action.case === "route" && r.action.value.clusterSpecifier.case === "cluster") out[r.name] = r.action.value.clusterSpecifier.value;
      }
    }
  }
  return out;
}

describe("backend clusters: protocol", () => {
  it("a GRPCRoute and an HTTPRoute on one HTTP/1.1 port: HTTP/1.1 for the HTTPRoute, HTTP/2 for the GRPCRoute", () => {
    const res = snapshot(run(GW, service(), httpRoute(), GRPC_ROUTE), "default/eg");
    expect(routeClusters(res)).toEqual({
      "httproute/default/web/rule/0/match/0": "service/default/app/9000",
      "grpcroute/default/rpc/rule/0/match/0": "service/default/app/9000/http2",
    });
    expect(http2(clusterNamed(res, "service/default/app/9000"))).toBe(false);
    expect(http2(clusterNamed(res, "service/default/app/9000/http2"))).toBe(true);
    // Each cluster has its own ClusterLoadAssignment, with the same endpoints.
    const eps = (n: string) => res.endpoints.find((e) => e.clusterName === n)?.endpoints.flatMap((l) => l.lbEndpoints.map((x) => x.hostIdentifier.value));
    expect(eps("service/default/app/9000/http2")).toEqual(eps("service/default/app/9000"));
    expect(eps("service/default/app/9000")).toHaveLength(1);
  });

  it("the order in which routes are read does not change any cluster", () => {
    const a = snapshot(run(GW, service(), httpRoute(), GRPC_ROUTE), "default/eg").clusters;
    const b = snapshot(run(GW, service(), GRPC_ROUTE, httpRoute()), "default/eg").clusters;
    expect(b).toEqual(a);
  });

  it("a port whose appProtocol is HTTP/2 already: both kinds share its one cluster", () => {
    for (const ap of ["kubernetes.io/h2c", "h2c", "grpc"]) {
      const res = snapshot(run(GW, service(ap), httpRoute(), GRPC_ROUTE), "default/eg");
      expect(res.clusters.map((c) => c.name)).toEqual(["service/default/app/9000"]);
      expect(http2(res.clusters[0])).toBe(true);
    }
  });

  it("a WebSocket port (kubernetes.io/ws): the HTTPRoute keeps HTTP/1.1, which upgrades need", () => {
    const res = snapshot(run(GW, service("kubernetes.io/ws"), httpRoute(), GRPC_ROUTE), "default/eg");
    expect(http2(clusterNamed(res, "service/default/app/9000"))).toBe(false);
    expect(http2(clusterNamed(res, "service/default/app/9000/http2"))).toBe(true);
  });

  it("mirrors follow the route kind too", () => {
    const mirror = `{filters: [{type: RequestMirror, requestMirror: {backendRef: {name: app, port: 9000}}}], backendRefs: [{name: app, port: 9000}]}`;
    const res = snapshot(run(GW, service(), httpRoute(mirror)), "default/eg");
    expect(res.clusters.map((c) => c.name)).toEqual(["service/default/app/9000"]);
  });
});

describe("backend clusters: upstream TLS", () => {
  it("BackendTLSPolicy wraps both variants; ALPN h2 only on the HTTP/2 one", () => {
    const res = snapshot(run(GW, service(), httpRoute(), GRPC_ROUTE, TLS_POLICY), "default/eg");
    expect(alpn(clusterNamed(res, "service/default/app/9000"))).toEqual([]);
    expect(alpn(clusterNamed(res, "service/default/app/9000/http2"))).toEqual(["h2"]);
  });

  const TLS_GW = gateway(
    "eg",
    `  - {name: http, port: 80, protocol: HTTP}
  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}}`,
  );
  const TLS_ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: pass, namespace: default}
spec:
  parentRefs: [{name: eg, sectionName: tls}]
  hostnames: [pass.example.com]
  rules: [{backendRefs: [{name: app, port: 9000}]}]
`;
  const httpOnly = httpRoute().replace("parentRefs: [{name: eg}]", "parentRefs: [{name: eg, sectionName: http}]");
  function tcpCluster(res: XdsResources): string | undefined {
    const l = res.listeners.find((x) => x.name === "default/eg/tls");
    const f = l?.filterChains[0]?.filters[0];
    if (f?.configType.case !== "typedConfig") return undefined;
    const tcp = fromBinary(TcpProxySchema, f.configType.value.value);
    return tcp.clusterSpecifier.case === "cluster" ? tcp.clusterSpecifier.value : undefined;
  }

  it("TLS passthrough and an HTTPRoute on one port under a BackendTLSPolicy: the HTTPRoute keeps TLS, passthrough is never wrapped", () => {
    const res = snapshot(run(TLS_GW, service(), httpOnly, TLS_ROUTE, TLS_POLICY), "default/eg");
    expect(tcpCluster(res)).toBe("service/default/app/9000/tls-passthrough");
    expect(clusterNamed(res, "service/default/app/9000")?.transportSocket).toBeDefined();
    expect(clusterNamed(res, "service/default/app/9000/tls-passthrough")?.transportSocket).toBeUndefined();
  });

  it("without a BackendTLSPolicy the settings are identical and the cluster is shared", () => {
    const res = snapshot(run(TLS_GW, service(), httpOnly, TLS_ROUTE), "default/eg");
    expect(tcpCluster(res)).toBe("service/default/app/9000");
    expect(res.clusters.map((c) => c.name)).toEqual(["service/default/app/9000"]);
  });

  it("session persistence over a split never drops a backend's TLS: the rule keeps the Services' clusters", () => {
    const other = service().replaceAll("app", "other").replace("10.0.0.7", "10.0.0.8");
    const rule = `{sessionPersistence: {sessionName: s}, backendRefs: [{name: app, port: 9000}, {name: other, port: 9000}]}`;
    const res = snapshot(run(GW, service(), other, httpRoute(rule), TLS_POLICY), "default/eg");
    expect(res.clusters.map((c) => c.name).sort()).toEqual(["service/default/app/9000", "service/default/other/9000"]);
    expect(clusterNamed(res, "service/default/app/9000")?.transportSocket).toBeDefined();
    // Without the policy the rule gets its own merged cluster (features/session-persistence/split.ts).
    const plain = snapshot(run(GW, service(), other, httpRoute(rule)), "default/eg");
    expect(plain.clusters.map((c) => c.name)).toContain("session/httproute/default/web/rule/0");
  });
});

describe("backend clusters: per-route settings stay on routes", () => {
  it("timeouts, retries and session persistence of one route change no cluster", () => {
    const plain = snapshot(run(GW, service(), httpRoute(), httpRoute(undefined, "second")), "default/eg");
    const tuned = snapshot(
      run(
        GW,
        service(),
        httpRoute(),
        httpRoute(
          `{timeouts: {request: 3s, backendRequest: 1s}, retry: {attempts: 3, codes: [503], backoff: 100ms}, sessionPersistence: {sessionName: s}, backendRefs: [{name: app, port: 9000}]}`,
          "second",
        ),
      ),
      "default/eg",
    );
    expect(tuned.clusters).toEqual(plain.clusters);
    expect(tuned.routes).not.toEqual(plain.routes);
  });

  it("an endpoint change touches only ClusterLoadAssignments, of every variant", () => {
    const before = snapshot(run(GW, service(), httpRoute(), GRPC_ROUTE), "default/eg");
    const after = snapshot(run(GW, service().replace("10.0.0.7", "10.0.0.9"), httpRoute(), GRPC_ROUTE), "default/eg");
    expect(after.clusters).toEqual(before.clusters);
    expect(after.listeners).toEqual(before.listeners);
    expect(after.routes).toEqual(before.routes);
    expect(after.endpoints.map((e) => e.clusterName)).toEqual(before.endpoints.map((e) => e.clusterName));
    for (const [i, e] of after.endpoints.entries()) expect(e).not.toEqual(before.endpoints[i]);
  });
});
