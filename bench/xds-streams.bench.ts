// 1,000 concurrent ADS streams on loopback.
//  - change -> all ACKed: one route of a Gateway's RouteConfiguration changes;
//    time from setSnapshot until every stream has ACKed the new RDS version.
//  - memory per idle stream: the server process's RSS (after GC) with all
//    streams connected and in sync, minus its RSS before they connected.
// The server runs in a child process so that the clients' memory and CPU are
// not counted in its RSS; the clients (one connection each, like Envoys)
// run here and ACK every response, as Envoy does.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { fork } from "node:child_process";
import { NodeSchema } from "../src/gen/envoy/config/core/v3/base_pb.js";
import { DeltaDiscoveryRequestSchema, DeltaDiscoveryResponseSchema, DiscoveryRequestSchema, DiscoveryResponseSchema } from "../src/gen/envoy/service/discovery/v3/discovery_pb.js";
import { TYPE_URL, emptyResources, type XdsResources } from "../src/api/xds.ts";
import { SnapshotCache } from "../src/xds/cache.ts";
import { startXdsServer } from "../src/xds/server.ts";
import { silentLogger } from "../src/observability/log.ts";
import { createRegistry } from "../src/observability/metrics.ts";
import { apiListener, edsCluster, endpoints, routeConfig } from "../test/xds/fixtures.ts";
import { RAW_ADS, RawAdsClient } from "../test/xds/raw-ads.ts";
import { responseHeader } from "../test/xds/wire-peek.ts";

const STREAMS = Number(process.env.XDS_BENCH_STREAMS ?? 1000);
const ROUNDS = Number(process.env.XDS_BENCH_ROUNDS ?? 15);
/** Client connections; streams are spread over them. Default: one each, as Envoys have. */
const CONNECTIONS = Math.min(STREAMS, Number(process.env.XDS_BENCH_CONNECTIONS ?? STREAMS));
const KEY = "bench/gw";
/** `sotw` (default) or `delta`. */
const PROTOCOL = process.env.XDS_BENCH_PROTOCOL ?? "sotw";
const ROUTES = Number(process.env.XDS_BENCH_ROUTES ?? 50);

/** A Gateway-sized snapshot: one listener, one route config of ROUTES routes, ROUTES clusters. */
function gateway(round: number): XdsResources {
  const r = emptyResources();
  r.listeners.push(apiListener("gw", "gw-routes"));
  const routes: [string, string][] = [];
  for (let i = 0; i < ROUTES; i++) routes.push([i === 0 ? `/changed-${round}` : `/svc-${i}`, `svc-${i}`]);
  r.routes.push(routeConfig("gw-routes", ["*"], routes));
  for (let i = 0; i < ROUTES; i++) {
    r.clusters.push(edsCluster(`svc-${i}`));
    r.endpoints.push(endpoints(`svc-${i}`, [["10.0.0.1", 8000 + i]]));
  }
  return r;
}

type ToServer = { cmd: "set"; round: number } | { cmd: "rss" } | { cmd: "wait"; typeUrl: string; count: number };
type Mem = { rss: number; heap: number; heapTotal: number; external: number };
type FromServer = { port: number } | Mem | { version: string } | { allAckedMs: number; allSentMs: number };

// ---- baseline: bare grpc-js streams, to tell its memory from ours ----
async function baselineMain(): Promise<void> {
  const server = new grpc.Server();
  const calls = new Set<grpc.ServerDuplexStream<Buffer, Buffer>>();
  // Each stream answers each first request (no response_nonce) once, with an empty response.
  const bare =
    (request: (b: Buffer) => { responseNonce: string; typeUrl: string }, emptyResponse: (typeUrl: string) => Uint8Array) =>
    (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
      calls.add(call);
      call.on("data", (b: Buffer) => {
        const req = request(b);
        if (req.responseNonce === "") call.write(Buffer.from(emptyResponse(req.typeUrl)));
      });
      call.on("end", () => call.end());
    };
  server.addService(RAW_ADS, {
    streamAggregatedResources: bare(
      (b) => fromBinary(DiscoveryRequestSchema, b),
      (typeUrl) => toBinary(DiscoveryResponseSchema, create(DiscoveryResponseSchema, { typeUrl, nonce: "1" })),
    ),
    // The same for Delta streams (XDS_BENCH_PROTOCOL=delta).
    deltaAggregatedResources: bare(
      (b) => fromBinary(DeltaDiscoveryRequestSchema, b),
      (typeUrl) => toBinary(DeltaDiscoveryResponseSchema, create(DeltaDiscoveryResponseSchema, { typeUrl, nonce: "1" })),
    ),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  process.on("message", () => {
    globalThis.gc?.();
    const mu = process.memoryUsage();
    process.send?.({ rss: mu.rss, heap: mu.heapUsed, heapTotal: mu.heapTotal, external: mu.external } satisfies FromServer);
  });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ port } satisfies FromServer);
}

