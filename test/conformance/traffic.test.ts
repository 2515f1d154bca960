// Traffic expectations of a few conformance tests, checked on the route
// tables translate() produces with a model of Envoy's route selection
// (envoy-sim.ts): listener isolation, hostname intersection, matching across
// routes and path match order; for TLSRoute, the SNI filter chain and its
// tcp_proxy cluster.
import { describe, expect, it } from "vitest";
import { clusterOf, pickFilterChain, pickRoute, rewrittenPath, tcpProxyCluster, type SimRequest } from "./envoy-sim.ts";
import { translateConformance } from "./harness.ts";

function table(file: string, gateway: string) {
  const { result } = translateConformance(file);
  const g = result.gateways.find((x) => x.key === `gateway-conformance-infra/${gateway}`);
  const rc = g?.resources.routes[0];
  if (!rc) throw new Error(`no route table for ${gateway}`);
  return (req: SimRequest) => {
    const r = pickRoute(rc, req);
    return r ? (clusterOf(r) ?? r.name) : 404;
  };
}

const V1 = "service/gateway-conformance-infra/infra-backend-v1/8080";
const V2 = "service/gateway-conformance-infra/infra-backend-v2/8080";
const V3 = "service/gateway-conformance-infra/infra-backend-v3/8080";

describe("GatewayHTTPListenerIsolation", () => {
  const send = table("gateway-http-listener-isolation.yaml", "http-listener-isolation");
  const paths = ["/empty-hostname", "/wildcard-example-com", "/wildcard-foo-example-com", "/abc-foo-example-com"];
  const cases: [string, string][] = [
    ["bar.com", "/empty-hostname"],
    ["foo.example.com", "/wildcard-example-com"],
    ["bar.foo.example.com", "/wildcard-foo-example-com"],
    ["abc.foo.example.com", "/abc-foo-example-com"],
  ];
  for (const [host, ok] of cases) {
    it(`${host} is served only by its most specific listener`, () => {
      for (const p of paths) expect(send({ host, path: p }), `${host}${p}`).toBe(p === ok ? V1 : 404);
    });
  }
});

describe("HTTPRouteMatchingAcrossRoutes", () => {
  const send = table("httproute-matching-across-routes.yaml", "same-namespace");
  it("routes by path and headers across two routes", () => {
    expect(send({ host: "example.com", path: "/" })).toBe(V1);
    expect(send({ host: "example.net", path: "/" })).toBe(V1);
    expect(send({ host: "example.com", path: "/example" })).toBe(V1);
    expect(send({ host: "example.com", path: "/", headers: { Version: "one" } })).toBe(V1);
    expect(send({ host: "example.com", path: "/v2" })).toBe(V2);
    expect(send({ host: "example.com", path: "/v2/example" })).toBe(V2);
    expect(send({ host: "example.com", path: "/", headers: { Version: "two" } })).toBe(V2);
    expect(send({ host: "example.net", path: "/v2" })).toBe(V1);
    expect(send({ host: "example.net", path: "/", headers: { Version: "two" } })).toBe(V1);
  });
});

describe("HTTPRouteHostnameIntersection", () => {
  const send = table("httproute-hostname-intersection.yaml", "httproute-hostname-intersection");
  it("serves each route only on the intersected hostnames", () => {
    expect(send({ host: "very.specific.com", path: "/s1" })).toBe(V1);
    expect(send({ host: "non.matching.com", path: "/s1" })).toBe(404);
    expect(send({ host: "foo.nonmatchingwildcard.io", path: "/s1" })).toBe(404);
    expect(send({ host: "foo.wildcard.io", path: "/s2" })).toBe(V2);
    expect(send({ host: "bar.wildcard.io", path: "/s2" })).toBe(V2);
    expect(send({ host: "foo.bar.wildcard.io", path: "/s2" })).toBe(V2);
    expect(send({ host: "very.specific.com", path: "/s3" })).toBe(V3);
    expect(send({ host: "foo.anotherwildcard.io", path: "/s4" })).toBe(V1);
    expect(send({ host: "foo.bar.anotherwildcard.io", path: "/s4" })).toBe(V1);
    expect(send({ host: "anotherwildcard.io", path: "/s4" })).toBe(404);
  });
});

