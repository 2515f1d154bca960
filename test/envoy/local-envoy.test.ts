// `serve --envoy`: switchyard runs and supervises one local Envoy per Gateway (no namespaces here:
// this is what a user gets on their machine), restarts it when it dies, stops it on SIGTERM.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePorts } from "../helpers/free-ports.ts";
import { processAlive, spawnServe, type ServeProcess } from "../helpers/serve-process.ts";
import { until } from "./harness.ts";
import { describeEnvoy } from "./peer.ts";

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: "/", headers: { host: "local.example.com" }, agent: false }, (res) => {
      let b = "";
      res.on("data", (d: Buffer) => (b += d.toString()));
      res.on("end", () => resolve(`${res.statusCode} ${b}`));
    }).on("error", reject);
  });
}

describeEnvoy("serve --envoy", (envoy) => {
  let dir: string;
  let serve: ServeProcess;
  let backend: http.Server;
  let gwPort: number;

  beforeAll(async () => {
    backend = http.createServer((_req, res) => res.end("hello from the backend"));
    await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
    const bport = (backend.address() as AddressInfo).port;
    [gwPort = 0] = await freePorts(1);
    dir = mkdtempSync(join(tmpdir(), "switchyard-local-"));
    writeFileSync(
      join(dir, "all.yaml"),
      `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: switchyard }
spec: { controllerName: switchyard.dev/gateway-controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: local, namespace: default }
spec:
  gatewayClassName: switchyard
  listeners: [{ name: http, protocol: HTTP, port: ${gwPort} }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: default }
spec:
  parentRefs: [{ name: local }]
  rules: [{ backendRefs: [{ name: be, port: 80 }] }]
---
apiVersion: v1
kind: Service
metadata: { name: be, namespace: default }
spec: { ports: [{ name: http, port: 80 }] }
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: { name: be-1, namespace: default, labels: { kubernetes.io/service-name: be } }
addressType: IPv4
ports: [{ name: http, port: ${bport}, protocol: TCP }]
endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }]
`,
    );
    serve = spawnServe(["--dir", dir, "--xds-port", "0", "--admin-port", "0", "--envoy", "--envoy-bin", envoy]);
    await serve.serving;
  }, 30_000);

  afterAll(async () => {
    if (serve && serve.proc.exitCode === null) serve.proc.kill("SIGKILL");
    await new Promise<void>((r) => backend?.close(() => r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const started = () => serve.entries.filter((l) => l.msg === "local Envoy started" && l["gateway"] === "default/local").map((l) => ({ pid: Number(l["pid"]) }));

  it("starts an Envoy for the Gateway that carries its traffic", { timeout: 60_000 }, async () => {
    await until("the local Envoy to serve the route", async () => ((await get(gwPort)) === "200 hello from the backend" ? true : undefined));
    expect(started()).toHaveLength(1);
  });

  it("restarts the Envoy when it dies", { timeout: 60_000 }, async () => {
    const pid = started()[0]!.pid;
    process.kill(pid, "SIGKILL");
    await until("a second Envoy", async () => (started().length === 2 ? true : undefined));
    expect(started()[1]!.pid).not.toBe(pid);
    await until("traffic again", async () => ((await get(gwPort)) === "200 hello from the backend" ? true : undefined));
  });

  it("stops its Envoy when switchyard stops", { timeout: 30_000 }, async () => {
    const pid = started().at(-1)!.pid;
    const exited = new Promise((r) => serve.proc.once("exit", r));
    serve.proc.kill("SIGTERM");
    await exited;
    expect(processAlive(pid)).toBe(false);
  });
});
