// GRPCRoute: precedence, no service-prefix leaks, HTTP/2 to backends, the
// HTTPRoute/GRPCRoute hostname conflict, and what the listener accepts.
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTROLLER_NAME, type StatusUpdate } from "../../src/api/translation.ts";
import { HttpConnectionManagerSchema, HttpConnectionManager_CodecType } from "../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { registry } from "../../src/gen/registry.js";
import { grpcMatch } from "../../src/translator/resolve/grpc-match.ts";
import { translate } from "../../src/translator/translate.ts";
import { DownstreamTlsContextSchema } from "../../src/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { classAndGateway, routeParents, translateGw } from "./helpers.ts";
import { loadResourceSet } from "./load.ts";

const BASE = `${classAndGateway(`  - {name: http, port: 80, protocol: HTTP}
  - {name: alt, port: 8080, protocol: HTTP}`)}---
apiVersion: v1
kind: Service
metadata: {name: b, namespace: default}
spec: {ports: [{name: p, port: 9000}]}
`;

const run = (extra: string) => translateGw(BASE + extra, false);

function accepted(statuses: StatusUpdate[], kind: string, name: string) {
  return routeParents(statuses, kind, name).map((p) => {
    const c = p.conditions.find((x) => x.type === "Accepted");
    return `${p.parentRef.sectionName ?? ""}:${p.parentRef.port ?? ""} ${c?.status} ${c?.reason}`;
  });
}

/** Full-match semantics of Envoy's safe_regex, close enough for these patterns. */
function fullMatch(re: string, path: string): boolean {
  return new RegExp(`^(?:${re})$`).test(path);
}

describe("GRPCRoute matches", () => {
  it("service-only matches never leak into a longer service name", () => {
    const r = grpcMatch({ method: { service: "pkg.Svc" } });
    if (!r.ok) throw new Error(r.message);
    expect(r.match.path.type).toBe("RegularExpression");
    expect(fullMatch(r.match.path.value, "/pkg.Svc/Get")).toBe(true);
    expect(fullMatch(r.match.path.value, "/pkg.SvcOther/Get")).toBe(false);
    expect(fullMatch(r.match.path.value, "/pkgXSvc/Get")).toBe(false); // the dot is literal
    expect(fullMatch(r.match.path.value, "/pkg.Svc/Get/x")).toBe(false);
  });
  it("method-only matches any single service segment", () => {
    const r = grpcMatch({ method: { method: "Get" } });
    if (!r.ok) throw new Error(r.message);
    expect(fullMatch(r.match.path.value, "/a.B/Get")).toBe(true);
    expect(fullMatch(r.match.path.value, "/a.B/GetMore")).toBe(false);
  });
  it("regex alternations stay inside their segment", () => {
    const r = grpcMatch({ method: { type: "RegularExpression", service: "a|b", method: "X" } });
    if (!r.ok) throw new Error(r.message);
    expect(fullMatch(r.match.path.value, "/a/X")).toBe(true);
    expect(fullMatch(r.match.path.value, "/b/X")).toBe(true);
    expect(fullMatch(r.match.path.value, "/b/Y")).toBe(false);
  });
  it("rejects what the API forbids", () => {
    expect(grpcMatch({ method: { type: "Exact" } }).ok).toBe(false);
    expect(grpcMatch({ method: { service: "bad/svc" } }).ok).toBe(false);
    expect(grpcMatch({ method: { type: "Prefix", service: "a" } }).ok).toBe(false);
    expect(grpcMatch({ method: { type: "RegularExpression", service: "(?=x)" } }).ok).toBe(false);
  });
});

describe("GRPCRoute precedence", () => {
  it("orders by service chars, method chars, headers, then exact before regex before catch-all", () => {
    const { gw } = run(`
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: r, namespace: default, creationTimestamp: "2026-01-01T00:00:00Z"}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  rules:
  - name: all
    backendRefs: [{name: b, port: 9000}]
  - name: regex
    matches: [{method: {type: RegularExpression, service: "x.*"}}]
    backendRefs: [{name: b, port: 9000}]
  - name: header
    matches: [{headers: [{name: x-a, value: "1"}]}]
    backendRefs: [{name: b, port: 9000}]
  - name: method
    matches: [{method: {method: Get}}]
    backendRefs: [{name: b, port: 9000}]
  - name: service
    matches: [{method: {service: pkg.S}}]
    backendRefs: [{name: b, port: 9000}]
  - name: both
    matches: [{method: {service: pkg.S, method: Get}}]
    backendRefs: [{name: b, port: 9000}]
  - name: longer-service
    matches: [{method: {service: pkg.Longer}}]
    backendRefs: [{name: b, port: 9000}]
`);
    const names = gw.routes.find((rc) => rc.name === "default/gw/http")?.virtualHosts[0]?.routes.map((r) => r.name.split("/")[4]);
    expect(names).toEqual(["longer-service", "both", "service", "method", "header", "regex", "all"]);
  });

  it("ties go to the older route, then namespace/name", () => {
    const route = (name: string, ts: string) => `
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: ${name}, namespace: default, creationTimestamp: "${ts}"}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  rules: [{matches: [{method: {service: pkg.S}}], backendRefs: [{name: b, port: 9000}]}]`;
    const { gw } = run(route("a-new", "2026-02-01T00:00:00Z") + route("z-old", "2026-01-01T00:00:00Z") + route("b-new", "2026-02-01T00:00:00Z"));
    expect(gw.routes.find((rc) => rc.name === "default/gw/http")?.virtualHosts[0]?.routes.map((r) => r.name.split("/")[2])).toEqual(["z-old", "a-new", "b-new"]);
  });
});

