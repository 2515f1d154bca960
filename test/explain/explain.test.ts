// Explain against snapshots the real translator made: the decisions Envoy takes at each step,
// and the reasons given when nothing matches.
import { describe, expect, it } from "vitest";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import { explain, type ExplainRequest } from "../../src/explain/index.ts";
import { PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { classAndGateway, translateGw } from "../translator/helpers.ts";

const BASE = `${classAndGateway(`    - {name: http, port: 80, protocol: HTTP}
    - {name: foo, port: 443, protocol: HTTPS, hostname: foo.example.com, tls: {certificateRefs: [{name: rsa}]}}
    - {name: wild, port: 443, protocol: HTTPS, hostname: "*.example.com", tls: {certificateRefs: [{name: rsa}]}}`)}
---
${tlsSecretYaml("default", "rsa", PEM.rsaCert, PEM.rsaKey)}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  hostnames: [shop.example.com, "*.shop.example.com"]
  rules:
    - matches: [{path: {type: PathPrefix, value: /shop}, headers: [{name: x-canary, value: "yes"}]}]
      backendRefs: [{name: v2, port: 8080}]
    - matches: [{path: {type: PathPrefix, value: /shop}}]
      backendRefs: [{name: v1, port: 8080, weight: 3}, {name: v2, port: 8080, weight: 1}]
    - matches: [{path: {type: Exact, value: /login}, method: POST}, {path: {type: RegularExpression, value: "/items/[0-9]+"}, queryParams: [{name: view, value: full}]}]
      backendRefs: [{name: v1, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: tls, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: foo}, {name: gw, sectionName: wild}]
  rules: [{backendRefs: [{name: v1, port: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: v1, namespace: default}
spec: {ports: [{port: 8080, targetPort: 3000}]}
---
apiVersion: v1
kind: Service
metadata: {name: v2, namespace: default}
spec: {ports: [{port: 8080, targetPort: 3000}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: v1-a, namespace: default, labels: {kubernetes.io/service-name: v1}}
addressType: IPv4
ports: [{port: 3000}]
endpoints: [{addresses: [10.0.0.1], conditions: {ready: true}}, {addresses: [10.0.0.2], conditions: {ready: false}}]
`;

const snapshot = resourcesToJson(translateGw(BASE, true).gw);
const run = (r: ExplainRequest) => explain(snapshot, r);
const step = (r: ReturnType<typeof run>, stage: string) => r.steps.find((s) => s.stage === stage);

describe("explain", () => {
  it("follows a request to a weighted split and names the route rule and Services behind it", () => {
    const r = run({ port: 80, host: "shop.example.com", path: "/shop/cart" });
    expect(step(r, "virtual host")?.chosen).toBe("default/gw/http/shop.example.com");
    const route = step(r, "route")!;
    expect(route.source).toBe("HTTPRoute default/shop rule 1 match 0");
    // Three routes come first (exact and regex paths sort before prefixes); the nearest miss,
    // listed first, is the canary rule, which needs a header this request does not have.
    expect(route.rejected).toHaveLength(3);
    expect(route.rejected![0]).toEqual({ name: "HTTPRoute default/shop rule 0 match 0", reason: "header x-canary is absent" });
    expect(r.outcome.kind).toBe("forward");
    if (r.outcome.kind !== "forward") return;
    expect(r.outcome.backends.map((b) => [b.service, b.share])).toEqual([
      ["Service default/v1 port 8080", 0.75],
      ["Service default/v2 port 8080", 0.25],
    ]);
    expect(r.outcome.summary).toBe("split: 75% Service default/v1 port 8080, 25% Service default/v2 port 8080");
  });

  it("takes the header-matched rule when the header is there, case-insensitively by name", () => {
    const r = run({ port: 80, host: "shop.example.com", path: "/shop", headers: { "X-Canary": "yes" } });
    expect(step(r, "route")?.source).toBe("HTTPRoute default/shop rule 0 match 0");
    expect(r.outcome.kind === "forward" && r.outcome.backends.map((b) => b.cluster)).toEqual(["service/default/v2/8080"]);
  });

  it("matches the Host without its port, and wildcard hostnames below the suffix only", () => {
    expect(step(run({ port: 80, host: "shop.example.com:80", path: "/shop" }), "virtual host")?.chosen).toBe("default/gw/http/shop.example.com");
    expect(step(run({ port: 80, host: "EU.shop.example.com", path: "/shop" }), "virtual host")?.chosen).toBe("default/gw/http/*.shop.example.com");
    const none = run({ port: 80, host: "example.com", path: "/" });
    expect(none.outcome).toMatchObject({ kind: "direct-response", status: 404 });
    expect(step(none, "virtual host")?.rejected?.length).toBeGreaterThan(0);
  });

  it("separates path prefixes at a slash, normalises the path, and says why nearer rules missed", () => {
    const r = run({ port: 80, host: "shop.example.com", path: "/shopping" });
    expect(r.outcome).toMatchObject({ kind: "direct-response", status: 404 });
    const reasons = step(r, "route")!.rejected!.map((c) => c.reason);
    expect(reasons).toContain("path /shopping is not /shop nor under /shop/");
    expect(step(run({ port: 80, host: "shop.example.com", path: "/a/../shop//x" }), "route")?.source).toBe("HTTPRoute default/shop rule 1 match 0");
  });

  it("matches method, exact path, regex and query parameters", () => {
    expect(step(run({ port: 80, host: "shop.example.com", path: "/login", method: "POST" }), "route")?.source).toBe("HTTPRoute default/shop rule 2 match 0");
    const get = run({ port: 80, host: "shop.example.com", path: "/login" });
    expect(get.outcome.kind).toBe("direct-response");
    expect(step(get, "route")!.rejected!.find((c) => c.name.endsWith("rule 2 match 0"))?.reason).toBe('header :method "GET" is not "POST"');
    expect(step(run({ port: 80, host: "shop.example.com", path: "/items/42?view=full" }), "route")?.source).toBe("HTTPRoute default/shop rule 2 match 1");
    const noQuery = run({ port: 80, host: "shop.example.com", path: "/items/42" });
    expect(step(noQuery, "route")!.rejected!.find((c) => c.name.endsWith("rule 2 match 1"))?.reason).toBe("query parameter view is absent");
    expect(step(run({ port: 80, host: "shop.example.com", path: "/items/42", query: { view: "full" } }), "route")?.source).toBe("HTTPRoute default/shop rule 2 match 1");
  });

  it("picks the filter chain by SNI: exact before wildcard, none without SNI", () => {
    expect(step(run({ port: 443, sni: "foo.example.com", path: "/" }), "filter chain")?.chosen).toBe("default/gw/foo");
    const wild = step(run({ port: 443, sni: "bar.example.com", path: "/" }), "filter chain")!;
    expect(wild.chosen).toBe("default/gw/wild");
    expect(wild.reason).toContain("*.example.com");
    const noSni = run({ port: 443, path: "/" });
    expect(noSni.outcome.kind).toBe("rejected");
    expect(step(noSni, "filter chain")?.reason).toContain("without SNI");
  });

  it("refuses a port nobody listens on and lists the listeners there are", () => {
    const r = run({ port: 8080, host: "shop.example.com", path: "/shop" });
    expect(r.outcome.kind).toBe("rejected");
    expect(step(r, "listener")?.rejected?.map((c) => c.reason)).toEqual(["listens on port 80", "listens on port 443"]);
  });

  it("lists the endpoints that take requests (not-ready ones are not sent), and says a cluster without any answers 503", () => {
    const r = run({ port: 80, host: "shop.example.com", path: "/login", method: "POST" });
    const eps = step(r, "endpoints")!;
    expect(eps.chosen).toBe("10.0.0.1:3000");
    expect(eps.reason).toBe("1 of 1 endpoints can take requests; Envoy balances among them");
    const v2 = run({ port: 80, host: "shop.example.com", path: "/shop", headers: { "x-canary": "yes" } });
    expect(step(v2, "endpoints")?.reason).toContain("503");
  });
});
