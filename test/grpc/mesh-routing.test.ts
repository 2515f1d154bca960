// GAMMA end to end: translate() -> switchyard's real xDS server (SnapshotCache
// with Envoy's validate.rules + startXdsServer) serving the mesh snapshot ->
// @grpc/grpc-js-xds clients dialing xds:///<svc>.<ns>.svc.cluster.local:<port>
// -> real gRPC servers on 127.0.0.x as the Services' endpoints. Which backend
// answers proves that routes with a Service parent match and split as written.
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { K8sObject } from "../../src/api/meta.ts";
import { buildResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { MESH_SNAPSHOT_KEY, TYPE_URL, type XdsResources } from "../../src/api/xds.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { createRegistry } from "../../src/observability/metrics.ts";
import { translate } from "../../src/translator/translate.ts";
import { SnapshotCache } from "../../src/xds/cache.ts";
import { startXdsServer, type AckEvent, type XdsServer } from "../../src/xds/server.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { startBackend, stopBackend, type Backend } from "./harness.ts";

const NS = "mesh";
const CLIENT_NS = "client";
const PORT = 9000;
const PATHS = ["/test.Echo/One", "/test.Echo/Two", "/test.Echo/Split", "/test.Web/V1", "/test.Web/Other", "/test.WebOther/X"];
const BACKENDS: [string, string][] = [
  ["v1", "127.0.0.2"],
  ["v2", "127.0.0.3"],
  ["echo", "127.0.0.4"],
  ["plain", "127.0.0.5"],
  ["web", "127.0.0.6"],
];
const target = (svc: string): string => `xds:///${svc}.${NS}.svc.cluster.local:${PORT}`;

/** A Service named like its backend, whose one port 9000 targets that backend's real port. */
function service(b: Backend): K8sObject[] {
  return [
    { apiVersion: "v1", kind: "Service", metadata: { name: b.name, namespace: NS }, spec: { ports: [{ name: "grpc", port: PORT, targetPort: b.port, appProtocol: "grpc" }] } } as K8sObject,
    {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: `${b.name}-1`, namespace: NS, labels: { "kubernetes.io/service-name": b.name } },
      addressType: "IPv4",
      ports: [{ name: "grpc", port: b.port, protocol: "TCP" }],
      endpoints: [{ addresses: [b.host], conditions: { ready: true }, zone: "z1" }],
    } as K8sObject,
  ];
}

const svcParent = (name: string, namespace?: string) => ({ group: "", kind: "Service", name, port: PORT, ...(namespace ? { namespace } : {}) });

function routes(oneTo = "v1"): K8sObject[] {
  return [
    // Producer GRPCRoute on `echo`: method, header and a 50/50 split; anything else to echo itself.
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "GRPCRoute",
      metadata: { name: "echo", namespace: NS, generation: 1 },
      spec: {
        parentRefs: [svcParent("echo")],
        rules: [
          { matches: [{ method: { service: "test.Echo", method: "One" } }], backendRefs: [{ name: oneTo, port: PORT }] },
          { matches: [{ method: { service: "test.Echo", method: "Two" }, headers: [{ name: "x-version", value: "v2" }] }], backendRefs: [{ name: "v2", port: PORT }] },
          {
            matches: [{ method: { service: "test.Echo", method: "Split" } }],
            backendRefs: [
              { name: "v1", port: PORT, weight: 50 },
              { name: "v2", port: PORT, weight: 50 },
            ],
          },
          // A rule whose only backend does not exist: its calls fail, the other rules keep working.
          { matches: [{ method: { service: "test.Echo", method: "Gone" } }], backendRefs: [{ name: "gone", port: PORT }] },
          { backendRefs: [{ name: "echo", port: PORT }] },
        ],
      },
    } as K8sObject,
    // Producer HTTPRoute on `web`: Exact beats PathPrefix; the prefix matches whole segments only.
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "web", namespace: NS, generation: 1 },
      spec: {
        parentRefs: [svcParent("web")],
        rules: [
          // The rewrite becomes a regex_rewrite in mesh tables; gRPC clients ignore it but must accept the table.
          {
            matches: [{ path: { type: "PathPrefix", value: "/test.Web" } }],
            filters: [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/test.Web" } } }],
            backendRefs: [{ name: "v2", port: PORT }],
          },
          // CORS means nothing to gRPC; its per-route config must not make the client reject the table.
          {
            matches: [{ path: { type: "Exact", value: "/test.Web/V1" } }],
            filters: [{ type: "CORS", cors: { allowOrigins: ["https://app.example"] } }],
            backendRefs: [{ name: "v1", port: PORT }],
          },
        ],
      },
    } as K8sObject,
    // Consumer route from namespace `client`: its clients send everything for `echo` to v2.
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "echo-to-v2", namespace: CLIENT_NS, generation: 1 },
      spec: { parentRefs: [svcParent("echo", NS)], rules: [{ backendRefs: [{ name: "v2", namespace: NS, port: PORT }] }] },
    } as K8sObject,
  ];
}

