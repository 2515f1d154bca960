// `serve --envoy`: switchyard runs and supervises one local Envoy per Gateway (no namespaces here:
// this is what a user gets on their machine), restarts it when it dies, stops it on SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { until } from "./harness.ts";
import { describeEnvoy } from "./peer.ts";

const ROOT = join(import.meta.dirname, "../..");

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: "127.0.0.1", port, path: "/", headers: { host: "local.example.com" }, agent: false }, (res) => {
      let b = "";
      res.on("data", (d: Buffer) => (b += d.toString()));
      res.on("end", () => resolve(`${res.statusCode} ${b}`));
    }).on("error", reject);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describeEnvoy("serve --envoy", (envoy) => {
  let dir: string;
  let serve: ChildProcess;
  let backend: http.Server;
  let gwPort: number;
  const log: { msg?: string; pid?: number; gateway?: string }[] = [];

  beforeAll(async () => {
    backend = http.createServer((_req, res) => res.end("hello from the backend"));
    await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
    const bport = (backend.address() as AddressInfo).port;
    gwPort = await freePort();
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
    serve = spawn(process.execPath, [join(ROOT, "src/cli/main.ts"), "serve", "--dir", dir, "--xds-port", "0", "--admin-port", "0", "--envoy", "--envoy-bin", envoy], { stdio: ["ignore", "pipe", "inherit"] });
    let buf = "";
    serve.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        try {
          log.push(JSON.parse(buf.slice(0, i)) as (typeof log)[number]);
        } catch {
          // not JSON
        }
        buf = buf.slice(i + 1);
      }
    });
  }, 30_000);

  afterAll(async () => {
    if (serve && serve.exitCode === null) serve.kill("SIGKILL");
    await new Promise<void>((r) => backend?.close(() => r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const started = () => log.filter((l) => l.msg === "local Envoy started" && l.gateway === "default/local");

  it("starts an Envoy for the Gateway that carries its traffic", { timeout: 60_000 }, async () => {
    await until("the local Envoy to serve the route", async () => ((await get(gwPort)) === "200 hello from the backend" ? true : undefined));
    expect(started()).toHaveLength(1);
  });

  it("restarts the Envoy when it dies", { timeout: 60_000 }, async () => {
    const pid = started()[0]!.pid!;
    process.kill(pid, "SIGKILL");
    await until("a second Envoy", async () => (started().length === 2 ? true : undefined));
    expect(started()[1]!.pid).not.toBe(pid);
    await until("traffic again", async () => ((await get(gwPort)) === "200 hello from the backend" ? true : undefined));
  });

  it("stops its Envoy when switchyard stops", { timeout: 30_000 }, async () => {
    const pid = started().at(-1)!.pid!;
    const exited = new Promise((r) => serve.once("exit", r));
    serve.kill("SIGTERM");
    await exited;
    expect(alive(pid)).toBe(false);
  });
});
