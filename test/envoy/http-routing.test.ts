// HTTPRoute matching, precedence and weights, carried by a real Envoy.
import { expect, it } from "vitest";
import { describeEnvoy } from "./peer.ts";
import { GW, HTTP_80, useGateway } from "./suite.ts";
import { backend } from "./world.ts";

describeEnvoy("HTTPRoute through a real Envoy", (envoy) => {
  const routes = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: shop, namespace: default }
spec:
  parentRefs: [{ name: eg }]
  hostnames: [shop.example.com]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /shop } }]
      backendRefs: [{ name: v1, port: 8080, weight: 80 }, { name: v2, port: 8080, weight: 20 }]
    - matches: [{ path: { type: Exact, value: /shop/cart } }]
      backendRefs: [{ name: exact, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /shop }, headers: [{ name: x-beta, value: "yes" }] }]
      backendRefs: [{ name: hdr, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /q }, queryParams: [{ name: debug, value: "1" }], method: POST }]
      backendRefs: [{ name: hdr, port: 8080 }]
    - matches: [{ path: { type: RegularExpression, value: "/items/[0-9]+" } }]
      backendRefs: [{ name: exact, port: 8080 }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: other, namespace: default }
spec:
  parentRefs: [{ name: eg }]
  hostnames: ["*.example.org"]
  rules: [{ backendRefs: [{ name: other, port: 8080 }] }]
`;
  const world = useGateway(envoy, {
    backends: async () => [await backend("v1", { replicas: 2 }), await backend("v2"), await backend("exact"), await backend("hdr"), await backend("other")],
    listeners: HTTP_80,
    files: { "routes.yaml": routes },
  });
  const get = (path: string, headers: Record<string, string> = {}, host = "shop.example.com", method = "GET") =>
    world.dp.request(GW, { port: 80, path, host, headers, method });

  it("sends an exact match to its rule before a longer prefix", async () => {
    expect((await get("/shop/cart")).echo?.service).toBe("exact");
    expect((await get("/shop/cart/x")).echo?.service).toMatch(/^v[12]$/);
  });

  it("matches prefixes on path segments, not characters", async () => {
    expect((await get("/shopping")).status).toBe(404);
    expect((await get("/shop/")).echo?.service).toMatch(/^v[12]$/);
  });

  it("prefers the rule with a header match over the same prefix without", async () => {
    expect((await get("/shop/a", { "x-beta": "yes" })).echo?.service).toBe("hdr");
    expect((await get("/shop/a", { "x-beta": "no" })).echo?.service).toMatch(/^v[12]$/);
  });

  it("matches method and query parameter together", async () => {
    expect((await get("/q?debug=1", {}, "shop.example.com", "POST")).echo?.service).toBe("hdr");
    expect((await get("/q?debug=1")).status).toBe(404);
    expect((await get("/q?debug=2", {}, "shop.example.com", "POST")).status).toBe(404);
  });

  it("anchors a RegularExpression match on the whole path", async () => {
    expect((await get("/items/42")).echo?.service).toBe("exact");
    expect((await get("/items/42/x")).status).toBe(404);
  });

  it("routes by hostname, wildcard included, and answers 404 for an unknown host", async () => {
    expect((await get("/", {}, "a.example.org")).echo?.service).toBe("other");
    expect((await get("/", {}, "example.org")).status).toBe(404);
    expect((await get("/", {}, "nothing.test")).status).toBe(404);
  });

  it("passes the request through unchanged: method, path, query and host", async () => {
    const r = await get("/shop/x?a=b", { "x-custom": "1" });
    expect(r.echo).toMatchObject({ method: "GET", path: "/shop/x?a=b", host: "shop.example.com", protocol: "HTTP/1.1" });
    expect(r.echo?.headers["x-custom"]).toBe("1");
  });

  it("splits 80/20 by weight", { timeout: 60_000 }, async () => {
    // 400 requests: the v2 count is Binomial(400, 0.2), mean 80, sd 8; [48, 112] is 4 sd either way,
    // which a correct split leaves less than once in 10,000 runs, and a 50/50 or 100/0 split never meets.
    const n = 400;
    const counts: Record<string, number> = {};
    const endpoints = new Set<string>();
    for (let i = 0; i < n; i++) {
      const r = await get(`/shop/w${i}`);
      counts[r.echo?.service ?? String(r.status)] = (counts[r.echo?.service ?? String(r.status)] ?? 0) + 1;
      if (r.echo?.service === "v1") endpoints.add(r.echo.endpoint);
    }
    expect((counts["v1"] ?? 0) + (counts["v2"] ?? 0)).toBe(n);
    expect(counts["v2"]).toBeGreaterThanOrEqual(48);
    expect(counts["v2"]).toBeLessThanOrEqual(112);
    // Both endpoints of v1 take traffic.
    expect([...endpoints].sort()).toEqual(["v1-0", "v1-1"]);
  });
});