describe("GRPCRoute upstream and listener protocols", () => {
  it("reaches backends over HTTP/2 even without an appProtocol", () => {
    const { gw } = run(`
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: b, port: 9000}]}]
`);
    const c = gw.clusters.find((x) => x.name === "service/default/b/9000/http2");
    const opts = c?.typedExtensionProtocolOptions["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"];
    expect(opts).toBeDefined();
    const json = JSON.stringify(opts ? anyUnpack(opts, registry) : null);
    expect(json).toContain("http2ProtocolOptions");
  });

  it("HTTP listeners use codec AUTO, which accepts h2c with prior knowledge", () => {
    const { gw } = run("");
    for (const l of gw.listeners) {
      const f = l.filterChains[0]?.filters[0];
      if (f?.configType.case !== "typedConfig") throw new Error("no HCM");
      const hcm = anyUnpack(f.configType.value, HttpConnectionManagerSchema);
      expect(hcm?.codecType).toBe(HttpConnectionManager_CodecType.AUTO);
    }
  });
});

describe("GRPCRoute on HTTPS", () => {
  it("an HTTPS listener serving a GRPCRoute negotiates h2 through ALPN", () => {
    const yaml =
      BASE.replace("  - {name: alt, port: 8080, protocol: HTTP}", "  - {name: tls, port: 443, protocol: HTTPS, hostname: grpc.example.com, tls: {certificateRefs: [{name: rsa}]}}") +
      "---\n" +
      tlsSecretYaml("default", "rsa", PEM.rsaCert, PEM.rsaKey) +
      `
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: tls}]
  rules: [{backendRefs: [{name: b, port: 9000}]}]
`;
    const r = translate(loadResourceSet(yaml), { controllerName: DEFAULT_CONTROLLER_NAME });
    expect(accepted(r.statuses, "GRPCRoute", "r")).toEqual(["tls: True Accepted"]);
    const l = r.gateways[0]?.resources.listeners.find((x) => x.name === "default/gw/tls");
    const ts = l?.filterChains[0]?.transportSocket;
    if (ts?.configType.case !== "typedConfig") throw new Error("no TLS on the HTTPS chain");
    const ctx = anyUnpack(ts.configType.value, DownstreamTlsContextSchema);
    expect(ctx?.commonTlsContext?.alpnProtocols[0]).toBe("h2");
  });
});

describe("HTTPRoute and GRPCRoute on one listener", () => {
  const http = (ts: string, hosts: string) => `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default, creationTimestamp: "${ts}"}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  hostnames: ${hosts}
  rules: [{backendRefs: [{name: b, port: 9000}]}]`;
  const grpcR = (ts: string, hosts: string) => `
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: rpc, namespace: default, creationTimestamp: "${ts}"}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  hostnames: ${hosts}
  rules: [{backendRefs: [{name: b, port: 9000}]}]`;

  it("the older route wins an overlapping hostname; the other is Accepted=False/Conflicted", () => {
    const { r, gw } = run(http("2026-02-01T00:00:00Z", "[a.example.com]") + grpcR("2026-01-01T00:00:00Z", '["*.example.com"]'));
    expect(accepted(r.statuses, "GRPCRoute", "rpc")).toEqual(["http: True Accepted"]);
    expect(accepted(r.statuses, "HTTPRoute", "web")).toEqual(["http: False Conflicted"]);
    const names = gw.routes.flatMap((rc) => rc.virtualHosts.flatMap((v) => v.routes.map((x) => x.name)));
    expect(names.some((n) => n.startsWith("httproute/"))).toBe(false);
    const gs = r.statuses.find((s) => s.kind === "Gateway");
    expect(gs && "status" in gs ? gs.status.listeners?.find((l) => l.name === "http")?.attachedRoutes : undefined).toBe(1);
  });

  it("disjoint hostnames do not conflict", () => {
    const { r } = run(http("2026-02-01T00:00:00Z", "[a.example.com]") + grpcR("2026-01-01T00:00:00Z", "[b.example.com]"));
    expect(accepted(r.statuses, "GRPCRoute", "rpc")).toEqual(["http: True Accepted"]);
    expect(accepted(r.statuses, "HTTPRoute", "web")).toEqual(["http: True Accepted"]);
  });

  it("equal age falls back to namespace/name", () => {
    const { r } = run(http("2026-01-01T00:00:00Z", "[a.example.com]") + grpcR("2026-01-01T00:00:00Z", "[a.example.com]"));
    // default/rpc < default/web
    expect(accepted(r.statuses, "GRPCRoute", "rpc")).toEqual(["http: True Accepted"]);
    expect(accepted(r.statuses, "HTTPRoute", "web")).toEqual(["http: False Conflicted"]);
  });
});