describe("TLSRouteHostnameIntersection", () => {
  const { result } = translateConformance("tlsroute-hostname-intersection.yaml");
  /** The backend a TLS connection with this SNI reaches on the Gateway, or "rejected" when no chain takes it. */
  const connect = (gateway: string) => (sni: string) => {
    const l = result.gateways.find((x) => x.key === `gateway-conformance-infra/${gateway}`)?.resources.listeners[0];
    if (!l) throw new Error(`no listener for ${gateway}`);
    const chain = pickFilterChain(l, sni);
    return chain ? (tcpProxyCluster(chain) ?? chain.name) : "rejected";
  };
  const TLS1 = "service/gateway-conformance-infra/tls-backend/443";
  const TLS2 = "service/gateway-conformance-infra/tls-backend-2/443";
  it("exact listener hostname abc.example.com: a *.example.com route serves only abc.example.com", () => {
    const send = connect("gw-tlsroute-exact-hostname-x-1");
    expect(send("abc.example.com")).toBe(TLS1);
    expect(send("non.matching.com")).toBe("rejected");
  });
  it("listener *.example.com: the exact route wins abc.example.com, the *.com route narrows to *.example.com", () => {
    const send = connect("gw-tlsroute-more-specific-wc-hostname-x-2");
    expect(send("abc.example.com")).toBe(TLS1);
    expect(send("other.example.com")).toBe(TLS2);
    expect(send("non.matching.com")).toBe("rejected");
  });
  it("listener *.com: routes for abc.example.com and *.example.com keep their own hostnames", () => {
    const send = connect("gw-tlsroute-less-specific-wc-hostname-x-3");
    expect(send("abc.example.com")).toBe(TLS1);
    expect(send("other.example.com")).toBe(TLS2);
    expect(send("non.matching.com")).toBe("rejected");
  });
  it("listener without hostname: abc.example.com and *.com as the routes say", () => {
    const send = connect("gw-tlsroute-empty-hostname-x-4");
    expect(send("abc.example.com")).toBe(TLS1);
    expect(send("other.example.com")).toBe(TLS2);
    expect(send("non.matching.org")).toBe("rejected");
  });
});

describe("HTTPRoutePathMatchOrder", () => {
  const send = table("httproute-path-match-order.yaml", "same-namespace");
  it("prefers exact paths, then the longest segment prefix", () => {
    expect(send({ host: "example.com", path: "/match" })).toBe(V1);
    expect(send({ host: "example.com", path: "/match/exact" })).toBe(V2);
    expect(send({ host: "example.com", path: "/match/exact/one" })).toBe(V3);
    expect(send({ host: "example.com", path: "/match/exact/two" })).toBe(V3);
    expect(send({ host: "example.com", path: "/match/prefix" })).toBe(V1);
    expect(send({ host: "example.com", path: "/match/prefix/one" })).toBe(V2);
    expect(send({ host: "example.com", path: "/match/prefix/one/two" })).toBe(V2);
    expect(send({ host: "example.com", path: "/match/prefix/two" })).toBe(V1);
    expect(send({ host: "example.com", path: "/match/prefixone" })).toBe(V3);
    expect(send({ host: "example.com", path: "/matchx" })).toBe(404);
  });
});

describe("HTTPRouteHeaderMatching", () => {
  const send = table("httproute-header-matching.yaml", "same-namespace");
  const get = (headers: Record<string, string>) => send({ host: "192.0.2.10", path: "/", headers });
  it("matches all of a rule's headers, case-insensitively by name", () => {
    expect(get({ Version: "one" })).toBe(V1);
    expect(get({ Version: "two" })).toBe(V2);
    expect(get({ Version: "two", Color: "orange" })).toBe(V1);
    expect(get({ Version: "two", Color: "blue" })).toBe(V2);
    expect(get({ Color: "orange" })).toBe(404);
    expect(get({ "Some-Other-Header": "one" })).toBe(404);
    expect(get({ Color: "blue" })).toBe(V1);
    expect(get({ Color: "green" })).toBe(V1);
    expect(get({ Color: "red" })).toBe(V2);
    expect(get({ Color: "yellow" })).toBe(V2);
    expect(get({ Color: "purple" })).toBe(404);
  });
});

