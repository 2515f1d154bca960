// @grpc/grpc-js-xds as the real xDS client: a channel to xds:///echo routes
// real RPCs through what our server serves to gRPC servers on 127.0.0.x.
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SnapshotCache, noValidation } from "../../src/xds/cache.ts";
import { startXdsServer, type AckEvent, type XdsServer } from "../../src/xds/server.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { createRegistry } from "../../src/observability/metrics.ts";
import { TYPE_URL, emptyResources, type XdsResources } from "../../src/api/xds.ts";
import { apiListener, edsCluster, endpoints, routeConfig } from "./fixtures.ts";
import { EchoClient, startBackend, who, type Backend } from "./backends.ts";

const KEY = "default/echo-gw";
let cache: SnapshotCache;
let server: XdsServer;
let b1: Backend;
let b2: Backend;
let channel: grpc.Client;
let xdsPort = 0;
const events: AckEvent[] = [];
const waiters: { pred: (e: AckEvent) => boolean; resolve: (e: AckEvent) => void }[] = [];

/** Resolves on the first ACK/NACK matching `pred`, among events since index `from` or future ones. */
function waitFor(pred: (e: AckEvent) => boolean, from = 0, timeoutMs = 10_000): Promise<AckEvent> {
  const seen = events.slice(from).find(pred);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no matching ACK/NACK")), timeoutMs);
    waiters.push({
      pred,
      resolve: (e) => {
        clearTimeout(timer);
        resolve(e);
      },
    });
  });
}

/** RPCs until one is answered by `want` (at most `attempts`); returns the last answer. */
async function firstAnswer(client: grpc.Client, want: string, attempts: number): Promise<string> {
  let last = "";
  for (let i = 0; i < attempts && last !== want; i++) last = await who(client);
  return last;
}

function snapshot(routes: [string, string][], backends: Record<string, Backend>, domains = ["echo"]): XdsResources {
  const r = emptyResources();
  r.listeners.push(apiListener("echo", "echo-routes"));
  r.routes.push(routeConfig("echo-routes", domains, routes));
  for (const [cluster, b] of Object.entries(backends)) {
    r.clusters.push(edsCluster(cluster));
    r.endpoints.push(endpoints(cluster, [[b.host, b.port]]));
  }
  return r;
}

function record(e: AckEvent): void {
  events.push(e);
  for (const w of [...waiters]) {
    if (w.pred(e)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(e);
    }
  }
}

beforeAll(async () => {
  b1 = await startBackend("b1", "127.0.0.2");
  b2 = await startBackend("b2", "127.0.0.3");
  const registry = createRegistry();
  // Validation is bypassed so that the NACK test can inject what Envoy's rules would refuse.
  cache = new SnapshotCache({ validate: noValidation, registry });
  server = await startXdsServer({ cache, host: "127.0.0.1", port: 0, logger: silentLogger(), registry });
  xdsPort = server.port;
  server.onAck(record);
  // The bootstrap is read when the first xds: channel resolves, once per process.
  process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify({
    xds_servers: [{ server_uri: `127.0.0.1:${server.port}`, channel_creds: [{ type: "insecure" }], server_features: ["xds_v3"] }],
    node: { id: "grpc-client-1", cluster: KEY, locality: { zone: "z" } },
  });
  const xds = await import("@grpc/grpc-js-xds");
  xds.register();
  cache.setSnapshot(KEY, snapshot([["/", "c1"]], { c1: b1 }));
  channel = new EchoClient("xds:///echo", grpc.credentials.createInsecure());
});

afterAll(async () => {
  channel?.close();
  await server?.close();
  await b1?.close();
  await b2?.close();
});

describe("grpc-js-xds client", () => {
  it("routes a real RPC through LDS -> RDS -> CDS -> EDS", async () => {
    expect(await who(channel)).toBe("b1");
    for (const typeUrl of Object.values(TYPE_URL).filter((t) => t !== TYPE_URL.secret)) {
      await waitFor((e) => e.kind === "ack" && e.typeUrl === typeUrl);
    }
    const [n] = server.nodes();
    expect(n?.nodeId).toBe("grpc-client-1");
    expect(n?.snapshotKey).toBe(KEY);
    const lds = n?.types.find((t) => t.typeUrl === TYPE_URL.listener);
    expect(lds?.subscribed).toEqual(["echo"]);
    expect(lds?.lastAckedVersion).toBe(lds?.lastSentVersion);
  });

  it("follows a route change to another cluster", async () => {
    const mark = events.length;
    const snap = cache.setSnapshot(KEY, snapshot([["/", "c2"]], { c1: b1, c2: b2 }));
    await waitFor((e) => e.kind === "ack" && e.typeUrl === TYPE_URL.route && e.version === snap.types.route.version, mark);
    // grpc-js-xds then asks for cluster c2 by name and for its endpoints; it
    // switches routes once c2 is complete (the ACK of EDS for c1 and c2).
    await waitFor((e) => e.kind === "ack" && e.typeUrl === TYPE_URL.endpoint && e.version === snap.types.endpoint.version, mark);
    expect(await firstAnswer(channel, "b2", 200)).toBe("b2");
  });

  it("records the NACK of an invalid resource with the client's message, then ACKs the correction", async () => {
    // Two wildcards in one domain: grpc-js-xds rejects the RouteConfiguration.
    let mark = events.length;
    const bad = cache.setSnapshot(KEY, snapshot([["/", "c2"]], { c1: b1, c2: b2 }, ["*.echo.*"]));
    const nack = await waitFor((e) => e.kind === "nack" && e.version === bad.types.route.version, mark);
    expect(nack.typeUrl).toBe(TYPE_URL.route);
    expect(nack.message).toBeTruthy();
    const rds = server.nodes()[0]?.types.find((t) => t.typeUrl === TYPE_URL.route);
    expect(rds?.lastNackedVersion).toBe(bad.types.route.version);
    expect(rds?.nackMessage).toBe(nack.message);
    // The client kept its last good configuration.
    expect(await who(channel)).toBe("b2");

    mark = events.length;
    const good = cache.setSnapshot(KEY, snapshot([["/", "c1"]], { c1: b1, c2: b2 }));
    await waitFor((e) => e.kind === "ack" && e.version === good.types.route.version, mark);
    const after = server.nodes()[0]?.types.find((t) => t.typeUrl === TYPE_URL.route);
    expect(after?.lastAckedVersion).toBe(good.types.route.version);
    expect(after?.nackMessage).toBeUndefined();
    // grpc-js-xds applies a route change once every cluster it names is
    // resolved, a few events after the RDS ACK: retry a bounded number of RPCs.
    expect(await firstAnswer(channel, "b1", 200)).toBe("b1");
  });

  it("serves a client that reconnects after a control-plane restart (grpc-js-xds resends its last versions)", async () => {
    await server.close();
    // The snapshot changes while the control plane is down.
    const snap = cache.setSnapshot(KEY, snapshot([["/", "c2"]], { c1: b1, c2: b2 }));
    const registry = createRegistry();
    server = await startXdsServer({ cache, host: "127.0.0.1", port: xdsPort, logger: silentLogger(), registry });
    const mark = events.length;
    server.onAck(record);
    // grpc-js-xds reconnects on its own (with backoff) and resubscribes with its last versions.
    await waitFor((e) => e.kind === "ack" && e.typeUrl === TYPE_URL.route && e.version === snap.types.route.version, mark, 20_000);
    expect(await firstAnswer(channel, "b2", 200)).toBe("b2");
  });
});
