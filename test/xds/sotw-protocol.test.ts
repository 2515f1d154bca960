// State-of-the-World ADS, rule by rule, with a raw client.
import { create } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StatusSchema } from "../../src/gen/google/rpc/status_pb.js";
import { apiListener, chain, edsCluster, endpoints, merge, routeConfig } from "./fixtures.ts";
import { CDS, EDS, LDS, RDS, harness, names, type Harness, type SotwClient } from "./ads-client.ts";
import { waitFor } from "../watch/kubernetes/helpers.ts";

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const KEY = "default/gw";

/** Subscribe wildcard CDS and return the first response, ACKed. */
async function cdsAcked(c: SotwClient) {
  c.send({ typeUrl: CDS });
  const r = await c.expect(CDS);
  c.ack(r);
  return r;
}

describe("nonces", () => {
  it("puts a fresh nonce on every response, per stream", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    const r1 = await cdsAcked(c);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const r2 = await c.expect(CDS);
    c.ack(r2);
    c.send({ typeUrl: LDS });
    const r3 = await c.expect(LDS);
    const nonces = [r1.nonce, r2.nonce, r3.nonce];
    expect(new Set(nonces).size).toBe(3);
    expect(nonces.every((n) => n !== "")).toBe(true);
  });
});

describe("shared responses", () => {
  it("streams in the same state are sent the same response, nonce included; each ACKs it on its own", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const [c1, c2] = [h.sotw(KEY), h.sotw(KEY)];
    const [r1, r2] = await Promise.all([cdsAcked(c1), cdsAcked(c2)]);
    expect(r2.nonce).toBe(r1.nonce);
    expect([h.server.streamCount(KEY), h.server.streamCount("default/other")]).toEqual([2, 0]);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const [n1, n2] = await Promise.all([c1.expect(CDS), c2.expect(CDS)]);
    expect(n2.nonce).toBe(n1.nonce);
    expect(n1.nonce).not.toBe(r1.nonce);
    c1.ack(n1);
    await waitFor(() => h.server.nodes().some((n) => n.types.some((t) => t.typeUrl === CDS && t.lastAckedVersion === n1.versionInfo)), "the first stream's ACK");
    // Only the stream that ACKed has: the other still has the response in flight.
    const acked = h.server.nodes().map((n) => n.types.find((t) => t.typeUrl === CDS)?.lastAckedVersion === n1.versionInfo);
    expect(acked.sort()).toEqual([false, true]);
  });
});

describe("ACK and NACK", () => {
  it("tells them apart by error_detail, not by version", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    const r1 = await cdsAcked(c);
    expect(await c.drain()).toEqual([]);
    let cds = h.server.nodes()[0]?.types.find((t) => t.typeUrl === CDS);
    expect(cds?.lastAckedVersion).toBe(r1.versionInfo);

    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const r2 = await c.expect(CDS);
    // A NACK carrying the NEW version (as grpc-js-xds sends for partly bad responses).
    c.send({
      typeUrl: CDS,
      versionInfo: r2.versionInfo,
      responseNonce: r2.nonce,
      errorDetail: create(StatusSchema, { code: 14, message: "cluster b-cluster: bad" }),
    });
    expect(await c.drain()).toEqual([]); // not answered again: no ACK/NACK loop
    cds = h.server.nodes()[0]?.types.find((t) => t.typeUrl === CDS);
    expect(cds?.lastNackedVersion).toBe(r2.versionInfo);
    expect(cds?.nackMessage).toBe("cluster b-cluster: bad");
    expect(cds?.lastAckedVersion).toBe(r1.versionInfo);

    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b"), chain("c")));
    const r3 = await c.expect(CDS);
    // A NACK with the OLD version.
    c.send({ typeUrl: CDS, versionInfo: r1.versionInfo, responseNonce: r3.nonce, errorDetail: create(StatusSchema, { message: "no" }) });
    expect(await c.drain()).toEqual([]);
    cds = h.server.nodes()[0]?.types.find((t) => t.typeUrl === CDS);
    expect(cds?.lastNackedVersion).toBe(r3.versionInfo);

    const metrics = await h.registry.metrics();
    expect(metrics).toMatch(/switchyard_xds_nacks_total\{type="cluster"\} 2/);
    expect(metrics).toMatch(/switchyard_xds_acks_total\{type="cluster"\} 1/);
    expect(metrics).toMatch(/switchyard_xds_push_to_ack_seconds_count\{type="cluster"\} 3/);
  });
});

