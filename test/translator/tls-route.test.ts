// TLSRoute v1alpha2 and v1: Passthrough by SNI to tcp_proxy, Terminate,
// mixed on one port, hostname intersection and route status.
import { fromBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { TcpProxySchema } from "../../src/gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js";
import { DownstreamTlsContextSchema } from "../../src/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import type { Listener } from "../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { cond, gateway, listenerConds, run, snapshot, statusOf } from "./tls-helpers.ts";

const tlsRoute = (name: string, apiVersion: string, hostnames: string[] | undefined, extra = "", backend = "{name: backend, port: 443}") => `apiVersion: gateway.networking.k8s.io/${apiVersion}
kind: TLSRoute
metadata: {name: ${name}, namespace: default, generation: 3}
spec:
  parentRefs: [{name: eg${extra}}]
${hostnames ? `  hostnames: [${hostnames.join(", ")}]\n` : ""}  rules: [{backendRefs: [${backend}]}]
`;

function chains(l: Listener) {
  return l.filterChains.map((c) => {
    const f = c.filters[0]!;
    if (f.configType.case !== "typedConfig") throw new Error("untyped filter");
    const tcp = fromBinary(TcpProxySchema, f.configType.value.value);
    const ts = c.transportSocket?.configType;
    return {
      name: c.name,
      sni: c.filterChainMatch?.serverNames ?? [],
      cluster: tcp.clusterSpecifier.case === "cluster" ? tcp.clusterSpecifier.value : tcp.clusterSpecifier.value?.clusters.map((w) => `${w.name}:${w.weight}`).join(","),
      tls: ts?.case === "typedConfig" ? fromBinary(DownstreamTlsContextSchema, ts.value.value) : undefined,
    };
  });
}

describe.each(["v1alpha2", "v1"])("TLSRoute %s", (apiVersion) => {
  it("Passthrough: SNI -> tcp_proxy to the backend, behind tls_inspector, no TLS at the Gateway", () => {
    const r = run(
      gateway("eg", `  - {name: tls, port: 443, protocol: TLS, hostname: "*.example.com", tls: {mode: Passthrough}}`),
      tlsRoute("app", apiVersion, ["app.example.com"]),
    );
    expect(statusOf(r, "TLSRoute", "default/app").parents[0]?.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["Accepted", "True", "Accepted"],
      ["ResolvedRefs", "True", "ResolvedRefs"],
    ]);
    expect(cond(listenerConds(r, "default/eg", "tls"), "Programmed")?.status).toBe("True");
    const [l] = snapshot(r, "default/eg").listeners;
    expect(l?.listenerFilters.map((f) => f.name)).toEqual(["envoy.filters.listener.tls_inspector"]);
    expect(chains(l!)).toEqual([{ name: "tlsroute/default/app/rule/0/match/0", sni: ["app.example.com"], cluster: "service/default/backend/443", tls: undefined }]);
    expect(snapshot(r, "default/eg").clusters.map((c) => c.name)).toEqual(["service/default/backend/443"]);
    expect(snapshot(r, "default/eg").clusters[0]?.transportSocket).toBeUndefined();
  });

  it("hostname intersection: a wildcard route narrows to the listener's hostname; no overlap -> NoMatchingListenerHostname", () => {
    const r = run(
      gateway("eg", `  - {name: tls, port: 443, protocol: TLS, hostname: foo.example.com, tls: {mode: Passthrough}}`),
      tlsRoute("wild", apiVersion, ['"*.example.com"']),
      tlsRoute("other", apiVersion, ["other.test"]),
    );
    expect(chains(snapshot(r, "default/eg").listeners[0]!).map((c) => c.sni)).toEqual([["foo.example.com"]]);
    expect(cond(statusOf(r, "TLSRoute", "default/other").parents[0]?.conditions, "Accepted")).toMatchObject({ status: "False", reason: "NoMatchingListenerHostname" });
  });

  it("a route without hostnames on a listener without hostname serves any SNI", () => {
    const r = run(gateway("eg", `  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}}`), tlsRoute("any", apiVersion, undefined));
    expect(chains(snapshot(r, "default/eg").listeners[0]!)).toMatchObject([{ sni: [] }]);
  });

  it("Terminate: the listener's certificate ends TLS, then tcp_proxy", () => {
    const r = run(
      gateway("eg", `  - {name: tls, port: 443, protocol: TLS, hostname: term.example.com, tls: {mode: Terminate, certificateRefs: [{name: rsa}]}}`),
      tlsSecretYaml("default", "rsa", PEM.rsaCert, PEM.rsaKey),
      tlsRoute("term", apiVersion, ["term.example.com"]),
    );
    const [c] = chains(snapshot(r, "default/eg").listeners[0]!);
    expect(c?.sni).toEqual(["term.example.com"]);
    expect(c?.tls?.commonTlsContext?.tlsCertificateSdsSecretConfigs.map((s) => s.name)).toEqual(["secret/default/rsa"]);
    expect(c?.tls?.commonTlsContext?.alpnProtocols).toEqual([]);
    expect(snapshot(r, "default/eg").secrets.map((s) => s.name)).toEqual(["secret/default/rsa"]);
  });

  it("Passthrough and Terminate listeners share a port, each with its own SNI", () => {
    const r = run(
      gateway(
        "eg",
        `  - {name: term, port: 443, protocol: TLS, hostname: term.example.com, tls: {mode: Terminate, certificateRefs: [{name: rsa}]}}
  - {name: pass, port: 443, protocol: TLS, hostname: pass.example.com, tls: {mode: Passthrough}}`,
      ),
      tlsSecretYaml("default", "rsa", PEM.rsaCert, PEM.rsaKey),
      tlsRoute("term", apiVersion, ["term.example.com"], ", sectionName: term"),
      tlsRoute("pass", apiVersion, ["pass.example.com"], ", sectionName: pass"),
    );
    const cs = chains(snapshot(r, "default/eg").listeners[0]!);
    expect(cs.map((c) => [c.sni.join(), c.tls ? "terminate" : "passthrough"]).sort()).toEqual([
      ["pass.example.com", "passthrough"],
      ["term.example.com", "terminate"],
    ]);
  });

  it("ResolvedRefs reasons: BackendNotFound, InvalidKind, RefNotPermitted; invalid backends close connections", () => {
    const r = run(
      gateway("eg", `  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}, allowedRoutes: {namespaces: {from: All}}}`),
      tlsRoute("missing", apiVersion, ["a.example.com"], "", "{name: nope, port: 443}"),
      tlsRoute("kind", apiVersion, ["b.example.com"], "", "{group: example.com, kind: Thing, name: x}"),
      tlsRoute("cross", apiVersion, ["c.example.com"], "", "{name: backend, namespace: elsewhere, port: 443}"),
    );
    const reason = (n: string) => cond(statusOf(r, "TLSRoute", `default/${n}`).parents[0]?.conditions, "ResolvedRefs");
    expect(reason("missing")).toMatchObject({ status: "False", reason: "BackendNotFound" });
    expect(reason("kind")).toMatchObject({ status: "False", reason: "InvalidKind" });
    expect(reason("cross")).toMatchObject({ status: "False", reason: "RefNotPermitted" });
    for (const c of chains(snapshot(r, "default/eg").listeners[0]!)) expect(c.cluster).toBe("invalid-backend");
  });

  it("is not allowed on an HTTPS listener (NotAllowedByListeners), and on a TCP port nothing attaches", () => {
    const r = run(
      gateway("eg", `  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: rsa}]}}`),
      tlsSecretYaml("default", "rsa", PEM.rsaCert, PEM.rsaKey),
      tlsRoute("app", apiVersion, ["app.example.com"]),
    );
    expect(cond(statusOf(r, "TLSRoute", "default/app").parents[0]?.conditions, "Accepted")).toMatchObject({ status: "False", reason: "NotAllowedByListeners" });
  });
});