describe("HTTPRouteMethodMatching", () => {
  const send = table("httproute-method-matching.yaml", "same-namespace");
  const req = (method: string, path: string, headers: Record<string, string> = {}) => send({ host: "192.0.2.10", path, method, headers });
  it("matches methods alone, combined with other matches, and in precedence order", () => {
    expect(req("POST", "/")).toBe(V1);
    expect(req("GET", "/")).toBe(V2);
    expect(req("HEAD", "/")).toBe(404);
    expect(req("GET", "/path1")).toBe(V1);
    expect(req("PUT", "/", { version: "one" })).toBe(V2);
    expect(req("POST", "/path2", { version: "two" })).toBe(V3);
    expect(req("PATCH", "/path3")).toBe(V1);
    expect(req("DELETE", "/path4", { version: "three" })).toBe(V1);
    expect(req("PUT", "/")).toBe(404);
    expect(req("DELETE", "/path4")).toBe(404);
    expect(req("PATCH", "/path5")).toBe(V1);
    expect(req("PATCH", "/", { version: "four" })).toBe(V2);
  });
});

describe("HTTPRouteQueryParamMatching", () => {
  const send = table("httproute-query-param-matching.yaml", "same-namespace");
  const req = (path: string, headers: Record<string, string> = {}) => send({ host: "192.0.2.10", path, headers });
  it("matches query params (names case-sensitive), alone and combined, in precedence order", () => {
    expect(req("/?animal=whale")).toBe(V1);
    expect(req("/?animal=dolphin")).toBe(V2);
    expect(req("/?animal=dolphin&color=blue")).toBe(V3);
    expect(req("/?ANIMAL=Whale")).toBe(V3);
    expect(req("/?animal=whale&otherparam=irrelevant")).toBe(V1);
    expect(req("/?animal=dolphin&color=yellow")).toBe(V2);
    expect(req("/?color=blue")).toBe(404);
    expect(req("/?animal=dog")).toBe(404);
    expect(req("/?animal=whaledolphin")).toBe(404);
    expect(req("/")).toBe(404);
    expect(req("/path1?animal=whale")).toBe(V1);
    expect(req("/?animal=whale", { version: "one" })).toBe(V2);
    expect(req("/path2?animal=whale", { version: "two" })).toBe(V3);
    expect(req("/path3?animal=shark")).toBe(V1);
    expect(req("/path4?animal=kraken", { version: "three" })).toBe(V1);
    expect(req("/?animal=shark")).toBe(404);
    expect(req("/path4?animal=kraken")).toBe(404);
    expect(req("/path5?animal=hydra")).toBe(V1);
    expect(req("/?animal=hydra", { version: "four" })).toBe(V3);
  });
});

describe("HTTPRouteRewritePath", () => {
  const { result } = translateConformance("httproute-rewrite-path.yaml");
  const rc = result.gateways.find((g) => g.key === "gateway-conformance-infra/same-namespace")?.resources.routes[0];
  const upstream = (path: string) => (rc ? rewrittenPath(pickRoute(rc, { host: "192.0.2.10", path }), path) : undefined);
  it("rewrites prefixes and full paths with the spec's slash rules", () => {
    expect(upstream("/prefix/one/two")).toBe("/one/two");
    expect(upstream("/full/one/two")).toBe("/one");
    expect(upstream("/full/rewrite-path-and-modify-headers/test")).toBe("/test");
    expect(upstream("/prefix/rewrite-path-and-modify-headers/one")).toBe("/prefix/one");
    expect(upstream("/strip-prefix/three")).toBe("/three");
    expect(upstream("/strip-prefix")).toBe("/");
    expect(upstream("/strip-prefix/")).toBe("/");
  });
});