// ---- server side (child process) ----
async function serverMain(): Promise<void> {
  const registry = createRegistry();
  const cache = new SnapshotCache({ registry });
  const server = await startXdsServer({ cache, host: "127.0.0.1", port: 0, logger: silentLogger(), registry });
  let version = "";
  let t0 = 0;
  let waiting: { typeUrl: string; count: number; seen: number; lastSent: number } | undefined;
  server.onAck((e) => {
    if (!waiting || e.kind !== "ack" || e.typeUrl !== waiting.typeUrl || e.version !== version) return;
    const now = performance.now();
    // When this stream's response was written: the ACK time minus its push-to-ACK latency.
    waiting.lastSent = Math.max(waiting.lastSent, now - e.latencyMs);
    if (++waiting.seen === waiting.count) {
      process.send?.({ allAckedMs: now - t0, allSentMs: waiting.lastSent - t0 } satisfies FromServer);
      waiting = undefined;
    }
  });
  process.on("message", (m: ToServer) => {
    if (m.cmd === "set") {
      const res = gateway(m.round);
      t0 = performance.now();
      const snap = cache.setSnapshot(KEY, res);
      version = snap.types.route.version;
      process.send?.({ version } satisfies FromServer);
    } else if (m.cmd === "wait") {
      waiting = { typeUrl: m.typeUrl, count: m.count, seen: 0, lastSent: 0 };
    } else {
      globalThis.gc?.();
      const mu = process.memoryUsage();
      process.send?.({ rss: mu.rss, heap: mu.heapUsed, heapTotal: mu.heapTotal, external: mu.external } satisfies FromServer);
    }
  });
  process.on("disconnect", () => void server.close().then(() => process.exit(0)));
  process.send?.({ port: server.port } satisfies FromServer);
}

// ---- client side (this process) ----
/** An Envoy-like client: wildcard CDS/LDS, named EDS/RDS, ACKs everything. Resolves when RDS first arrives. */
function envoyLike(client: RawAdsClient, id: number): Promise<void> {
  const delta = PROTOCOL === "delta";
  const call = delta ? client.delta() : client.sotw();
  const edsNames = Array.from({ length: ROUTES }, (_, i) => `svc-${i}`);
  const namesFor: Record<string, string[]> = {
    [TYPE_URL.cluster]: [],
    [TYPE_URL.endpoint]: edsNames,
    [TYPE_URL.listener]: [],
    [TYPE_URL.route]: ["gw-routes"],
  };
  const node = create(NodeSchema, { id: `envoy-${id}`, cluster: KEY });
  const sotw = (typeUrl: string, versionInfo: string, responseNonce: string, first: boolean) =>
    toBinary(
      DiscoveryRequestSchema,
      create(DiscoveryRequestSchema, {
        typeUrl,
        versionInfo,
        responseNonce,
        resourceNames: namesFor[typeUrl] ?? [],
        node: first ? node : undefined,
      }),
    );
  // Delta: subscribe once; later requests only ACK.
  const incremental = (typeUrl: string, responseNonce: string, first: boolean) =>
    toBinary(
      DeltaDiscoveryRequestSchema,
      create(DeltaDiscoveryRequestSchema, {
        typeUrl,
        responseNonce,
        resourceNamesSubscribe: responseNonce === "" ? (namesFor[typeUrl] ?? []) : [],
        node: first ? node : undefined,
      }),
    );
  const send = (typeUrl: string, versionInfo = "", responseNonce = "", first = false) =>
    call.write(Buffer.from(delta ? incremental(typeUrl, responseNonce, first) : sotw(typeUrl, versionInfo, responseNonce, first)));
  return new Promise((resolve, reject) => {
    let synced = false;
    call.on("data", (b: Buffer) => {
      // version_info/system_version_info, type_url and nonce have the same field numbers in both protocols.
      const res = responseHeader(b);
      send(res.typeUrl, res.versionInfo, res.nonce);
      if (res.typeUrl === TYPE_URL.route && !synced) {
        synced = true;
        resolve();
      }
    });
    call.on("error", (e: Error) => (synced ? undefined : reject(e)));
    send(TYPE_URL.cluster, "", "", true);
    send(TYPE_URL.endpoint);
    send(TYPE_URL.listener);
    send(TYPE_URL.route);
  });
}