describe("after a NACK", () => {
  it("RDS/EDS: the next response re-sends everything the rejected one carried", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const c = h.sotw(KEY);
    c.send({ typeUrl: EDS, resourceNames: ["a-cluster", "b-cluster"] });
    const r1 = await c.expect(EDS);
    c.send({ typeUrl: EDS, responseNonce: r1.nonce, resourceNames: ["a-cluster", "b-cluster"], errorDetail: create(StatusSchema, { message: "rejected" }) });
    expect(await c.drain()).toEqual([]);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b", [["127.0.0.4", 4]])));
    const r2 = await c.expect(EDS);
    expect(names(r2)).toEqual(["a-cluster", "b-cluster"]);
    c.ack(r2, ["a-cluster", "b-cluster"]);
    // Back to changed-only once the client has ACKed.
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b", [["127.0.0.5", 5]])));
    expect(names(await c.expect(EDS))).toEqual(["b-cluster"]);
  });
});

describe("stale nonces", () => {
  it("ignores a request whose nonce is not the latest for its type", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const c = h.sotw(KEY);
    c.send({ typeUrl: RDS, resourceNames: ["a-routes"] });
    const r1 = await c.expect(RDS);
    c.ack(r1, ["a-routes"]);
    h.cache.setSnapshot(KEY, changedRoutes());
    const r2 = await c.expect(RDS);
    // The client asks for b-routes but still quotes the old nonce: stale, ignored.
    c.send({ typeUrl: RDS, versionInfo: r1.versionInfo, responseNonce: r1.nonce, resourceNames: ["a-routes", "b-routes"] });
    expect(await c.drain()).toEqual([]);
    expect(h.server.nodes()[0]?.types.find((t) => t.typeUrl === RDS)?.subscribed).toEqual(["a-routes"]);
    // The same request with the current nonce counts.
    c.send({ typeUrl: RDS, versionInfo: r2.versionInfo, responseNonce: r2.nonce, resourceNames: ["a-routes", "b-routes"] });
    const r3 = await c.expect(RDS);
    // Only what the client lacks: a-routes is unchanged.
    expect(names(r3)).toEqual(["b-routes"]);
  });
});

/** a and b chains where a-routes has a different domain, so RDS changes. */
function changedRoutes() {
  const r = merge(chain("a"), chain("b"));
  r.routes[0] = routeConfig("a-routes", ["x"], [["/", "a-cluster"]]);
  return r;
}

