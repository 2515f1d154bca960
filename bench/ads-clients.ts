// Envoy-like SotW ADS clients for the pipeline benchmark: each has its own
// connection, asks for wildcard CDS/LDS and named EDS/RDS, and ACKs every
// response after reading only its header (so the clients cost little CPU).
// They run in the benchmark process; the server is the `serve` child, whose
// CPU is then its own.
import { create, toBinary } from "@bufbuild/protobuf";
import { NodeSchema } from "../src/gen/envoy/config/core/v3/base_pb.js";
import { DiscoveryRequestSchema } from "../src/gen/envoy/service/discovery/v3/discovery_pb.js";
import { TYPE_URL } from "../src/api/xds.ts";
import { RawAdsClient, type RawAdsStream } from "../test/xds/raw-ads.ts";
import { responseHeader } from "../test/xds/wire-peek.ts";

export interface Subscription {
  /** node.cluster: the Gateway's `namespace/name`. */
  gateway: string;
  routeConfigs: string[];
  clusters: string[];
}

interface Waiter {
  typeUrl: string;
  baseline: (string | undefined)[];
  seen: Set<number>;
  resolve: (ms: number) => void;
  t0: number;
}

/** A growing set of streams; `waitAll` resolves when every stream has ACKed a new version of a type. */
export class AdsClients {
  private readonly address: string;
  private readonly sub: Subscription;
  private readonly clients: RawAdsClient[] = [];
  private readonly calls: RawAdsStream[] = [];
  /** Per stream: the last version ACKed, by type URL. */
  private readonly versions: Map<string, string>[] = [];
  private waiter?: Waiter;

  constructor(address: string, sub: Subscription) {
    this.address = address;
    this.sub = sub;
  }

  get size(): number {
    return this.calls.length;
  }

  /** Opens streams until there are `total`; resolves when each has its first RouteConfiguration. */
  async grow(total: number): Promise<void> {
    const synced: Promise<void>[] = [];
    for (let i = this.calls.length; i < total; i++) synced.push(this.open(i));
    await Promise.all(synced);
  }

  /** Starts waiting for every stream to ACK a version of `typeUrl` other than its current one; call before the change. */
  waitAll(typeUrl: string): { t0: (now: number) => void; done: Promise<number> } {
    let w!: Waiter;
    const done = new Promise<number>((resolve) => {
      w = { typeUrl, baseline: this.versions.map((v) => v.get(typeUrl)), seen: new Set(), resolve, t0: 0 };
    });
    this.waiter = w;
    return { t0: (now) => (w.t0 = now), done };
  }

  close(): void {
    for (const c of this.calls) c.cancel();
    for (const c of this.clients) c.close();
  }

  private open(i: number): Promise<void> {
    const client = new RawAdsClient(this.address, { "grpc.use_local_subchannel_pool": 1, "grpc.max_receive_message_length": -1 });
    const call = client.sotw();
    this.clients[i] = client;
    this.calls[i] = call;
    const versions = new Map<string, string>();
    this.versions[i] = versions;
    const names: Record<string, string[]> = {
      [TYPE_URL.cluster]: [],
      [TYPE_URL.listener]: [],
      [TYPE_URL.endpoint]: this.sub.clusters,
      [TYPE_URL.route]: this.sub.routeConfigs,
    };
    const node = create(NodeSchema, { id: `bench-${i}`, cluster: this.sub.gateway });
    const send = (typeUrl: string, versionInfo = "", responseNonce = "", first = false) =>
      call.write(
        Buffer.from(
          toBinary(
            DiscoveryRequestSchema,
            create(DiscoveryRequestSchema, { typeUrl, versionInfo, responseNonce, resourceNames: names[typeUrl] ?? [], node: first ? node : undefined }),
          ),
        ),
      );
    return new Promise((resolve, reject) => {
      let synced = false;
      call.on("data", (b: Buffer) => {
        const res = responseHeader(b);
        send(res.typeUrl, res.versionInfo, res.nonce);
        versions.set(res.typeUrl, res.versionInfo);
        if (res.typeUrl === TYPE_URL.route && !synced) {
          synced = true;
          resolve();
        }
        const w = this.waiter;
        if (w && res.typeUrl === w.typeUrl && res.versionInfo !== w.baseline[i] && !w.seen.has(i)) {
          w.seen.add(i);
          if (w.seen.size === this.calls.length) {
            this.waiter = undefined;
            w.resolve(performance.now() - w.t0);
          }
        }
      });
      call.on("error", (e: Error) => (synced ? undefined : reject(e)));
      send(TYPE_URL.cluster, "", "", true);
      send(TYPE_URL.endpoint);
      send(TYPE_URL.listener);
      send(TYPE_URL.route);
    });
  }
}
