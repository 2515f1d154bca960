// A raw ADS client for protocol tests: sends exactly the requests a test
// writes and queues every response, so tests can assert the wire behaviour.
import { create, fromBinary, type MessageInitShape } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { NodeSchema, type Node } from "../../src/gen/envoy/config/core/v3/base_pb.js";
import { AggregatedDiscoveryService } from "../../src/gen/envoy/service/discovery/v3/ads_pb.js";
import {
  DeltaDiscoveryRequestSchema,
  DiscoveryRequestSchema,
  type DeltaDiscoveryResponse,
  type DiscoveryResponse,
} from "../../src/gen/envoy/service/discovery/v3/discovery_pb.js";
import { serviceDefinition } from "../../src/xds/grpc-services.ts";
import { SnapshotCache, noValidation } from "../../src/xds/cache.ts";
import { startXdsServer, type XdsServer, type XdsServerOptions } from "../../src/xds/server.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { createRegistry } from "../../src/observability/metrics.ts";
import type { Registry } from "prom-client";
import { TYPE_URL } from "../../src/api/xds.ts";
import { ListenerSchema } from "../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { ClusterSchema } from "../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { RouteConfigurationSchema } from "../../src/gen/envoy/config/route/v3/route_pb.js";
import { ClusterLoadAssignmentSchema } from "../../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import type { Any } from "@bufbuild/protobuf/wkt";

const AdsClient = grpc.makeGenericClientConstructor(serviceDefinition(AggregatedDiscoveryService), "ADS");

export const LDS = TYPE_URL.listener;
export const RDS = TYPE_URL.route;
export const CDS = TYPE_URL.cluster;
export const EDS = TYPE_URL.endpoint;
export const SDS = TYPE_URL.secret;

/** A FIFO of stream messages with awaitable reads that fail after a bounded time. */
class Inbox<T> {
  readonly #items: T[] = [];
  readonly #waiters: ((v: T) => void)[] = [];
  ended: Error | undefined;
  readonly #onEnd: ((e: Error) => void)[] = [];

  push(v: T): void {
    const w = this.#waiters.shift();
    if (w) w(v);
    else this.#items.push(v);
  }

  end(e: Error): void {
    this.ended = e;
    for (const f of this.#onEnd.splice(0)) f(e);
  }

  get pending(): readonly T[] {
    return this.#items;
  }

  next(timeoutMs = 5000): Promise<T> {
    const v = this.#items.shift();
    if (v !== undefined) return Promise.resolve(v);
    return new Promise<T>((resolve, reject) => {
      if (this.ended) return reject(this.ended);
      const timer = setTimeout(() => reject(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
      const w = (x: T): void => {
        clearTimeout(timer);
        resolve(x);
      };
      this.#waiters.push(w);
      this.#onEnd.push((e) => {
        clearTimeout(timer);
        const i = this.#waiters.indexOf(w);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(e);
      });
    });
  }
}

export function node(cluster: string, id = "test-node"): Node {
  return create(NodeSchema, { id, cluster });
}

type Req = MessageInitShape<typeof DiscoveryRequestSchema>;
type DeltaReq = MessageInitShape<typeof DeltaDiscoveryRequestSchema>;

let barrierCounter = 0;

abstract class StreamClient<Res extends { typeUrl: string }> {
  readonly inbox = new Inbox<Res>();
  readonly status: Promise<grpc.StatusObject>;
  readonly node: Node;
  protected readonly call: grpc.ClientDuplexStream<unknown, Res>;
  #first = true;

  constructor(call: grpc.ClientDuplexStream<unknown, Res>, n: Node) {
    this.call = call;
    this.node = n;
    this.status = new Promise((resolve) => call.on("status", resolve));
    call.on("data", (r: Res) => this.inbox.push(r));
    call.on("error", (e: Error) => this.inbox.end(e));
    call.on("end", () => this.inbox.end(new Error("stream ended")));
  }

  next(timeoutMs?: number): Promise<Res> {
    return this.inbox.next(timeoutMs);
  }

  /** The next response, which must be of `typeUrl`. */
  async expect(typeUrl: string, timeoutMs?: number): Promise<Res> {
    const r = await this.next(timeoutMs);
    if (r.typeUrl !== typeUrl) throw new Error(`expected a ${typeUrl} response, got ${r.typeUrl}`);
    return r;
  }

