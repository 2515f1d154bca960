// A minimal State-of-the-World ADS server for the RPC harness: one fixed
// snapshot, named and wildcard subscriptions, ACK/NACK recording. It exists so
// the RPC tests do not depend on the full xDS server (src/xds) being ready;
// harness.ts prefers src/xds when it exposes a server.
import { EventEmitter } from "node:events";
import { create, fromBinary, toBinary, type Message } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import {
  DiscoveryRequestSchema,
  DiscoveryResponseSchema,
  type DiscoveryRequest,
  type DiscoveryResponse,
} from "../../src/gen/envoy/service/discovery/v3/discovery_pb.js";
import { TYPE_URL, type ResourceType, type XdsResources } from "../../src/api/xds.ts";
import { RESOURCES_FIELD, SCHEMA, resourceName, typeOfUrl } from "../../src/xds/resource.ts";

const ADS_PATH = "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources";

export interface AdsEvent {
  type: ResourceType | string;
  kind: "ack" | "nack";
  version: string;
  error?: string;
}

export class MiniAds extends EventEmitter {
  private readonly server = new grpc.Server();
  private snapshot: XdsResources;
  private version = 1;
  readonly events: AdsEvent[] = [];
  port = 0;

  constructor(snapshot: XdsResources) {
    super();
    this.snapshot = snapshot;
    this.server.register<DiscoveryRequest, DiscoveryResponse>(
      ADS_PATH,
      (call: grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>) => this.stream(call),
      (m: DiscoveryResponse) => Buffer.from(toBinary(DiscoveryResponseSchema, m)),
      (b: Buffer) => fromBinary(DiscoveryRequestSchema, b),
      "bidi",
    );
  }

  async start(): Promise<number> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
    );
    return this.port;
  }

  /** Forced: the xDS client keeps its ADS stream open for the life of the process. */
  stop(): void {
    this.server.forceShutdown();
  }

  private stream(call: grpc.ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>): void {
    const lastNonce = new Map<string, string>();
    const lastNames = new Map<string, string>();
    let nonce = 0;
    call.on("data", (req: DiscoveryRequest) => {
      const type = typeOfUrl(req.typeUrl);
      const known = lastNonce.get(req.typeUrl);
      // SotW: a request answering an older response carries nothing new.
      if (req.responseNonce !== "" && known !== undefined && req.responseNonce !== known) return;
      if (req.responseNonce !== "" && req.responseNonce === known) {
        const ev: AdsEvent = req.errorDetail
          ? { type: type ?? req.typeUrl, kind: "nack", version: req.versionInfo, error: req.errorDetail.message }
          : { type: type ?? req.typeUrl, kind: "ack", version: req.versionInfo };
        this.events.push(ev);
        this.emit("event", ev);
        const names = [...req.resourceNames].sort().join("\n");
        if (req.errorDetail || names === lastNames.get(req.typeUrl)) return;
      }
      lastNames.set(req.typeUrl, [...req.resourceNames].sort().join("\n"));
      const resources = type ? this.select(type, req.resourceNames) : [];
      const n = String(++nonce);
      lastNonce.set(req.typeUrl, n);
      call.write(
        create(DiscoveryResponseSchema, {
          versionInfo: String(this.version),
          typeUrl: req.typeUrl,
          nonce: n,
          resources: type ? resources.map((m) => anyPack(SCHEMA[type], m)) : [],
        }),
      );
    });
    call.on("error", () => undefined);
    call.on("end", () => call.end());
  }

  private select(type: ResourceType, names: readonly string[]): Message[] {
    const all = this.snapshot[RESOURCES_FIELD[type]] as Message[];
    const wildcard = names.length === 0 || names.includes("*");
    if (wildcard && (type === "listener" || type === "cluster")) return all;
    const want = new Set(names);
    return all.filter((m) => want.has(resourceName(type, m)));
  }
}

export { TYPE_URL };
