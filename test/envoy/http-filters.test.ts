// HTTPRoute filters, timeouts, retries and invalid backends, carried by a real Envoy: what the
// client and the backend see is what the spec says.
import { expect, it } from "vitest";
import { until } from "./harness.ts";
import { describeEnvoy } from "./peer.ts";
import { GW, useGateway } from "./suite.ts";
import { backend } from "./world.ts";

const ROUTES = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: filters, namespace: default }
spec:
  parentRefs: [{ name: eg }]
  hostnames: [f.example.com]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /redirect-host } }]
      filters: [{ type: RequestRedirect, requestRedirect: { hostname: other.example.com } }]
    - matches: [{ path: { type: PathPrefix, value: /redirect-https } }]
      filters: [{ type: RequestRedirect, requestRedirect: { scheme: https, statusCode: 301 } }]
    - matches: [{ path: { type: PathPrefix, value: /redirect-port } }]
      filters: [{ type: RequestRedirect, requestRedirect: { scheme: https, port: 8443 } }]
    - matches: [{ path: { type: PathPrefix, value: /redirect-path } }]
      filters: [{ type: RequestRedirect, requestRedirect: { path: { type: ReplacePrefixMatch, replacePrefixMatch: /new } } }]
    - matches: [{ path: { type: PathPrefix, value: /prefix } }]
      filters: [{ type: URLRewrite, urlRewrite: { hostname: rewritten.example.com, path: { type: ReplacePrefixMatch, replacePrefixMatch: /one } } }]
      backendRefs: [{ name: web, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /strip } }]
      filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplacePrefixMatch, replacePrefixMatch: / } } }]
      backendRefs: [{ name: web, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /full } }]
      filters: [{ type: URLRewrite, urlRewrite: { path: { type: ReplaceFullPath, replaceFullPath: /replaced } } }]
      backendRefs: [{ name: web, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /headers } }]
      filters:
        - type: RequestHeaderModifier
          requestHeaderModifier: { set: [{ name: x-set, value: s }], add: [{ name: x-add, value: a }], remove: [x-remove] }
        - type: ResponseHeaderModifier
          responseHeaderModifier: { set: [{ name: x-resp, value: r }], remove: [x-echo-endpoint] }
      backendRefs: [{ name: web, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /mirror } }]
      filters: [{ type: RequestMirror, requestMirror: { backendRef: { name: mirror, port: 8080 } } }]
      backendRefs: [{ name: web, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /delay } }]
      timeouts: { request: 300ms }
      backendRefs: [{ name: web, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /fail-once } }]
      retry: { codes: [500], attempts: 2 }
      backendRefs: [{ name: web, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /status } }]
      backendRefs: [{ name: web, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /missing } }]
      backendRefs: [{ name: does-not-exist, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /cors } }]
      filters:
        - type: CORS
          cors: { allowOrigins: ["https://app.example.com"], allowMethods: [GET, PUT], allowHeaders: [x-a], maxAge: 600 }
      backendRefs: [{ name: web, port: 8080 }]