describe("wildcard and named subscriptions", () => {
  it("LDS/CDS: an empty first list is wildcard and follows additions", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    c.send({ typeUrl: LDS });
    const r1 = await c.expect(LDS);
    expect(names(r1)).toEqual(["a"]);
    c.ack(r1);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const r2 = await c.expect(LDS);
    expect(names(r2)).toEqual(["a", "b"]);
  });

  it("LDS/CDS: \"*\" is wildcard, alone or with names", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const c = h.sotw(KEY);
    c.send({ typeUrl: CDS, resourceNames: ["*", "a-cluster"] });
    expect(names(await c.expect(CDS))).toEqual(["a-cluster", "b-cluster"]);
  });

  it("legacy rule: after a non-empty list, an empty list is no longer wildcard", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const c = h.sotw(KEY);
    c.send({ typeUrl: LDS, resourceNames: ["a"] });
    const r1 = await c.expect(LDS);
    expect(names(r1)).toEqual(["a"]);
    c.ack(r1, []);
    // Unsubscribing everything: the full-state answer is empty.
    const r2 = await c.expect(LDS);
    expect(names(r2)).toEqual([]);
    c.ack(r2, []);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b"), chain("c")));
    expect(await c.drain()).toEqual([]);
  });

  it("RDS/EDS/SDS: never wildcard; an empty list asks for nothing", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const c = h.sotw(KEY);
    c.send({ typeUrl: RDS });
    c.send({ typeUrl: EDS, resourceNames: ["*"] });
    expect(await c.drain()).toEqual([]);
    c.send({ typeUrl: EDS, resourceNames: ["b-cluster"] });
    expect(names(await c.expect(EDS))).toEqual(["b-cluster"]);
  });

  it("named CDS (gRPC clients) gets only the names asked for", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b"), chain("c")));
    const c = h.sotw(KEY);
    c.send({ typeUrl: CDS, resourceNames: ["c-cluster", "a-cluster"] });
    expect(names(await c.expect(CDS))).toEqual(["a-cluster", "c-cluster"]);
  });
});

describe("what changed, to whom it concerns", () => {
  it("RDS/EDS responses carry only the changed resources, with the version of the whole state", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const c = h.sotw(KEY);
    const other = h.sotw(KEY, "other");
    c.send({ typeUrl: EDS, resourceNames: ["a-cluster", "b-cluster"] });
    const r1 = await c.expect(EDS);
    expect(names(r1)).toEqual(["a-cluster", "b-cluster"]);
    c.ack(r1, ["a-cluster", "b-cluster"]);
    other.send({ typeUrl: EDS, resourceNames: ["a-cluster"] });
    other.ack(await other.expect(EDS), ["a-cluster"]);
    const snap = h.cache.setSnapshot(KEY, merge(chain("a"), chain("b", [["127.0.0.8", 8]])));
    const r2 = await c.expect(EDS);
    expect(names(r2)).toEqual(["b-cluster"]);
    expect(r2.versionInfo).toBe(snap.types.endpoint.version);
    // The stream that did not ask for b-cluster gets nothing.
    expect(await other.drain()).toEqual([]);
  });
});

describe("names that do not exist yet", () => {
  it("RDS: nothing until the name appears, then it is pushed", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    c.send({ typeUrl: RDS, resourceNames: ["later-routes"] });
    expect(await c.drain()).toEqual([]);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("later")));
    const r = await c.expect(RDS);
    expect(names(r)).toEqual(["later-routes"]);
  });

  it("named LDS: answered at once (full state says it does not exist), pushed when it appears", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    c.send({ typeUrl: LDS, resourceNames: ["later"] });
    const r1 = await c.expect(LDS);
    expect(names(r1)).toEqual([]);
    c.ack(r1, ["later"]);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("later")));
    expect(names(await c.expect(LDS))).toEqual(["later"]);
  });
});

describe("SotW full-state removal", () => {
  it("CDS/LDS responses drop removed resources; an empty snapshot empties them", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const c = h.sotw(KEY);
    const r1 = await cdsAcked(c);
    expect(names(r1)).toEqual(["a-cluster", "b-cluster"]);
    h.cache.setSnapshot(KEY, chain("a"));
    const r2 = await c.expect(CDS);
    expect(names(r2)).toEqual(["a-cluster"]);
    c.ack(r2);
    h.cache.setSnapshot(KEY, { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] });
    const r3 = await c.expect(CDS);
    expect(r3.resources).toEqual([]);
  });
});

