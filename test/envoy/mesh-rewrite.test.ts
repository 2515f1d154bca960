// Mesh route tables match PathPrefix with a regex (gRPC clients lack path_separated_prefix); a
// real Envoy serving them must still replace only the prefix: `/prefix/one/two` with prefix
// `/prefix/one` -> `/one` becomes `/one/two` (a prefix_rewrite would give `/one`).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import { translate } from "../../src/translator/translate.ts";
import { loadResourceSet } from "../translator/load.ts";
import { httpGet, startEnvoy, type LiveEnvoy } from "./live.ts";
import { describeEnvoy } from "./peer.ts";
import { meshAsSocketListeners, staticConfig } from "./static-config.ts";
import { validateConfigs } from "./validate.ts";

function manifests(backendPort: number): string {
  return `
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: app}
spec: {ports: [{name: http, port: 80, targetPort: ${backendPort}}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: echo-a, namespace: app, labels: {kubernetes.io/service-name: echo}}
addressType: IPv4
ports: [{name: http, port: ${backendPort}, protocol: TCP}]
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: rw, namespace: app}
spec:
  parentRefs: [{group: "", kind: Service, name: echo, port: 80}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /prefix/one}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /one}}}]
    backendRefs: [{name: echo, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /strip-prefix/}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}]
    backendRefs: [{name: echo, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /old}}]
    filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /new/place}}}]
  - backendRefs: [{name: echo, port: 80}]
`;
}

describeEnvoy("mesh ReplacePrefixMatch in a real Envoy", (envoy) => {
  let backend: Server;
  let live: LiveEnvoy | undefined;
  let port = 0;

  beforeAll(async () => {
    // The backend answers with the path it received.
    backend = createServer((req, res) => res.end(req.url));
    await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
    const r = translate(loadResourceSet(manifests((backend.address() as AddressInfo).port)), { controllerName: DEFAULT_CONTROLLER_NAME });
    if (!r.mesh) throw new Error("no mesh snapshot");
    const config = staticConfig(meshAsSocketListeners(resourcesToJson(r.mesh)), "mesh/mesh");
    const [v] = await validateConfigs(envoy, [{ name: "mesh", config }]);
    expect(v?.reason).toBe("");
    live = await startEnvoy(envoy, config);
    port = live.ports.get("echo.app.svc.cluster.local:80") ?? 0;
  }, 60_000);

  afterAll(async () => {
    await live?.stop();
    await new Promise((r) => backend?.close(r));
  });

  it("replaces the prefix and keeps the rest of the path", async () => {
    expect(port).toBeGreaterThan(0);
    expect((await httpGet(port, "/prefix/one/two")).body).toBe("/one/two");
    expect((await httpGet(port, "/prefix/one")).body).toBe("/one");
    expect((await httpGet(port, "/prefix/one/two?q=1")).body).toBe("/one/two?q=1");
  });

  it("segment boundaries hold: /prefix/onex is not under /prefix/one", async () => {
    expect((await httpGet(port, "/prefix/onex/two")).body).toBe("/prefix/onex/two");
  });

  it("replacing with / strips the prefix", async () => {
    expect((await httpGet(port, "/strip-prefix/a/b")).body).toBe("/a/b");
    expect((await httpGet(port, "/strip-prefix")).body).toBe("/");
  });

  it("a redirect replaces only the prefix too", async () => {
    const a = await httpGet(port, "/old/x/y", "echo.app");
    expect(a.status).toBe(302);
    expect(a.headers["location"]).toMatch(/^http:\/\/echo\.app(:80)?\/new\/place\/x\/y$/);
  });
});
