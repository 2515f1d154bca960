// Envoy refuses a RouteConfiguration with the same domain in two virtual hosts
// (case-insensitively) or more than one `*`, and a listener with two filter
// chains whose matches overlap (server_names compared case-insensitively, `*`
// or a partial wildcard in server_names). These Gateways try to make the
// translator emit each of them; a real Envoy must accept every snapshot.
import type { JsonObject } from "@bufbuild/protobuf";
import { expect, it } from "vitest";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import { PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { gateway, run } from "../translator/tls-helpers.ts";
import { CHAIN_CASES, ROUTE_CASES } from "../xds/validate/uniqueness-cases.ts";
import { describeEnvoy } from "./peer.ts";
import { staticConfig } from "./static-config.ts";
import { validateConfigs } from "./validate.ts";

const SECRET = tlsSecretYaml("default", "rsa", PEM.rsaCert, PEM.rsaKey);
const CERT = `tls: {certificateRefs: [{name: rsa}]}`;

export function route(kind: "HTTPRoute" | "GRPCRoute" | "TLSRoute", name: string, hostnames: string[] | undefined, parent = "{name: eg}", created = "2025-01-01T00:00:00Z"): string {
  const v = kind === "TLSRoute" ? "v1alpha2" : "v1";
  const port = kind === "TLSRoute" ? 443 : 8080;
  return `apiVersion: gateway.networking.k8s.io/${v}
kind: ${kind}
metadata: {name: ${name}, namespace: default, creationTimestamp: "${created}"}
spec:
  parentRefs: [${parent}]
${hostnames ? `  hostnames: [${hostnames.map((h) => JSON.stringify(h)).join(", ")}]\n` : ""}  rules: [{backendRefs: [{name: backend, port: ${port}}]}]
`;
}

/** Each scenario: a name and the documents after BASE. */
export const SCENARIOS: [string, string[]][] = [
  [
    "HTTP listeners on one port with nested wildcard hostnames, routes overlapping them",
    [
      gateway("eg", `  - {name: any, port: 80, protocol: HTTP}
  - {name: wild, port: 80, protocol: HTTP, hostname: "*.example.com"}
  - {name: foo, port: 80, protocol: HTTP, hostname: foo.example.com}
  - {name: deep, port: 80, protocol: HTTP, hostname: "*.foo.example.com"}`),
      route("HTTPRoute", "a", undefined),
      route("HTTPRoute", "b", ["foo.example.com", "*.example.com", "Foo.Example.com"]),
      route("HTTPRoute", "c", ["*.foo.example.com", "x.foo.example.com", "*.example.com"]),
      route("GRPCRoute", "g", ["foo.example.com", "FOO.example.com", "bar.example.com"]),
      route("HTTPRoute", "d", ["example.com", "EXAMPLE.COM"]),
    ],
  ],
  [
    "routes without hostnames on several listeners without hostname (port conflict) and with",
    [
      gateway("eg", `  - {name: a, port: 80, protocol: HTTP}
  - {name: b, port: 80, protocol: HTTP}
  - {name: c, port: 8080, protocol: HTTP}`),
      route("HTTPRoute", "x", undefined),
      route("GRPCRoute", "y", undefined),
    ],
  ],
  [
    "HTTPS listeners on one port: overlapping, duplicate and missing hostnames",
    [
      gateway("eg", `  - {name: any, port: 443, protocol: HTTPS, ${CERT}}
  - {name: any2, port: 443, protocol: HTTPS, ${CERT}}
  - {name: wild, port: 443, protocol: HTTPS, hostname: "*.example.com", ${CERT}}
  - {name: wild2, port: 443, protocol: HTTPS, hostname: "*.EXAMPLE.com", ${CERT}}
  - {name: foo, port: 443, protocol: HTTPS, hostname: foo.example.com, ${CERT}}
  - {name: foo2, port: 443, protocol: HTTPS, hostname: Foo.Example.Com, ${CERT}}`),
      SECRET,
      route("HTTPRoute", "a", undefined),
      route("HTTPRoute", "b", ["foo.example.com", "bar.example.com"]),
    ],
  ],
  [
    "TLS passthrough: routes with overlapping, wildcard, case-different and no hostnames",
    [
      gateway("eg", `  - {name: any, port: 443, protocol: TLS, tls: {mode: Passthrough}}
  - {name: wild, port: 443, protocol: TLS, hostname: "*.example.com", tls: {mode: Passthrough}}
  - {name: foo, port: 443, protocol: TLS, hostname: foo.example.com, tls: {mode: Passthrough}}`),
      route("TLSRoute", "a", undefined, "{name: eg}", "2025-01-01T00:00:00Z"),
      route("TLSRoute", "b", undefined, "{name: eg}", "2025-01-02T00:00:00Z"),
      route("TLSRoute", "c", ["foo.example.com", "FOO.example.com", "*.example.com"], "{name: eg}", "2025-01-03T00:00:00Z"),
      route("TLSRoute", "d", ["*.example.com", "bar.example.com"], "{name: eg}", "2025-01-04T00:00:00Z"),
      route("TLSRoute", "e", ["bar.example.com"], "{name: eg, sectionName: wild}", "2025-01-05T00:00:00Z"),
    ],
  ],
  [
    "TLS passthrough and terminate, and HTTPS, sharing port 443",
    [
      gateway("eg", `  - {name: https, port: 443, protocol: HTTPS, hostname: www.example.com, ${CERT}}
  - {name: pass, port: 443, protocol: TLS, hostname: "*.example.com", tls: {mode: Passthrough}}
  - {name: term, port: 443, protocol: TLS, hostname: term.example.com, tls: {mode: Terminate, certificateRefs: [{name: rsa}]}}
  - {name: any, port: 443, protocol: TLS, tls: {mode: Passthrough}}`),
      SECRET,
      route("HTTPRoute", "h", ["www.example.com"]),
      route("TLSRoute", "p", ["*.example.com", "www.example.com", "term.example.com"]),
      route("TLSRoute", "t", ["term.example.com"]),
      route("TLSRoute", "q", undefined),
    ],
  ],
  [
    "TLS first on a port that HTTPS listeners share",
    [
      gateway("eg", `  - {name: pass, port: 443, protocol: TLS, hostname: pass.example.com, tls: {mode: Passthrough}}
  - {name: https, port: 443, protocol: HTTPS, hostname: www.example.com, ${CERT}}`),
      SECRET,
      route("HTTPRoute", "h", ["www.example.com"]),
      route("TLSRoute", "p", ["pass.example.com"]),
    ],
  ],
  [
    "the same route on two HTTPS listeners and on a TLS listener of another port",
    [
      gateway("eg", `  - {name: a, port: 443, protocol: HTTPS, hostname: a.example.com, ${CERT}}
  - {name: b, port: 443, protocol: HTTPS, hostname: "*.example.com", ${CERT}}
  - {name: t, port: 8443, protocol: TLS, tls: {mode: Passthrough}}
  - {name: t2, port: 8443, protocol: TLS, hostname: a.example.com, tls: {mode: Passthrough}}`),
      SECRET,
      route("HTTPRoute", "h", ["a.example.com", "b.example.com"]),
      route("TLSRoute", "p", ["a.example.com", "b.example.com"]),
      route("TLSRoute", "p2", ["a.example.com"], "{name: eg, sectionName: t2}"),
    ],
  ],
  [
    "TCP, UDP and HTTP on the same port number",
    [
      gateway("eg", `  - {name: tcp, port: 5000, protocol: TCP}
  - {name: udp, port: 5000, protocol: UDP}
  - {name: http, port: 5000, protocol: HTTP}`),
      `apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: t, namespace: default}
spec:
  parentRefs: [{name: eg, sectionName: tcp}]
  rules: [{backendRefs: [{name: backend, port: 8080}]}]
`,
      `apiVersion: gateway.networking.k8s.io/v1alpha2
kind: UDPRoute
metadata: {name: u, namespace: default}
spec:
  parentRefs: [{name: eg, sectionName: udp}]
  rules: [{backendRefs: [{name: backend, port: 8080}]}]
`,
    ],
  ],
];

const cluster = { name: "c", type: "STATIC", loadAssignment: { clusterName: "c", endpoints: [] } };
const addr = (port: number) => ({ socketAddress: { address: "127.0.0.1", portValue: port } });

function routeCaseConfig(domains: string[][]): JsonObject {
  const routeConfig = {
    name: "r",
    validateClusters: false,
    virtualHosts: domains.map((d, i) => ({ name: `v${i}`, domains: d, routes: [{ match: { prefix: "/" }, route: { cluster: "c" } }] })),
  };
  const hcm = {
    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
    statPrefix: "h",
    routeConfig,
    httpFilters: [{ name: "router", typedConfig: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
  };
  return { staticResources: { listeners: [{ name: "l", address: addr(10080), filterChains: [{ filters: [{ name: "hcm", typedConfig: hcm }] }] }], clusters: [cluster] } };
}

function chainCaseConfig(matches: (JsonObject | undefined)[]): JsonObject {
  const tcp = { name: "tcp", typedConfig: { "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", statPrefix: "t", cluster: "c" } };
  const inspector = { name: "tls", typedConfig: { "@type": "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector" } };
  const filterChains = matches.map((m) => ({ filters: [tcp], ...(m ? { filterChainMatch: m } : {}) }));
  return { staticResources: { listeners: [{ name: "l", address: addr(10443), listenerFilters: [inspector], filterChains }], clusters: [cluster] } };
}

describeEnvoy("the pre-serve uniqueness rules agree with Envoy", (envoy) => {
  it("every route table and filter chain case", { timeout: 120_000 }, async () => {
    const configs = [
      ...ROUTE_CASES.map((c) => ({ name: `route: ${c.name}`, config: routeCaseConfig(c.domains) })),
      ...CHAIN_CASES.map((c) => ({ name: `chains: ${c.name}`, config: chainCaseConfig(c.matches) })),
    ];
    const verdicts = (await validateConfigs(envoy, configs)).map((r) => [r.name, r.ok]);
    expect(verdicts).toEqual([...ROUTE_CASES.map((c) => [`route: ${c.name}`, c.envoyAccepts]), ...CHAIN_CASES.map((c) => [`chains: ${c.name}`, c.envoyAccepts])]);
  });
});

describeEnvoy("Envoy's uniqueness rules hold for tricky Gateways", (envoy) => {
  it("every scenario's snapshot passes envoy --mode validate", { timeout: 120_000 }, async () => {
    const configs = SCENARIOS.flatMap(([name, docs]) =>
      run(...docs).gateways.map((g) => ({ name: `${name}: ${g.key}`, config: staticConfig(resourcesToJson(g.resources), g.key) })),
    );
    expect(configs).toHaveLength(SCENARIOS.length);
    const bad = (await validateConfigs(envoy, configs)).filter((r) => !r.ok);
    expect(bad.map((b) => `${b.name}: ${b.reason}`)).toEqual([]);
  });
});