describe("make before break", () => {
  it("adds clusters, then endpoints, then routes; removes the old cluster last", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    // Envoy's order: CDS, EDS for its clusters, LDS, RDS for its listeners.
    const cds1 = await cdsAcked(c);
    c.send({ typeUrl: EDS, resourceNames: ["a-cluster"] });
    c.ack(await c.expect(EDS), ["a-cluster"]);
    c.send({ typeUrl: LDS });
    c.ack(await c.expect(LDS));
    c.send({ typeUrl: RDS, resourceNames: ["a-routes"] });
    c.ack(await c.expect(RDS), ["a-routes"]);
    expect(names(cds1)).toEqual(["a-cluster"]);

    // The route now goes to new-cluster; a-cluster is no longer used.
    const next = chain("a");
    next.routes[0] = routeConfig("a-routes", ["*"], [["/", "new-cluster"]]);
    next.clusters[0] = edsCluster("new-cluster");
    next.endpoints[0] = endpoints("new-cluster", [["127.0.0.1", 2]]);
    h.cache.setSnapshot(KEY, next);

    const cds2 = await c.next();
    expect(cds2.typeUrl).toBe(CDS);
    // The old cluster stays until its replacement is in use.
    expect(names(cds2)).toEqual(["a-cluster", "new-cluster"]);
    // Nothing else is pushed until CDS is answered; what the client asks for is answered at once
    // (the next test).
    expect(await c.drain()).toEqual([]);
    c.send({ typeUrl: EDS, resourceNames: ["a-cluster", "new-cluster"] });
    c.ack(cds2);
    const eds = await c.next();
    expect(eds.typeUrl).toBe(EDS);
    expect(names(eds)).toEqual(["new-cluster"]);
    c.ack(eds, ["a-cluster", "new-cluster"]);
    const rds = await c.next();
    expect(rds.typeUrl).toBe(RDS);
    c.ack(rds, ["a-routes"]);
    // Only now is the old cluster removed.
    const cds3 = await c.next();
    expect(cds3.typeUrl).toBe(CDS);
    expect(names(cds3)).toEqual(["new-cluster"]);
    c.ack(cds3);
    expect(await c.drain()).toEqual([]);
  });

  it("answers EDS for a new cluster before CDS is ACKed: Envoy ACKs CDS only once the cluster has warmed on it", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    await cdsAcked(c);
    c.send({ typeUrl: EDS, resourceNames: ["a-cluster"] });
    c.ack(await c.expect(EDS), ["a-cluster"]);
    c.send({ typeUrl: LDS });
    c.ack(await c.expect(LDS));
    c.send({ typeUrl: RDS, resourceNames: ["a-routes"] });
    c.ack(await c.expect(RDS), ["a-routes"]);

    const next = merge(chain("a"), chain("b"));
    h.cache.setSnapshot(KEY, next);
    const cds = await c.next();
    expect(cds.typeUrl).toBe(CDS);
    // Envoy 1.40: the new cluster asks for its endpoints while the CDS response is still un-ACKed.
    c.send({ typeUrl: EDS, resourceNames: ["a-cluster", "b-cluster"] });
    const eds = await c.next();
    expect(eds.typeUrl).toBe(EDS);
    expect(names(eds)).toEqual(["b-cluster"]);
    // Listeners still wait for the clusters' ACK.
    c.ack(eds, ["a-cluster", "b-cluster"]);
    expect(await c.drain()).toEqual([]);
    c.ack(cds);
    expect((await c.next()).typeUrl).toBe(LDS);
  });

  it("replaces a listener in one LDS response (Envoy removes before it adds, so addresses can be reused)", async () => {
    h.cache.setSnapshot(KEY, chain("old"));
    const c = h.sotw(KEY);
    c.send({ typeUrl: LDS });
    const r1 = await c.expect(LDS);
    c.ack(r1);
    const next = chain("old");
    next.listeners[0] = apiListener("new", "old-routes");
    h.cache.setSnapshot(KEY, next);
    const r2 = await c.expect(LDS);
    expect(names(r2)).toEqual(["new"]);
    c.ack(r2);
    expect(await c.drain()).toEqual([]);
  });

  it("sends SDS before the listeners that use it", async () => {
    const c = h.sotw(KEY);
    h.cache.setSnapshot(KEY, chain("a"));
    c.send({ typeUrl: LDS });
    c.ack(await c.expect(LDS));
    c.send({ typeUrl: "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret", resourceNames: ["cert"] });
    expect(await c.drain()).toEqual([]);
    const r = merge(chain("a"), chain("b"));
    const { SecretSchema } = await import("../../src/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js");
    r.secrets.push(create(SecretSchema, { name: "cert" }));
    h.cache.setSnapshot(KEY, r);
    const first = await c.next();
    expect(first.typeUrl).toContain("Secret");
    c.ack(first, ["cert"]);
    const second = await c.next();
    expect(second.typeUrl).toBe(LDS);
    expect(names(second)).toEqual(["a", "b"]);
  });
});

