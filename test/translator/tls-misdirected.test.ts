// Misdirected requests (HTTPRouteHTTPSListenerDetectMisdirectedRequests): on an HTTPS port with
// several listeners, a Host that another listener serves gets 421 on the chain SNI picked; a Host no
// listener serves gets 404. Checked on the conformance manifests with the model of Envoy's chain and
// route selection; test/envoy/https.test.ts shows the same with a real Envoy.
import { fromBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import type { XdsResources } from "../../src/api/xds.ts";
import type { RouteConfiguration } from "../../src/gen/envoy/config/route/v3/route_pb.js";
import { HttpConnectionManagerSchema } from "../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { clusterOf, pickFilterChain, pickRoute } from "../conformance/envoy-sim.ts";
import { translateConformance } from "../conformance/harness.ts";
import { PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { gateway, run, snapshot } from "./tls-helpers.ts";

const NS = "gateway-conformance-infra";
const backend = (v: string) => `service/${NS}/infra-backend-${v}/8080`;

/** What a request with this SNI and Host gets: a backend cluster, a status, or "refused". */
function sender(snap: XdsResources) {
  const listener = snap.listeners.find((l) => l.filterChains.some((c) => c.transportSocket));
  if (!listener) throw new Error("no HTTPS listener");
  return (sni: string, host: string): string | number => {
    const chain = pickFilterChain(listener, sni);
    const hcm = chain?.filters[0]?.configType;
    if (hcm?.case !== "typedConfig") return "refused";
    const rds = fromBinary(HttpConnectionManagerSchema, hcm.value.value).routeSpecifier;
    const table = snap.routes.find((r: RouteConfiguration) => rds.case === "rds" && r.name === rds.value.routeConfigName);
    if (!table) throw new Error(`chain ${chain?.name} names a route table that is not served`);
    const route = pickRoute(table, { host, path: "/detect-misdirected-requests" });
    if (!route) return 404;
    return route.action.case === "directResponse" ? route.action.value.status : (clusterOf(route) ?? route.name);
  };
}

describe("HTTPS misdirected requests", () => {
  const { result } = translateConformance("httproute-https-listener-detect-misdirected-requests.yaml");
  const send = sender(snapshot(result, `${NS}/same-namespace-with-https-listener`));

  it("serves a request whose SNI and Host pick the same listener", () => {
    expect(send("example.org", "example.org")).toBe(backend("v1"));
    expect(send("second-example.org", "second-example.org")).toBe(backend("v2"));
    expect(send("third-example.wildcard.org", "third-example.wildcard.org")).toBe(backend("v3"));
    expect(send("fourth-example.wildcard.org", "fourth-example.wildcard.org")).toBe(backend("v1"));
    // Another name under the same wildcard listener: not misdirected.
    expect(send("third-example.wildcard.org", "other.wildcard.org")).toBe(backend("v3"));
  });

  it("answers 421 when the Host belongs to another listener of the port", () => {
    // More specific listeners own these Hosts, whichever chain SNI picked.
    expect(send("example.org", "second-example.org")).toBe(421);
    expect(send("third-example.wildcard.org", "fourth-example.wildcard.org")).toBe(421);
    // The chain's own listener does not match the Host, another one does (the catch-all included).
    expect(send("second-example.org", "example.org")).toBe(421);
    expect(send("fourth-example.wildcard.org", "third-example.wildcard.org")).toBe(421);
    expect(send("second-example.org", "anything.test")).toBe(421);
  });

  it("answers 404 for a Host the chain's listener owns but no route serves", () => {
    expect(send("example.org", "unrouted.example.net")).toBe(404);
    expect(send("unknown.test", "unrouted.example.net")).toBe(404);
  });
});

describe("HTTPS misdirected requests: a wildcard listener next to a catch-all", () => {
  const r = run(
    gateway(
      "eg",
      `  - {name: any, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: rsa}]}}
  - {name: wild, port: 443, protocol: HTTPS, hostname: "*.w.test", tls: {certificateRefs: [{name: rsa}]}}`,
    ),
    `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: only-a, namespace: default}
spec:
  parentRefs: [{name: eg, sectionName: wild}]
  hostnames: [a.w.test]
  rules: [{backendRefs: [{name: backend, port: 8080}]}]
`,
    tlsSecretYaml("default", "rsa", PEM.rsaCert, PEM.rsaKey),
  );
  const send = sender(snapshot(r, "default/eg"));

  it("answers 404, not 421, for an unrouted Host the wildcard listener owns", () => {
    expect(send("a.w.test", "a.w.test")).toBe("service/default/backend/8080");
    expect(send("a.w.test", "b.w.test")).toBe(404);
    // The catch-all listener owns what the wildcard does not cover.
    expect(send("a.w.test", "elsewhere.test")).toBe(421);
    expect(send("elsewhere.test", "a.w.test")).toBe(421);
  });
});