let backends: Backend[] = [];
let server: XdsServer;
let cache: SnapshotCache;
let mesh: XdsResources;
const acks: AckEvent[] = [];
const ackWaiters: { pred: (e: AckEvent) => boolean; resolve: () => void }[] = [];

/** Resolves on the first ACK matching `pred` (past or future); bounded by the test timeout. */
function ackOf(pred: (e: AckEvent) => boolean): Promise<void> {
  if (acks.some(pred)) return Promise.resolve();
  return new Promise((resolve) => ackWaiters.push({ pred, resolve }));
}
const clients: grpc.Client[] = [];

/** A grpc-js-xds channel with its own bootstrap: node.cluster selects the mesh snapshot. */
function meshClient(svc: string, clientNamespace?: string): grpc.Client {
  const bootstrap: Record<string, unknown> = {
    xds_servers: [{ server_uri: `127.0.0.1:${server.port}`, channel_creds: [{ type: "insecure" }], server_features: ["xds_v3"] }],
    node: { id: `mesh-client-${clientNamespace ?? "any"}`, cluster: MESH_SNAPSHOT_KEY, locality: { zone: "z1" }, metadata: { NAMESPACE: clientNamespace ?? "other" } },
  };
  // A client in a namespace with consumer routes reads that namespace's view (docs/mesh.md).
  if (clientNamespace) bootstrap.client_default_listener_resource_name_template = `mesh/ns/${clientNamespace}/%s`;
  const c = new grpc.Client(target(svc), grpc.credentials.createInsecure(), {
    "grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config": JSON.stringify(bootstrap),
  });
  clients.push(c);
  return c;
}

const identity = (b: Buffer): Buffer => b;

function call(c: grpc.Client, path: string, headers: Record<string, string> = {}, timeoutMs = 10_000, waitForReady = true): Promise<string> {
  // waitForReady: queue while the xDS config is still arriving instead of failing fast.
  const md = new grpc.Metadata({ waitForReady });
  for (const [k, v] of Object.entries(headers)) md.set(k, v);
  return new Promise((resolve, reject) => {
    c.makeUnaryRequest<Buffer, Buffer>(path, identity, identity, Buffer.alloc(0), md, { deadline: Date.now() + timeoutMs }, (err, res) =>
      err ? reject(err) : resolve(res?.toString() ?? ""),
    );
  });
}

/** For a channel whose config has arrived (an earlier call succeeded): fail fast instead of waiting. */
async function failureCode(c: grpc.Client, path: string): Promise<grpc.status | undefined> {
  try {
    await call(c, path, {}, 5_000, false);
    return undefined;
  } catch (e) {
    return (e as grpc.ServiceError).code;
  }
}

beforeAll(async () => {
  backends = await Promise.all(BACKENDS.map(([name, host]) => startBackend(name, host, PATHS)));
  const rs = buildResourceSet([...backends.flatMap(service), ...routes()]);
  const result = translate(rs, { controllerName: DEFAULT_CONTROLLER_NAME });
  if (!result.mesh) throw new Error("translate() produced no mesh snapshot");
  mesh = result.mesh;
  const registry = createRegistry();
  cache = new SnapshotCache({ registry }); // the real validation (Envoy's validate.rules)
  server = await startXdsServer({ cache, host: "127.0.0.1", port: 0, logger: silentLogger(), registry });
  server.onAck((e) => {
    acks.push(e);
    for (const w of [...ackWaiters]) {
      if (!w.pred(e)) continue;
      ackWaiters.splice(ackWaiters.indexOf(w), 1);
      w.resolve();
    }
  });
  cache.setSnapshot(MESH_SNAPSHOT_KEY, mesh);
  const xds = await import("@grpc/grpc-js-xds");
  xds.register();
});

afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
  for (const b of backends) stopBackend(b);
});