`;

describeEnvoy("HTTPRoute filters through a real Envoy", (envoy) => {
  const world = useGateway(envoy, {
    backends: async () => [await backend("web"), await backend("mirror")],
    listeners: "    - { name: http, protocol: HTTP, port: 80 }\n    - { name: alt, protocol: HTTP, port: 8080 }\n",
    files: { "routes.yaml": ROUTES },
  });
  const get = (path: string, o: { headers?: Record<string, string>; port?: number; method?: string } = {}) =>
    world.dp.request(GW, { port: o.port ?? 80, path, host: "f.example.com", headers: o.headers, method: o.method });

  it("redirects without adding the scheme's default port to Location", async () => {
    const host = await get("/redirect-host/a?q=1");
    expect(host.status).toBe(302);
    expect(host.headers.location).toBe("http://other.example.com/redirect-host/a?q=1");
    const https = await get("/redirect-https/a");
    expect(https.status).toBe(301);
    expect(https.headers.location).toBe("https://f.example.com/redirect-https/a");
    // A Host header that names the port: Location still leaves the default port out.
    const named = await world.dp.request(GW, { port: 80, path: "/redirect-https/a", host: "f.example.com:80" });
    expect(named.headers.location).toBe("https://f.example.com/redirect-https/a");
    const alt = await world.dp.request(GW, { port: 8080, path: "/redirect-https/a", host: "f.example.com:8080" });
    expect(alt.headers.location).toBe("https://f.example.com/redirect-https/a");
  });

  it("redirects with an explicit port, and keeps a non-default listener port", async () => {
    expect((await get("/redirect-port/a")).headers.location).toBe("https://f.example.com:8443/redirect-port/a");
    // No scheme and no port: the listener's port, which is not the default for http.
    expect((await get("/redirect-host/a", { port: 8080 })).headers.location).toBe("http://other.example.com:8080/redirect-host/a");
  });

  it("replaces a prefix in a redirect's path", async () => {
    expect((await get("/redirect-path/x/y")).headers.location).toBe("http://f.example.com/new/x/y");
  });

  it("rewrites host and path prefix on path-segment boundaries", async () => {
    const r = await get("/prefix/two");
    expect(r.echo).toMatchObject({ path: "/one/two", host: "rewritten.example.com" });
    expect((await get("/prefix")).echo?.path).toBe("/one");
    expect((await get("/strip/x")).echo?.path).toBe("/x");
    expect((await get("/strip")).echo?.path).toBe("/");
    expect((await get("/full/a/b?k=v")).echo?.path).toBe("/replaced?k=v");
  });

  it("sets, adds and removes request and response headers", async () => {
    const r = await get("/headers", { headers: { "x-set": "old", "x-add": "first", "x-remove": "gone" } });
    expect(r.echo?.headers["x-set"]).toBe("s");
    expect(r.echo?.headers["x-add"]?.split(/,\s*/)).toEqual(["first", "a"]);
    expect(r.echo?.headers["x-remove"]).toBeUndefined();
    expect(r.headers["x-resp"]).toBe("r");
    expect(r.headers["x-echo-endpoint"]).toBeUndefined();
  });

  it("mirrors a request to another backend and answers from the primary", async () => {
    const r = await get("/mirror/m1");
    expect(r.echo?.service).toBe("web");
    const mirror = world.backends[1]!.echoes[0]!;
    const seen = await until("the mirror to see /mirror/m1", async () => mirror.seen.find((s) => s.path === "/mirror/m1"));
    expect(seen.method).toBe("GET");
  });

  it("answers 504 when the request timeout passes, and 200 within it", async () => {
    expect((await get("/delay/2000")).status).toBe(504);
    expect((await get("/delay/1")).status).toBe(200);
  });

  it("retries a 500 and returns the retried answer", async () => {
    const web = world.backends[0]!.echoes[0]!;
    const r = await get("/fail-once/r1");
    expect(r.status).toBe(200);
    expect(web.seen.filter((s) => s.path === "/fail-once/r1")).toHaveLength(2);
    // Without a retry policy a backend's 500 reaches the client.
    expect((await get("/status/500")).status).toBe(500);
  });

  it("answers 500 for a backend that does not exist", async () => {
    expect((await get("/missing")).status).toBe(500);
  });

  it("answers a CORS preflight for an allowed origin and not for another", async () => {
    const ok = await get("/cors", { method: "OPTIONS", headers: { origin: "https://app.example.com", "access-control-request-method": "PUT" } });
    expect(ok.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(ok.headers["access-control-allow-methods"]).toContain("PUT");
    expect(ok.headers["access-control-max-age"]).toBe("600");
    const other = await get("/cors", { method: "OPTIONS", headers: { origin: "https://evil.example.com", "access-control-request-method": "PUT" } });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });
});
