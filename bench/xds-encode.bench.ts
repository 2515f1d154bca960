// A 10,000-route snapshot: validation, encoding, and the push of a one-route
// change to 10 ADS streams on loopback (each ACKs, like Envoy).
import { create, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { NodeSchema } from "../src/gen/envoy/config/core/v3/base_pb.js";
import { RouteConfigurationSchema } from "../src/gen/envoy/config/route/v3/route_pb.js";
import { RouteSchema, RouteActionSchema, RouteMatchSchema, VirtualHostSchema } from "../src/gen/envoy/config/route/v3/route_components_pb.js";
import { AggregatedDiscoveryService } from "../src/gen/envoy/service/discovery/v3/ads_pb.js";
import { DiscoveryRequestSchema } from "../src/gen/envoy/service/discovery/v3/discovery_pb.js";
import { TYPE_URL, emptyResources, type XdsResources } from "../src/api/xds.ts";
import { SnapshotCache, noValidation } from "../src/xds/cache.ts";
import { validateResources } from "../src/xds/validate/index.ts";
import { serviceDefinition } from "../src/xds/grpc-services.ts";
import { startXdsServer } from "../src/xds/server.ts";
import { silentLogger } from "../src/observability/log.ts";
import { createRegistry } from "../src/observability/metrics.ts";
import { apiListener, edsCluster, endpoints } from "../test/xds/fixtures.ts";
import { responseHeader } from "../test/xds/wire-peek.ts";

const ROUTES = 10_000;
const HOSTS = 100;
const CLUSTERS = 1_000;
const STREAMS = 10;
const ROUNDS = Number(process.env.XDS_BENCH_ROUNDS ?? 9);
const KEY = "bench/big";

/** 100 virtual hosts x 100 routes, over 1,000 clusters; `round` changes one route. */
function bigSnapshot(round: number): XdsResources {
  const r = emptyResources();
  r.listeners.push(apiListener("big", "big-routes"));
  const virtualHosts = [];
  for (let h = 0; h < HOSTS; h++) {
    const routes = [];
    for (let i = 0; i < ROUTES / HOSTS; i++) {
      const n = h * (ROUTES / HOSTS) + i;
      const prefix = n === 0 ? `/changed/${round}` : `/app-${h}/path-${i}`;
      routes.push(
        create(RouteSchema, {
          name: `route-${n}`,
          match: create(RouteMatchSchema, { pathSpecifier: { case: "prefix", value: prefix } }),
          action: {
            case: "route",
            value: create(RouteActionSchema, { clusterSpecifier: { case: "cluster", value: `svc-${n % CLUSTERS}` } }),
          },
        }),
      );
    }
    virtualHosts.push(create(VirtualHostSchema, { name: `host-${h}`, domains: [`host-${h}.example.com`], routes }));
  }
  r.routes.push(create(RouteConfigurationSchema, { name: "big-routes", virtualHosts }));
  for (let i = 0; i < CLUSTERS; i++) {
    r.clusters.push(edsCluster(`svc-${i}`));
    r.endpoints.push(endpoints(`svc-${i}`, [["10.0.0.1", 8000 + (i % 1000)]]));
  }
  return r;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function time(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

// Clients read responses as raw bytes and parse only what an ACK needs.
const Ads = grpc.makeGenericClientConstructor(
  { ...serviceDefinition(AggregatedDiscoveryService), streamAggregatedResources: { ...serviceDefinition(AggregatedDiscoveryService).streamAggregatedResources!, responseDeserialize: (b: Buffer) => b } },
  "ADS",
);

/** A client that subscribes to the big RouteConfiguration and ACKs every response. */
function rdsClient(port: number, id: number): grpc.ClientDuplexStream<unknown, Buffer> {
  const client = new Ads(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.use_local_subchannel_pool": 1,
    "grpc.max_receive_message_length": -1,
  });
  const call = (client as unknown as { streamAggregatedResources(): grpc.ClientDuplexStream<unknown, Buffer> }).streamAggregatedResources();
  call.on("error", () => {});
  call.on("data", (b: Buffer) => {
    const res = responseHeader(b);
    call.write(create(DiscoveryRequestSchema, { typeUrl: res.typeUrl, versionInfo: res.versionInfo, responseNonce: res.nonce, resourceNames: ["big-routes"] }));
  });
  call.write(
    create(DiscoveryRequestSchema, {
      typeUrl: TYPE_URL.route,
      resourceNames: ["big-routes"],
      node: create(NodeSchema, { id: `envoy-${id}`, cluster: KEY }),
    }),
  );
  return call;
}

async function main(): Promise<void> {
  // Inputs are built outside the timings, one at a time (they are large).
  const first = bigSnapshot(0);
  const rdsBytes = toBinary(RouteConfigurationSchema, first.routes[0]!).length;

  const validateMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const input = bigSnapshot(i);
    validateMs.push(time(() => validateResources(input)));
  }

  // Encode only (validation bypassed): cold (new cache), then one-route changes.
  const coldMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const input = bigSnapshot(i);
    coldMs.push(time(() => new SnapshotCache({ validate: noValidation }).setSnapshot(KEY, input)));
  }
  const plain = new SnapshotCache({ validate: noValidation });
  plain.setSnapshot(KEY, first);
  const encodeMs: number[] = [];
  for (let i = 1; i <= ROUNDS; i++) {
    const input = bigSnapshot(i);
    encodeMs.push(time(() => plain.setSnapshot(KEY, input)));
  }

  // Validate + encode + push to STREAMS streams, until all have ACKed.
  const registry = createRegistry();
  const cache = new SnapshotCache({ registry });
  cache.setSnapshot(KEY, first);
  const server = await startXdsServer({ cache, host: "127.0.0.1", port: 0, logger: silentLogger(), registry });
  let waiting: { version: string; left: number; done: () => void } | undefined;
  server.onAck((e) => {
    if (waiting && e.kind === "ack" && e.version === waiting.version && --waiting.left === 0) waiting.done();
  });
  const initial = new Promise<void>((done) => (waiting = { version: cache.getSnapshot(KEY)!.types.route.version, left: STREAMS, done }));
  const calls = Array.from({ length: STREAMS }, (_, i) => rdsClient(server.port, i));
  await initial;
  const setMs: number[] = [];
  const pushMs: number[] = [];
  for (let i = 1; i <= ROUNDS; i++) {
    const input = bigSnapshot(100 + i);
    globalThis.gc?.();
    const t0 = performance.now();
    let version = "";
    const acked = new Promise<void>((done) => (waiting = { version: "", left: STREAMS, done }));
    version = cache.setSnapshot(KEY, input).types.route.version;
    waiting!.version = version;
    setMs.push(performance.now() - t0);
    await acked;
    pushMs.push(performance.now() - t0);
  }
  globalThis.gc?.();
  const rss = process.memoryUsage().rss / 1024 / 1024;
  console.log(`snapshot: ${ROUTES} routes in ${HOSTS} virtual hosts, ${CLUSTERS} clusters + endpoints; RouteConfiguration ${(rdsBytes / 1024).toFixed(0)} KiB`);
  console.log(`validateResources (PGV rules): median ${median(validateMs).toFixed(1)} ms`);
  console.log(`encode, new cache (cold): median ${median(coldMs).toFixed(1)} ms`);
  console.log(`encode, one-route change: median ${median(encodeMs).toFixed(1)} ms`);
  console.log(`setSnapshot with validation, one-route change: median ${median(setMs).toFixed(1)} ms`);
  console.log(`one-route change -> ${STREAMS} streams ACKed (validate + encode + push): median ${median(pushMs).toFixed(1)} ms`);
  console.log(`process RSS after: ${rss.toFixed(0)} MiB`);
  for (const c of calls) c.cancel();
  await server.close();
}

await main();
process.exit(0);