describe("GAMMA mesh routing with grpc-js-xds", () => {
  it("serves a mesh snapshot that passes Envoy's validate.rules", () => {
    expect(validateResources(mesh).failures).toEqual([]);
    expect(mesh.listeners.map((l) => l.name)).toContain(`plain.${NS}.svc.cluster.local:${PORT}`);
  });

  it("a Service with no route: the target reaches the Service's own endpoints", async () => {
    const c = meshClient("plain");
    expect(await call(c, "/test.Echo/One")).toBe("plain");
    // The client ACKed every type it was sent, so nothing was NACKed on the way.
    expect(acks.filter((e) => e.kind === "nack")).toEqual([]);
    expect(acks.some((e) => e.kind === "ack" && e.typeUrl === TYPE_URL.listener)).toBe(true);
  });

  it("GRPCRoute with a Service parent: exact method, header match, the rule without matches, a rule without backends", async () => {
    const c = meshClient("echo");
    expect(await call(c, "/test.Echo/One")).toBe("v1");
    expect(await call(c, "/test.Echo/Two", { "x-version": "v2" })).toBe("v2");
    expect(await call(c, "/test.Echo/Two")).toBe("echo");
    expect(await failureCode(c, "/test.Echo/Gone")).toBe(grpc.status.UNAVAILABLE);
    expect(await call(c, "/test.Echo/One")).toBe("v1");
  });

  it("GRPCRoute with a Service parent: a 50/50 weight split reaches both versions", async () => {
    const c = meshClient("echo");
    const counts = new Map<string, number>();
    const N = 200;
    for (let i = 0; i < N; i++) {
      const who = await call(c, "/test.Echo/Split");
      counts.set(who, (counts.get(who) ?? 0) + 1);
    }
    // Binomial(200, 0.5): sd ≈ 7.1; [60, 140] is ±5.6 sd, a false failure has odds below 1e-7.
    expect([...counts.keys()].sort()).toEqual(["v1", "v2"]);
    expect(counts.get("v1")).toBeGreaterThanOrEqual(60);
    expect(counts.get("v1")).toBeLessThanOrEqual(140);
  });

  it("HTTPRoute with a Service parent: Exact beats PathPrefix, the prefix matches whole segments only, CORS and the rewrite are ignored", async () => {
    const rewrites = mesh.routes.flatMap((rc) => rc.virtualHosts.flatMap((vh) => vh.routes.map((r) => (r.action.case === "route" ? r.action.value.regexRewrite?.pattern?.regex : undefined))));
    expect(rewrites).toContain("^/test\\.Web");
    const c = meshClient("web");
    expect(await call(c, "/test.Web/V1")).toBe("v1");
    expect(await call(c, "/test.Web/Other")).toBe("v2");
    // The route replaces the Service's implicit routing (GEP-1426): no match, no backend.
    expect(await failureCode(c, "/test.WebOther/X")).toBe(grpc.status.UNAVAILABLE);
    expect(backends.find((b) => b.name === "web")?.calls).toEqual([]);
  });

  it("a consumer route applies to clients of its namespace only", async () => {
    const consumer = meshClient("echo", CLIENT_NS);
    expect(await call(consumer, "/test.Echo/One")).toBe("v2");
    // Same Service from a client elsewhere: the producer route still sends One to v1.
    const producer = meshClient("echo");
    expect(await call(producer, "/test.Echo/One")).toBe("v1");
    // Services without consumer routes look the same from the consumer namespace.
    expect(await call(meshClient("plain", CLIENT_NS), "/test.Echo/One")).toBe("plain");
  });

  it("a route change reaches connected clients over RDS alone", async () => {
    const c = meshClient("echo");
    expect(await call(c, "/test.Echo/One")).toBe("v1");
    const before = cache.getSnapshot(MESH_SNAPSHOT_KEY);
    const next = translate(buildResourceSet([...backends.flatMap(service), ...routes("v2")]), { controllerName: DEFAULT_CONTROLLER_NAME });
    if (!next.mesh) throw new Error("no mesh snapshot");
    const mark = acks.length;
    const snap = cache.setSnapshot(MESH_SNAPSHOT_KEY, next.mesh);
    // Only the route table changed: listeners, clusters and endpoints keep their versions.
    expect(snap.types.listener.version).toBe(before?.types.listener.version);
    expect(snap.types.cluster.version).toBe(before?.types.cluster.version);
    expect(snap.types.route.version).not.toBe(before?.types.route.version);
    // A stream's version covers the resources it subscribed to, so wait for any route ACK after the change.
    await ackOf((e) => acks.indexOf(e) >= mark && e.kind === "ack" && e.typeUrl === TYPE_URL.route);
    let last = "";
    for (let i = 0; i < 50 && last !== "v2"; i++) last = await call(c, "/test.Echo/One");
    expect(last).toBe("v2");
  });
});
