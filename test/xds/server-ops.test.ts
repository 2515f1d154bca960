// Operations: shutdown, stream limits, authorization, CSDS, metrics, logging,
// and a slow client not holding up the others.
import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import {
  ClientStatusDiscoveryService,
  ClientStatusRequestSchema,
  ConfigStatus,
  type ClientStatusResponse,
} from "../../src/gen/envoy/service/status/v3/csds_pb.js";
import { NodeMatcherSchema } from "../../src/gen/envoy/type/matcher/v3/node_pb.js";
import { StringMatcherSchema } from "../../src/gen/envoy/type/matcher/v3/string_pb.js";
import { StatusSchema } from "../../src/gen/google/rpc/status_pb.js";
import { serviceDefinition } from "../../src/xds/grpc-services.ts";
import { SnapshotCache } from "../../src/xds/cache.ts";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { createLogger } from "../../src/observability/log.ts";
import { emptyResources } from "../../src/api/xds.ts";
import { chain, edsCluster, merge } from "./fixtures.ts";
import { CDS, EDS, SotwClient, harness, names, node, type Harness } from "./ads-client.ts";
import { waitFor } from "../watch/kubernetes/helpers.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const KEY = "default/gw";

function fetchStatus(port: number, req = create(ClientStatusRequestSchema)): Promise<ClientStatusResponse> {
  const Csds = grpc.makeGenericClientConstructor(serviceDefinition(ClientStatusDiscoveryService), "CSDS");
  const client = new Csds(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    (client as unknown as {
      fetchClientStatus(r: unknown, cb: (e: Error | null, res?: ClientStatusResponse) => void): void;
    }).fetchClientStatus(req, (err, res) => {
      client.close();
      if (err || !res) reject(err ?? new Error("no response"));
      else resolve(res);
    });
  });
}

describe("graceful shutdown", () => {
  it("finishes in-flight responses, ends streams with OK, refuses new ones", async () => {
    h = await harness();
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    c.send({ typeUrl: CDS });
    await c.expect(CDS);
    await h.server.close();
    const status = await c.status;
    expect(status.code).toBe(grpc.status.OK);
    const late = h.sotw(KEY);
    late.send({ typeUrl: CDS });
    const lateStatus = await late.status;
    expect(lateStatus.code).not.toBe(grpc.status.OK);
  });
});