describe("TLSRoute SNI conflicts", () => {
  it("the same SNI from two routes goes to the first route by key only", () => {
    const r = run(
      gateway("eg", `  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}}`),
      tlsRoute("a", "v1", ["x.example.com", "y.example.com"]),
      tlsRoute("b", "v1", ["x.example.com", "z.example.com"]),
    );
    const cs = chains(snapshot(r, "default/eg").listeners[0]!);
    expect(cs.map((c) => [c.name, c.sni])).toEqual([
      ["tlsroute/default/a/rule/0/match/0", ["x.example.com", "y.example.com"]],
      ["tlsroute/default/b/rule/0/match/0", ["z.example.com"]],
    ]);
  });

  it("the oldest route wins a shared SNI", () => {
    const aged = (name: string, ts: string, hosts: string) =>
      tlsRoute(name, "v1", [hosts]).replace(`name: ${name}, namespace: default`, `name: ${name}, namespace: default, creationTimestamp: "${ts}"`);
    const r = run(
      gateway("eg", `  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}}`),
      aged("a", "2025-02-01T00:00:00Z", "x.example.com"),
      aged("b", "2025-01-01T00:00:00Z", "x.example.com"),
    );
    expect(chains(snapshot(r, "default/eg").listeners[0]!).map((c) => c.name)).toEqual(["tlsroute/default/b/rule/0/match/0"]);
  });
});

