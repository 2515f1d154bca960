// An ADS client built with @grpc/proto-loader straight from Envoy's .proto files,
// so the request/response framing shares no code with switchyard's own
// protobuf-es service definitions.
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const includeDirs = ["envoy-api", "xds", "googleapis", "protoc-gen-validate"].map((d) => join("proto/.deps", d));

export interface ProtoDiscoveryResponse {
  version_info: string;
  type_url: string;
  nonce: string;
  resources: { type_url: string; value: Buffer }[];
}

export interface ProtoDiscoveryRequest {
  version_info?: string;
  node?: { id: string; cluster: string };
  resource_names?: string[];
  type_url: string;
  response_nonce?: string;
}

export type AdsStream = grpc.ClientDuplexStream<ProtoDiscoveryRequest, ProtoDiscoveryResponse>;

export function adsClient(address: string, credentials = grpc.credentials.createInsecure()): { stream(): AdsStream; close(): void } {
  const def = protoLoader.loadSync("envoy/service/discovery/v3/ads.proto", { includeDirs, keepCase: true, longs: String, enums: String });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    envoy: { service: { discovery: { v3: { AggregatedDiscoveryService: grpc.ServiceClientConstructor } } } };
  };
  const client = new pkg.envoy.service.discovery.v3.AggregatedDiscoveryService(address, credentials);
  return {
    stream: () => (client as unknown as { StreamAggregatedResources(): AdsStream }).StreamAggregatedResources(),
    close: () => client.close(),
  };
}

/** Sends `req` and resolves with the next response of that type; rejects if the stream fails first. */
export function request(stream: AdsStream, req: ProtoDiscoveryRequest, timeoutMs = 5000): Promise<ProtoDiscoveryResponse> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.off("data", onData);
      reject(new Error(`no ${req.type_url} response within ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = (res: ProtoDiscoveryResponse) => {
      if (res.type_url !== req.type_url) return;
      clearTimeout(timer);
      stream.off("data", onData);
      resolve(res);
    };
    stream.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    stream.on("data", onData);
    stream.write(req);
  });
}
