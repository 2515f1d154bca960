// HTTPRoute retry (Standard in v1.7) through a real Envoy: `attempts` defaults to 1 and 0 disables
// retries, `codes` picks what is retried, and connection errors are retried without any code
// (HTTPRouteRetryConnectionError). The echo records every attempt it answers, so the tests count
// attempts instead of timing them.
import net from "node:net";
import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { HOST_IP } from "./netns.ts";
import { describeEnvoyIfReadable } from "./file-source-reads.ts";
import { describeEnvoy } from "./peer.ts";
import { GW, HTTP_80, useGateway } from "./suite.ts";
import { backend, type Backend } from "./world.ts";

const ROUTES = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: retries, namespace: default }
spec:
  parentRefs: [{ name: eg }]
  hostnames: [r.example.com]
  rules:
    - matches: [{ headers: [{ name: x-retry, value: default }] }]
      retry: { codes: [500] }
      backendRefs: [{ name: web, port: 8080 }]
    - matches: [{ headers: [{ name: x-retry, value: two }] }]
      retry: { codes: [500], attempts: 2, backoff: 10ms }
      backendRefs: [{ name: web, port: 8080 }]
    - matches: [{ path: { type: PathPrefix, value: /flaky } }]
      retry: { attempts: 3 }
      backendRefs: [{ name: flaky, port: 8080 }]
`;

/** A port on HOST_IP that nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, HOST_IP, r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Service `flaky`: one healthy echo and one endpoint that refuses connections. */
async function flaky(): Promise<Backend> {
  const good = await backend("flaky");
  const dead = await closedPort();
  const yaml = `${good.yaml}---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: flaky-dead, namespace: default, labels: { kubernetes.io/service-name: flaky } }
addressType: IPv4
ports: [{ name: main, port: ${dead}, protocol: TCP }]
endpoints: [{ addresses: ["${HOST_IP}"], conditions: { ready: true } }]
`;
  return { ...good, yaml };
}

describeEnvoy("HTTPRoute retry through a real Envoy", (envoy) => {
  const world = useGateway(envoy, {
    backends: async () => [await backend("web"), await flaky()],
    listeners: HTTP_80,
    files: { "routes.yaml": ROUTES },
  });
  let n = 0;
  /** A request with a path no other request uses, and how many attempts the echo answered for it. */
  const send = async (path: string, retry?: string) => {
    const p = `${path}?n=${++n}`;
    const r = await world.dp.request(GW, { port: 80, path: p, host: "r.example.com", headers: retry ? { "x-retry": retry } : {} });
    const web = world.backends[0]!.echoes[0]!;
    return { status: r.status, attempts: web.seen.filter((s) => s.path === p).length };
  };

  it("attempts left out means one retry: a 500 answered once is retried, one answered twice reaches the client", async () => {
    expect(await send("/fail-once/a", "default")).toEqual({ status: 200, attempts: 2 });
    expect(await send("/status/500", "default")).toEqual({ status: 500, attempts: 2 });
  });

  it("attempts 2 with a backoff: the initial request and two retries, only for the listed codes", async () => {
    expect(await send("/status/500", "two")).toEqual({ status: 500, attempts: 3 });
    expect(await send("/status/503", "two")).toEqual({ status: 503, attempts: 1 });
  });

  it("retries connection errors without any code: every request reaches the healthy endpoint", async () => {
    for (let i = 0; i < 10; i++) {
      const r = await world.dp.request(GW, { port: 80, path: `/flaky/${i}`, host: "r.example.com" });
      expect(r.status).toBe(200);
      expect(r.echo?.service).toBe("flaky");
    }
  });
});

// `attempts: 0` is valid from the v1.7.0 CRDs on (v1.6.1 says minimum 1): this block runs once the
// file source reads them.
const OFF_ROUTE = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: retries-off, namespace: default }
spec:
  parentRefs: [{ name: eg }]
  hostnames: [off.example.com]
  rules:
    - retry: { codes: [500, 502, 503, 504], attempts: 0 }
      backendRefs: [{ name: web, port: 8080 }]
`;

describeEnvoyIfReadable(OFF_ROUTE, "the file source does not read the v1.7.0 CRDs yet", "HTTPRoute retry attempts 0 through a real Envoy", (envoy) => {
  const world = useGateway(envoy, {
    backends: async () => [await backend("web")],
    listeners: HTTP_80,
    files: { "routes.yaml": OFF_ROUTE },
  });
  let n = 0;
  const send = async (path: string) => {
    const p = `${path}?n=${++n}`;
    const r = await world.dp.request(GW, { port: 80, path: p, host: "off.example.com" });
    return { status: r.status, attempts: world.backends[0]!.echoes[0]!.seen.filter((s) => s.path === p).length };
  };

  it("attempts 0 disables retries, whatever the codes", async () => {
    expect(await send("/status/500")).toEqual({ status: 500, attempts: 1 });
    expect(await send("/status/503")).toEqual({ status: 503, attempts: 1 });
    expect(await send("/fail-once/b")).toEqual({ status: 500, attempts: 1 });
  });
});