/** The same clients against bare grpc-js streams: memory only. */
async function baseline(): Promise<void> {
  const child = fork(import.meta.filename, ["--baseline-server"], { execArgv: ["--expose-gc"], stdio: "inherit" });
  const next = () => new Promise<FromServer>((resolve) => child.once("message", resolve));
  const { port } = (await next()) as { port: number };
  child.send({ cmd: "rss" });
  const before = (await next()) as Mem;
  const clients: RawAdsClient[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    clients.push(new RawAdsClient(`127.0.0.1:${port}`, { "grpc.use_local_subchannel_pool": 1 }));
  }
  await Promise.all(Array.from({ length: STREAMS }, (_, i) => envoyLike(clients[i % CONNECTIONS]!, i)));
  child.send({ cmd: "rss" });
  const after = (await next()) as Mem;
  const per = (k: keyof Mem) => ((after[k] - before[k]) / STREAMS / 1024).toFixed(1);
  console.log(
    `baseline (bare grpc-js streams, no xDS state): RSS ${per("rss")} KiB, JS heap ${per("heap")} KiB used / ${per("heapTotal")} KiB committed, external ${per("external")} KiB per stream`,
  );
  for (const c of clients) c.close();
  child.disconnect();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function main(): Promise<void> {
  const child = fork(import.meta.filename, ["--server"], { execArgv: ["--expose-gc", ...(process.env.XDS_BENCH_SERVER_FLAGS?.split(" ").filter(Boolean) ?? [])], stdio: "inherit" });
  const inbox: FromServer[] = [];
  const waiters: ((m: FromServer) => void)[] = [];
  child.on("message", (m: FromServer) => {
    const w = waiters.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  const recv = () => new Promise<FromServer>((resolve) => (inbox.length ? resolve(inbox.shift()!) : waiters.push(resolve)));
  const ask = async <T extends FromServer>(m: ToServer): Promise<T> => {
    child.send(m);
    return (await recv()) as T;
  };

  const { port } = (await recv()) as { port: number };
  await ask({ cmd: "set", round: 0 });
  const before = await ask<Mem>({ cmd: "rss" });

  const clients: RawAdsClient[] = [];
  const synced: Promise<void>[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    // A local subchannel pool gives each client its own connection.
    clients.push(new RawAdsClient(`127.0.0.1:${port}`, { "grpc.use_local_subchannel_pool": 1 }));
  }
  for (let i = 0; i < STREAMS; i++) synced.push(envoyLike(clients[i % CONNECTIONS]!, i));
  const tConnect = performance.now();
  await Promise.all(synced);
  const connectMs = performance.now() - tConnect;
  const after = await ask<Mem>({ cmd: "rss" });

  const times: number[] = [];
  const sentTimes: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    child.send({ cmd: "wait", typeUrl: TYPE_URL.route, count: STREAMS } satisfies ToServer);
    await ask({ cmd: "set", round });
    const { allAckedMs, allSentMs } = (await recv()) as { allAckedMs: number; allSentMs: number };
    times.push(allAckedMs);
    sentTimes.push(allSentMs);
  }
  const rssPerStream = (after.rss - before.rss) / STREAMS / 1024;
  const heapPerStream = (after.heap - before.heap) / STREAMS / 1024;
  const externalPerStream = (after.external - before.external) / STREAMS / 1024;
  console.log(`${PROTOCOL} streams: ${STREAMS} over ${CONNECTIONS} connections; initial sync of all: ${connectMs.toFixed(0)} ms`);
  console.log(
    `one-route change -> all ${STREAMS} ACKed: median ${median(times).toFixed(1)} ms, min ${Math.min(...times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (${ROUNDS} rounds)`,
  );
  console.log(`  of which the server had written all ${STREAMS} responses after: median ${median(sentTimes).toFixed(1)} ms`);
  const heapTotalPerStream = (after.heapTotal - before.heapTotal) / STREAMS / 1024;
  console.log(
    `server memory per idle stream: RSS ${rssPerStream.toFixed(1)} KiB, JS heap ${heapPerStream.toFixed(1)} KiB used / ${heapTotalPerStream.toFixed(1)} KiB committed, external ${externalPerStream.toFixed(1)} KiB`,
  );
  for (const c of clients) c.close();
  child.disconnect();
}

if (process.argv.includes("--server")) await serverMain();
else if (process.argv.includes("--baseline-server")) await baselineMain();
else {
  await main();
  if (process.env.XDS_BENCH_BASELINE) await baseline();
}