describe("HTTPS and TLS listeners on one port", () => {
  it("never serves the TLS listener's SNI as plaintext HTTP", () => {
    const r = run(
      gateway(
        "eg",
        `  - {name: https, port: 443, protocol: HTTPS, hostname: web.example.com, tls: {certificateRefs: [{name: rsa}]}}
  - {name: tls, port: 443, protocol: TLS, hostname: pass.example.com, tls: {mode: Passthrough}}`,
      ),
      tlsSecretYaml("default", "rsa", PEM.rsaCert, PEM.rsaKey),
      tlsRoute("pass", "v1", ["pass.example.com"]),
    );
    const [l] = snapshot(r, "default/eg").listeners;
    // The TLS listener's SNI is passed through by tcp_proxy; every HTTP chain terminates TLS.
    for (const c of l!.filterChains.filter((x) => x.filters[0]?.name === "envoy.filters.network.http_connection_manager")) expect(c.transportSocket).toBeDefined();
    expect(l!.filterChains.map((c) => [c.filterChainMatch?.serverNames, c.filters[0]?.name])).toEqual([
      [["web.example.com"], "envoy.filters.network.http_connection_manager"],
      [["pass.example.com"], "envoy.filters.network.tcp_proxy"],
    ]);
  });
});

describe("HTTPS and TLS listeners on one port", () => {
  const HTTPS = `  - {name: https, port: 443, protocol: HTTPS, hostname: www.example.com, tls: {certificateRefs: [{name: rsa}]}}`;
  const TLS = `  - {name: pass, port: 443, protocol: TLS, hostname: pass.example.com, tls: {mode: Passthrough}}`;
  const docs = [
    tlsSecretYaml("default", "rsa", PEM.rsaCert, PEM.rsaKey),
    tlsRoute("p", "v1alpha2", ["pass.example.com"]),
    `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: h, namespace: default}
spec:
  parentRefs: [{name: eg}]
  hostnames: [www.example.com]
  rules: [{backendRefs: [{name: backend, port: 8080}]}]
`,
  ];
  // The spec calls HTTPS and TLS listeners with distinct hostnames on one port distinct, and one
  // Envoy listener can hold HTTP and tcp_proxy chains side by side: both are served, whichever
  // comes first (test/envoy/l4-routes.test.ts shows it with a real Envoy).
  it.each([
    ["HTTPS first", `${HTTPS}\n${TLS}`],
    ["TLS first", `${TLS}\n${HTTPS}`],
  ])("%s: both listeners are programmed and both get their chain", (_n, listeners) => {
    const r = run(gateway("eg", listeners), ...docs);
    for (const l of ["https", "pass"]) {
      expect(cond(listenerConds(r, "default/eg", l), "Conflicted")?.status ?? "False").toBe("False");
      expect(cond(listenerConds(r, "default/eg", l), "Programmed")).toMatchObject({ status: "True" });
    }
    const chains = snapshot(r, "default/eg").listeners.flatMap((l) => l.filterChains.map((c) => c.filterChainMatch?.serverNames.join()));
    expect(chains.sort()).toEqual(["pass.example.com", "www.example.com"]);
  });
});