describe("limits", () => {
  it("refuses streams beyond maxStreams with RESOURCE_EXHAUSTED", async () => {
    h = await harness({ maxStreams: 1 });
    h.cache.setSnapshot(KEY, chain("a"));
    const c1 = h.sotw(KEY);
    c1.send({ typeUrl: CDS });
    await c1.expect(CDS);
    const c2 = h.sotw(KEY, "second");
    c2.send({ typeUrl: CDS });
    expect((await c2.status).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it("ends a stream whose request exceeds the message size limit", async () => {
    h = await harness({ maxReceiveMessageBytes: 1024 });
    const c = h.sotw(KEY);
    c.send({ typeUrl: EDS, resourceNames: Array.from({ length: 200 }, (_, i) => `cluster-${i}`) });
    expect((await c.status).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it("ends a stream that uses too many resource types", async () => {
    h = await harness();
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    for (let i = 0; i < 65; i++) c.send({ typeUrl: `type.googleapis.com/test.T${i}` });
    expect((await c.status).code).toBe(grpc.status.INVALID_ARGUMENT);
  });
});

describe("authorization hook", () => {
  it("serves the key it returns and refuses a stream it rejects", async () => {
    h = await harness({
      authorize: ({ node: n }) => (n?.id === "intruder" ? new Error("node intruder may not read default/gw") : (n?.cluster ?? "")),
    });
    h.cache.setSnapshot(KEY, chain("a"));
    const bad = h.sotw(KEY, "intruder");
    bad.send({ typeUrl: CDS });
    const st = await bad.status;
    expect(st.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(st.details).toContain("may not read");
    const ok = h.sotw(KEY, "envoy-1");
    ok.send({ typeUrl: CDS });
    expect(names(await ok.expect(CDS))).toEqual(["a-cluster"]);
  });
});

describe("CSDS and node state", () => {
  it("reports per node and resource what was sent and whether it was ACKed or NACKed", async () => {
    h = await harness();
    h.cache.setSnapshot(KEY, chain("a"));
    const c1 = h.sotw(KEY, "envoy-1");
    c1.send({ typeUrl: CDS });
    const r = await c1.expect(CDS);
    c1.ack(r);
    c1.send({ typeUrl: EDS, resourceNames: ["a-cluster"] });
    const e = await c1.expect(EDS);
    c1.send({ typeUrl: EDS, responseNonce: e.nonce, resourceNames: ["a-cluster"], errorDetail: create(StatusSchema, { message: "nope" }) });
    const c2 = h.sotw(KEY, "envoy-2");
    c2.send({ typeUrl: CDS });
    await c2.expect(CDS);
    expect(await c1.drain()).toEqual([]);

    const all = await fetchStatus(h.server.port);
    expect(all.config.map((c) => c.node?.id).sort()).toEqual(["envoy-1", "envoy-2"]);
    const one = await fetchStatus(
      h.server.port,
      create(ClientStatusRequestSchema, {
        nodeMatchers: [create(NodeMatcherSchema, { nodeId: create(StringMatcherSchema, { matchPattern: { case: "exact", value: "envoy-1" } }) })],
      }),
    );
    expect(one.config).toHaveLength(1);
    const cfg = one.config[0]!;
    const cds = cfg.genericXdsConfigs.find((g) => g.typeUrl === CDS);
    expect(cds?.name).toBe("a-cluster");
    expect(cds?.configStatus).toBe(ConfigStatus.SYNCED);
    expect(cds?.xdsConfig?.typeUrl).toBe(CDS);
    expect(cds?.xdsConfig?.value.length).toBeGreaterThan(0);
    const eds = cfg.genericXdsConfigs.find((g) => g.typeUrl === EDS);
    expect(eds?.configStatus).toBe(ConfigStatus.ERROR);
    // envoy-2 has not ACKed: its CDS is STALE.
    const other = all.config.find((c) => c.node?.id === "envoy-2");
    expect(other?.genericXdsConfigs.find((g) => g.typeUrl === CDS)?.configStatus).toBe(ConfigStatus.STALE);

    const nodes = h.server.nodes();
    const n1 = nodes.find((n) => n.nodeId === "envoy-1");
    expect(n1?.cluster).toBe(KEY);
    expect(n1?.protocol).toBe("sotw");
    expect(Date.parse(n1?.connectedSince ?? "")).toBeGreaterThan(0);
    expect(n1?.types.find((t) => t.typeUrl === EDS)?.nackMessage).toBe("nope");
  });
});

describe("CSDS node matchers", () => {
  it("matches a node id by regex, and refuses a pattern that could backtrack without end", async () => {
    h = await harness();
    h.cache.setSnapshot(KEY, chain("a"));
    const id = `${"a".repeat(40)}!`;
    const c = h.sotw(KEY, id);
    c.send({ typeUrl: CDS });
    await c.expect(CDS);
    const byRegex = (regex: string) =>
      fetchStatus(
        h!.server.port,
        create(ClientStatusRequestSchema, {
          nodeMatchers: [create(NodeMatcherSchema, { nodeId: create(StringMatcherSchema, { matchPattern: { case: "safeRegex", value: { regex } } }) })],
        }),
      );
    expect((await byRegex("a+!")).config.map((n) => n.node?.id)).toEqual([id]);
    // (a+)+$ against 40 a's and a "!" would take a JS RegExp minutes; it must match nothing at once.
    expect((await byRegex("(a+)+")).config).toEqual([]);
  });
});

describe("metrics", () => {
  it("counts connected streams by protocol", async () => {
    h = await harness();
    h.cache.setSnapshot(KEY, chain("a"));
    const s = h.sotw(KEY);
    s.send({ typeUrl: CDS });
    await s.expect(CDS);
    const d = h.delta(KEY, "d");
    d.send({ typeUrl: CDS });
    await d.expect(CDS);
    const text = await h.registry.metrics();
    expect(text).toMatch(/switchyard_xds_streams_connected\{protocol="sotw"\} 1/);
    expect(text).toMatch(/switchyard_xds_streams_connected\{protocol="delta"\} 1/);
    expect(text).toMatch(/switchyard_xds_pushes_total\{type="cluster"\} 2/);
    s.cancel();
    await s.status;
    // The server sees the cancellation shortly after; wait for the gauge rather than a fixed time.
    await waitFor(async () => !/protocol="sotw"\} 1/.test(await h!.registry.metrics()), "the sotw gauge drops");
    expect(await h.registry.metrics()).toMatch(/switchyard_xds_streams_connected\{protocol="sotw"\} 0/);
  });
});

describe("unknown Gateway", () => {
  it("is logged once per key, however many nodes ask", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger({ level: "info", destination: sink });
    h = await harness({ logger });
    h.cache.setSnapshot(KEY, chain("a"));
    const streams = [h.sotw("default/nope", "n1"), h.sotw("default/nope", "n2"), h.sotw("default/nope", "n3")];
    for (const s of streams) s.send({ typeUrl: CDS });
    await waitFor(() => h!.server.nodes().length === 3, "three nodes admitted");
    expect(h.server.nodes()).toHaveLength(3);
    expect(lines.filter((l) => l.includes("does not exist"))).toHaveLength(1);
    for (const s of streams) expect(s.inbox.pending).toEqual([]);
    // Once every stream of the key has gone the key is forgotten (keys come
    // from clients, so remembering them all would grow without bound).
    for (const s of streams) s.cancel();
    await waitFor(() => h!.server.nodes().length === 0, "all streams closed");
    const again = h.sotw("default/nope", "n4");
    again.send({ typeUrl: CDS });
    await waitFor(() => h!.server.nodes().length === 1, "the new node admitted");
    expect(lines.filter((l) => l.includes("does not exist"))).toHaveLength(2);
  });
});

describe("a slow stream", () => {
  it("does not hold up the others", async () => {
    h = await harness();
    const big = emptyResources();
    for (let i = 0; i < 3000; i++) big.clusters.push(edsCluster(`cluster-${i}-${"x".repeat(200)}`));
    h.cache.setSnapshot(KEY, big);
    // The slow client has its own connection (as each Envoy does) and stops reading.
    const own = new (h.client.constructor as new (a: string, c: grpc.ChannelCredentials, o: object) => grpc.Client)(
      `127.0.0.1:${h.server.port}`,
      grpc.credentials.createInsecure(),
      { "grpc.use_local_subchannel_pool": 1, "grpc.max_receive_message_length": -1 },
    );
    const slow = new SotwClient(own, node(KEY, "slow"));
    (slow as unknown as { call: { pause(): void } }).call.pause();
    slow.send({ typeUrl: CDS });
    const fast = h.sotw(KEY, "fast");
    fast.send({ typeUrl: CDS });
    fast.ack(await fast.expect(CDS));
    let next = big;
    for (let round = 0; round < 5; round++) {
      next = merge(next, chain(`r${round}`));
      const snap = h.cache.setSnapshot(KEY, next);
      const r = await fast.expect(CDS);
      expect(r.versionInfo).toBe(snap.types.cluster.version);
      fast.ack(r);
    }
    const slowState = h.server.nodes().find((n) => n.nodeId === "slow")?.types.find((t) => t.typeUrl === CDS);
    expect(slowState?.awaitingAck).toBe(true);
    slow.cancel();
    own.close();
  });
});

describe("validation before serving", () => {
  it("never sends a resource that fails Envoy's rules; the rest of the snapshot goes out", async () => {
    h = await harness({ cache: new SnapshotCache() });
    const r = merge(chain("good"), chain("bad"));
    r.clusters[1]!.connectTimeout = create(DurationSchema, { seconds: -1n });
    h.cache.setSnapshot(KEY, r);
    const c = h.sotw(KEY);
    c.send({ typeUrl: CDS });
    const cds = await c.expect(CDS);
    expect(names(cds)).toEqual(["good-cluster"]);
    c.ack(cds);
    c.send({ typeUrl: EDS, resourceNames: ["good-cluster", "bad-cluster"] });
    expect(names(await c.expect(EDS))).toEqual(["good-cluster"]);
    expect(h.cache.failures(KEY).map((f) => `${f.type}/${f.name}`).sort()).toEqual(["cluster/bad-cluster", "endpoint/bad-cluster"]);
  });
});