describe("reconnect", () => {
  it("answers a client that quotes its last version on a new stream", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c1 = h.sotw(KEY);
    const r1 = await cdsAcked(c1);
    c1.send({ typeUrl: RDS, resourceNames: ["a-routes"] });
    const rds1 = await c1.expect(RDS);
    c1.cancel();
    const c2 = h.sotw(KEY);
    c2.send({ typeUrl: CDS, versionInfo: r1.versionInfo });
    const r2 = await c2.expect(CDS);
    expect(r2.versionInfo).toBe(r1.versionInfo);
    expect(names(r2)).toEqual(["a-cluster"]);
    c2.send({ typeUrl: RDS, versionInfo: rds1.versionInfo, resourceNames: ["a-routes"] });
    c2.ack(r2);
    expect(names(await c2.expect(RDS))).toEqual(["a-routes"]);
  });
});

describe("reconnect with an old nonce", () => {
  it("answers a first request that quotes a nonce of an earlier stream", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    c.send({ typeUrl: CDS, versionInfo: "old", responseNonce: "nonce-from-another-server" });
    expect(names(await c.expect(CDS))).toEqual(["a-cluster"]);
  });
});

describe("types we do not serve", () => {
  it("answers with an empty response, once", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    const typeUrl = "type.googleapis.com/envoy.service.runtime.v3.Runtime";
    c.send({ typeUrl, resourceNames: ["rtds"] });
    const r = await c.expect(typeUrl);
    expect(r.resources).toEqual([]);
    c.ack(r, ["rtds"]);
    expect(await c.drain()).toEqual([]);
  });
});

describe("snapshot keys", () => {
  it("a node of an unknown Gateway gets nothing, never another Gateway's resources, until its snapshot exists", async () => {
    h.cache.setSnapshot("default/other", chain("other"));
    const c = h.sotw("default/missing");
    c.send({ typeUrl: CDS });
    c.send({ typeUrl: LDS });
    // No response at all can be awaited here; wait until the server has both requests.
    await waitFor(() => h.server.nodes()[0]?.types.length === 2, "the server holds both requests");
    expect(h.server.nodes()[0]?.types.every((t) => t.lastSentVersion === undefined)).toBe(true);
    expect(c.inbox.pending).toEqual([]);
    expect(await h.registry.metrics()).toMatch(/switchyard_xds_unknown_snapshot_streams_total 1/);
    h.cache.setSnapshot("default/missing", chain("mine"));
    const r = await c.expect(CDS);
    expect(names(r)).toEqual(["mine-cluster"]);
  });

  it("identical content pushes nothing", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    await cdsAcked(c);
    h.cache.setSnapshot(KEY, chain("a"));
    expect(await c.drain()).toEqual([]);
  });

  it("a stream that falls behind gets the latest snapshot only", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.sotw(KEY);
    c.send({ typeUrl: CDS });
    const r1 = await c.expect(CDS);
    // Not ACKed yet: three more versions arrive meanwhile.
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("c")));
    const last = h.cache.setSnapshot(KEY, merge(chain("a"), chain("d")));
    expect(await c.drain()).toEqual([]);
    c.ack(r1);
    const r2 = await c.expect(CDS);
    expect(r2.versionInfo).toBe(last.types.cluster.version);
    expect(names(r2)).toEqual(["a-cluster", "d-cluster"]);
  });
});
