// Requests that do not decode as a DiscoveryRequest are refused by grpc-js; switchyard counts
// them and logs them, at most once per method per interval.
import { Writable } from "node:stream";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/log.ts";
import { harness } from "./ads-client.ts";
import { RawAdsClient } from "./raw-ads.ts";

describe("undecodable requests", () => {
  it("are counted per method and logged rate-limited", async () => {
    const lines: { msg: string; method?: string; bytes?: number }[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _e, done) {
        for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l));
        done();
      },
    });
    const h = await harness({ logger: createLogger({ level: "warn", destination, format: "json" }) });
    // A client that sends raw bytes: field 1 (version_info) as a length-delimited string longer than the message.
    const client = new RawAdsClient(`127.0.0.1:${h.server.port}`);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const call = client.sotw();
      const status = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
      call.on("error", () => {});
      call.write(Buffer.from([0x0a, 0x7f, 0x41]));
      statuses.push((await status).code);
    }
    client.close();
    expect(statuses).toEqual([grpc.status.INTERNAL, grpc.status.INTERNAL, grpc.status.INTERNAL]);
    expect(await h.registry.metrics()).toContain('switchyard_xds_undecodable_requests_total{method="/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources"} 3');
    const logged = lines.filter((l) => l.msg === "undecodable gRPC request refused");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ method: "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources", bytes: 3 });
    await h.close();
  });
});
