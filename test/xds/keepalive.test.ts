// Server keepalive: a proxy whose connection goes silent (a dead node, a
// black-holed network) is detected by unanswered HTTP/2 PINGs and its stream
// is closed, while a healthy connection survives many ping rounds.
import { createConnection, createServer, type Server, type Socket } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { AggregatedDiscoveryService } from "../../src/gen/envoy/service/discovery/v3/ads_pb.js";
import { serviceDefinition } from "../../src/xds/grpc-services.ts";
import { waitFor } from "../watch/kubernetes/helpers.ts";
import { CDS, harness, node, SotwClient, type Harness } from "./ads-client.ts";
import { chain } from "./fixtures.ts";

/** A TCP relay that can stop forwarding in both directions without closing anything. */
async function relay(target: number): Promise<{ port: number; blackhole(): void; close(): void; server: Server }> {
  let dropping = false;
  const sockets: Socket[] = [];
  const server = createServer((down) => {
    const up = createConnection(target, "127.0.0.1");
    sockets.push(down, up);
    down.on("data", (b) => dropping || up.write(b));
    up.on("data", (b) => dropping || down.write(b));
    down.on("error", () => up.destroy());
    up.on("error", () => down.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  return {
    port: typeof addr === "object" && addr ? addr.port : 0,
    blackhole: () => void (dropping = true),
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
    server,
  };
}

let h: Harness | undefined;
let r: Awaited<ReturnType<typeof relay>> | undefined;
let client: grpc.Client | undefined;

afterEach(async () => {
  client?.close();
  r?.close();
  await h?.close();
  h = r = client = undefined;
});

describe("server keepalive", () => {
  it("keeps a healthy stream through many ping rounds and closes one whose peer went silent", async () => {
    h = await harness({ keepaliveTimeMs: 100, keepaliveTimeoutMs: 1_000 });
    h.cache.setSnapshot("default/gw", chain("a"));
    r = await relay(h.server.port);
    const Ads = grpc.makeGenericClientConstructor(serviceDefinition(AggregatedDiscoveryService), "ADS");
    client = new Ads(`127.0.0.1:${r.port}`, grpc.credentials.createInsecure());
    const s = new SotwClient(client, node("default/gw", "silent-envoy"));
    s.send({ typeUrl: CDS });
    await s.expect(CDS);
    expect(h.server.nodes().map((n) => n.nodeId)).toEqual(["silent-envoy"]);

    // A bounded negative wait (there is no event for "nothing happened"): ten ping
    // intervals later the healthy stream is still there.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(h.server.nodes()).toHaveLength(1);

    r.blackhole();
    await waitFor(() => h!.server.nodes().length === 0, "the server drops the silent stream", 5_000);
  });
});
