// The ADS methods with bytes in and out, for clients that must not or need not decode: benchmark
// clients that ACK after peeking at a response's header, and tests that send bytes no
// DiscoveryRequest encodes.
import * as grpc from "@grpc/grpc-js";

const same = (b: Buffer): Buffer => b;
const rawMethod = (name: string) => ({
  path: `/envoy.service.discovery.v3.AggregatedDiscoveryService/${name}`,
  requestStream: true as const,
  responseStream: true as const,
  requestSerialize: same,
  requestDeserialize: same,
  responseSerialize: same,
  responseDeserialize: same,
});

/** Both ADS methods as raw bytes; also a server definition (`server.addService(RAW_ADS, ...)`). */
export const RAW_ADS = {
  streamAggregatedResources: rawMethod("StreamAggregatedResources"),
  deltaAggregatedResources: rawMethod("DeltaAggregatedResources"),
} satisfies grpc.ServiceDefinition;

export type RawAdsStream = grpc.ClientDuplexStream<Buffer, Buffer>;

/** One insecure connection; each `sotw()` or `delta()` opens a stream on it. */
export class RawAdsClient extends grpc.Client {
  constructor(address: string, options: grpc.ClientOptions = {}) {
    super(address, grpc.credentials.createInsecure(), options);
  }

  sotw(): RawAdsStream {
    return this.makeBidiStreamRequest(RAW_ADS.streamAggregatedResources.path, same, same);
  }

  delta(): RawAdsStream {
    return this.makeBidiStreamRequest(RAW_ADS.deltaAggregatedResources.path, same, same);
  }
}