  /**
   * Round trips on fresh unknown types; afterwards every response the server
   * wrote before them has arrived. Returns the responses that came first.
   */
  async drain(): Promise<Res[]> {
    const before: Res[] = [];
    for (let i = 0; i < 2; i++) {
      const typeUrl = `type.googleapis.com/test.Barrier${++barrierCounter}`;
      this.sendBarrier(typeUrl);
      for (;;) {
        const r = await this.next();
        if (r.typeUrl === typeUrl) break;
        if (!r.typeUrl.startsWith("type.googleapis.com/test.Barrier")) before.push(r);
      }
    }
    return before;
  }

  protected abstract sendBarrier(typeUrl: string): void;

  /** The node goes only in the first request, as real clients do. */
  protected firstNode(): Node | undefined {
    const n = this.#first ? this.node : undefined;
    this.#first = false;
    return n;
  }

  close(): void {
    this.call.end();
  }

  cancel(): void {
    this.call.cancel();
  }
}

export class SotwClient extends StreamClient<DiscoveryResponse> {
  constructor(client: grpc.Client, n: Node) {
    super((client as unknown as { streamAggregatedResources(): grpc.ClientDuplexStream<unknown, DiscoveryResponse> }).streamAggregatedResources(), n);
  }

  send(req: Req): void {
    this.call.write(create(DiscoveryRequestSchema, { ...req, node: this.firstNode() }));
  }

  /** ACK `res` keeping `names` subscribed. */
  ack(res: DiscoveryResponse, names: string[] = []): void {
    this.send({ typeUrl: res.typeUrl, versionInfo: res.versionInfo, responseNonce: res.nonce, resourceNames: names });
  }

  protected sendBarrier(typeUrl: string): void {
    this.send({ typeUrl });
  }
}

export class DeltaClient extends StreamClient<DeltaDiscoveryResponse> {
  constructor(client: grpc.Client, n: Node) {
    super((client as unknown as { deltaAggregatedResources(): grpc.ClientDuplexStream<unknown, DeltaDiscoveryResponse> }).deltaAggregatedResources(), n);
  }

  send(req: DeltaReq): void {
    this.call.write(create(DeltaDiscoveryRequestSchema, { ...req, node: this.firstNode() }));
  }

  ack(res: DeltaDiscoveryResponse): void {
    this.send({ typeUrl: res.typeUrl, responseNonce: res.nonce });
  }

  protected sendBarrier(typeUrl: string): void {
    this.send({ typeUrl, resourceNamesSubscribe: ["x"] });
  }
}

export interface Harness {
  cache: SnapshotCache;
  server: XdsServer;
  registry: Registry;
  client: grpc.Client;
  sotw(cluster: string, id?: string): SotwClient;
  delta(cluster: string, id?: string): DeltaClient;
  close(): Promise<void>;
}

export async function harness(opts: Partial<XdsServerOptions> = {}): Promise<Harness> {
  const registry = createRegistry();
  const cache = opts.cache ?? new SnapshotCache({ validate: noValidation, registry });
  const server = await startXdsServer({ cache, host: "127.0.0.1", port: 0, logger: silentLogger(), registry, ...opts });
  const client = new AdsClient(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": -1,
  });
  const clients: { cancel(): void }[] = [];
  return {
    cache,
    server,
    registry,
    client,
    sotw(cluster, id) {
      const c = new SotwClient(client, node(cluster, id));
      clients.push(c);
      return c;
    },
    delta(cluster, id) {
      const c = new DeltaClient(client, node(cluster, id));
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.cancel();
      await server.close();
      client.close();
    },
  };
}

const SCHEMAS = {
  [LDS]: ListenerSchema,
  [RDS]: RouteConfigurationSchema,
  [CDS]: ClusterSchema,
  [EDS]: ClusterLoadAssignmentSchema,
} as const;

/** Names of the resources in a SotW response, in order. */
export function names(res: { resources: Any[] } | { resources: { name: string }[] }): string[] {
  return (res.resources as (Any | { name: string; resource?: Any })[]).map((r) => {
    if ("name" in r && typeof r.name === "string") return r.name;
    const any = r as Any;
    const schema = SCHEMAS[any.typeUrl as keyof typeof SCHEMAS];
    const m = fromBinary(schema, any.value) as { name?: string; clusterName?: string };
    return m.name ?? m.clusterName ?? "";
  });
}
