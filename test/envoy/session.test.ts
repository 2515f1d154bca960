// Session persistence through a real Envoy: cookie and header sessions on route rules (also under a
// weighted split) and on a Service through BackendLBPolicy. Without a session the requests spread.
import { expect, it } from "vitest";
import { describeEnvoyIfReadable } from "./file-source-reads.ts";
import { describeEnvoy } from "./peer.ts";
import { GW, HTTP_80, useGateway } from "./suite.ts";
import { backend } from "./world.ts";

const ROUTES = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: sticky, namespace: default }
spec:
  parentRefs: [{ name: eg }]
  hostnames: [s.example.com]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /cookie } }]
      backendRefs: [{ name: a, port: 8080 }]
      sessionPersistence: { sessionName: sticky, cookieConfig: { lifetimeType: Session } }
    - matches: [{ path: { type: PathPrefix, value: /split } }]
      backendRefs: [{ name: a, port: 8080, weight: 50 }, { name: b, port: 8080, weight: 50 }]
      sessionPersistence: { sessionName: split, cookieConfig: { lifetimeType: Session } }
    - matches: [{ path: { type: PathPrefix, value: /header } }]
      backendRefs: [{ name: a, port: 8080 }]
      sessionPersistence: { type: Header, sessionName: x-session, cookieConfig: { lifetimeType: Session } }
    - matches: [{ path: { type: PathPrefix, value: /policy } }]
      backendRefs: [{ name: c, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /plain } }]
      backendRefs: [{ name: a, port: 8080 }]
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: BackendLBPolicy
metadata: { name: c-sticky, namespace: default }
spec:
  targetRefs: [{ group: "", kind: Service, name: c }]
  # cookieConfig is needed on the v1.1 CRDs (here and in the HTTPRoute's v1.1-shape rules above, which
  # only v1.1 serves: v1.7 has no sessionName): their CEL rule reads self.cookieConfig.lifetimeType
  # unguarded, and the API server (and the file source) refuse sessionPersistence without it.
  sessionPersistence: { sessionName: c-session, cookieConfig: { lifetimeType: Session } }
`;

function cookieOf(setCookie: string[] | undefined, name: string): string | undefined {
  const c = setCookie?.find((x) => x.startsWith(`${name}=`));
  return c?.split(";")[0];
}

describeEnvoy("session persistence through a real Envoy", (envoy) => {
  const world = useGateway(envoy, {
    backends: async () => [await backend("a", { replicas: 3 }), await backend("b", { replicas: 3 }), await backend("c", { replicas: 3 })],
    listeners: HTTP_80,
    files: { "routes.yaml": ROUTES },
  });
  const get = (path: string, headers: Record<string, string> = {}) => world.dp.request(GW, { port: 80, path, host: "s.example.com", headers });
  const who = (r: { echo?: { endpoint: string } }) => r.echo?.endpoint ?? "none";

  // 30 requests over 3 endpoints without a session: all on one endpoint has chance 3·(1/3)^30.
  it("spreads requests without a session", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) seen.add(who(await get("/plain")));
    expect(seen.size).toBeGreaterThan(1);
  });

  it("keeps a cookie session on its endpoint", async () => {
    const first = await get("/cookie");
    const cookie = cookieOf(first.headers["set-cookie"], "sticky");
    expect(cookie).toBeDefined();
    for (let i = 0; i < 20; i++) expect(who(await get("/cookie", { cookie: cookie! }))).toBe(who(first));
  });

  it("keeps a cookie session on its endpoint under a 50/50 split across two Services", async () => {
    const first = await get("/split");
    const cookie = cookieOf(first.headers["set-cookie"], "split");
    expect(cookie).toBeDefined();
    // Without stickiness across the split, 20 requests would all land on one endpoint of 6 with
    // chance (1/6)^20.
    for (let i = 0; i < 20; i++) expect(who(await get("/split", { cookie: cookie! }))).toBe(who(first));
  });

  it("keeps a header session on its endpoint", async () => {
    const first = await get("/header");
    const token = first.headers["x-session"];
    expect(typeof token).toBe("string");
    for (let i = 0; i < 20; i++) expect(who(await get("/header", { "x-session": String(token) }))).toBe(who(first));
  });

  it("applies a BackendLBPolicy's cookie session to every route to its Service", async () => {
    const first = await get("/policy");
    // The policy's sessionName gets a per-rule suffix (docs/session-persistence.md).
    const cookie = first.headers["set-cookie"]?.find((x) => x.startsWith("c-session-"))?.split(";")[0];
    expect(cookie).toBeDefined();
    for (let i = 0; i < 20; i++) expect(who(await get("/policy", { cookie: cookie! }))).toBe(who(first));
  });
});

// The v1.7 shape (cookie.name, cookie.path, header.name) goes through the file source, which reads
// it once its schemas include the v1.7.0 CRDs; until then the source refuses the fields as unknown
// and this block says so instead of running.
const V17_ROUTES = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: sticky17, namespace: default }
spec:
  parentRefs: [{ name: eg }]
  hostnames: [s17.example.com]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /cookie } }]
      backendRefs: [{ name: a, port: 8080 }]
      sessionPersistence: { type: Cookie, cookie: { name: sticky17, path: /cookie } }
    - matches: [{ path: { type: PathPrefix, value: /root } }]
      backendRefs: [{ name: a, port: 8080 }]
      sessionPersistence: { type: Cookie, cookie: { name: root17 } }
    - matches: [{ path: { type: PathPrefix, value: /header } }]
      backendRefs: [{ name: a, port: 8080 }]
      sessionPersistence: { type: Header, header: { name: x-session17 } }
`;
describeEnvoyIfReadable(
  V17_ROUTES,
  "the file source does not read the v1.7.0 CRDs yet",
  "session persistence, the v1.7 shape, through a real Envoy",
  (envoy) => {
    const world = useGateway(envoy, {
      backends: async () => [await backend("a", { replicas: 3 })],
      listeners: HTTP_80,
      files: { "routes.yaml": V17_ROUTES },
    });
    const get = (path: string, headers: Record<string, string> = {}) => world.dp.request(GW, { port: 80, path, host: "s17.example.com", headers });
    const who = (r: { echo?: { endpoint: string } }) => r.echo?.endpoint ?? "none";

    it("cookie.name and cookie.path: the cookie is named and scoped as written, and holds the session", async () => {
      const first = await get("/cookie/a");
      const set = first.headers["set-cookie"]?.find((x) => x.startsWith("sticky17="));
      expect(set).toMatch(/; ?Path=\/cookie(;|$)/i);
      for (let i = 0; i < 20; i++) expect(who(await get("/cookie/a", { cookie: set!.split(";")[0]! }))).toBe(who(first));
    });

    it("cookie.path left out: Path=/", async () => {
      const set = (await get("/root")).headers["set-cookie"]?.find((x) => x.startsWith("root17="));
      expect(set).toMatch(/; ?Path=\/(;|$)/i);
    });

    it("header.name: the session travels in that header", async () => {
      const first = await get("/header");
      const token = first.headers["x-session17"];
      expect(typeof token).toBe("string");
      for (let i = 0; i < 20; i++) expect(who(await get("/header", { "x-session17": String(token) }))).toBe(who(first));
    });
  },
);
