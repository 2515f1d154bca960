// Delta (incremental) ADS, rule by rule, with a raw client.
import { create } from "@bufbuild/protobuf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Cluster_LbPolicy } from "../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { StatusSchema } from "../../src/gen/google/rpc/status_pb.js";
import type { DeltaDiscoveryResponse } from "../../src/gen/envoy/service/discovery/v3/discovery_pb.js";
import { apiListener, chain, edsCluster, endpoints, merge, routeConfig } from "./fixtures.ts";
import { CDS, EDS, LDS, RDS, harness, type DeltaClient, type Harness } from "./ads-client.ts";

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const KEY = "default/gw";

const resNames = (r: DeltaDiscoveryResponse): string[] => r.resources.map((x) => x.name).sort();

async function wildcardCds(c: DeltaClient): Promise<DeltaDiscoveryResponse> {
  c.send({ typeUrl: CDS });
  const r = await c.expect(CDS);
  c.ack(r);
  return r;
}

describe("Delta subscriptions", () => {
  it("legacy: an empty first subscribe is wildcard for CDS; later only changes are sent", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const c = h.delta(KEY);
    const r1 = await wildcardCds(c);
    expect(resNames(r1)).toEqual(["a-cluster", "b-cluster"]);
    expect(r1.resources.every((r) => r.version !== "" && r.resource !== undefined)).toBe(true);
    expect(r1.nonce).not.toBe("");
    const next = merge(chain("a"), chain("b"));
    next.clusters[1]!.lbPolicy = Cluster_LbPolicy.RANDOM;
    h.cache.setSnapshot(KEY, next);
    const r2 = await c.expect(CDS);
    expect(resNames(r2)).toEqual(["b-cluster"]);
    expect(r2.removedResources).toEqual([]);
  });

  it("removed resources come in removed_resources", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const c = h.delta(KEY);
    await wildcardCds(c);
    h.cache.setSnapshot(KEY, chain("a"));
    const r = await c.expect(CDS);
    expect(r.resources).toEqual([]);
    expect(r.removedResources).toEqual(["b-cluster"]);
  });

  it("named RDS: a missing name is reported removed once, and pushed when it appears", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.delta(KEY);
    c.send({ typeUrl: RDS, resourceNamesSubscribe: ["a-routes", "later-routes"] });
    const r1 = await c.expect(RDS);
    expect(resNames(r1)).toEqual(["a-routes"]);
    expect(r1.removedResources).toEqual(["later-routes"]);
    c.ack(r1);
    expect(await c.drain()).toEqual([]);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("later")));
    const r2 = await c.expect(RDS);
    expect(resNames(r2)).toEqual(["later-routes"]);
  });

  it("RDS is not wildcard: an empty first subscribe asks for nothing", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.delta(KEY);
    c.send({ typeUrl: RDS });
    const r = await c.expect(RDS);
    expect(r.resources).toEqual([]);
    c.ack(r);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    expect(await c.drain()).toEqual([]);
  });

  it("re-sends a name the client subscribes to again, even if it should have it", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.delta(KEY);
    c.send({ typeUrl: EDS, resourceNamesSubscribe: ["a-cluster"] });
    const r1 = await c.expect(EDS);
    c.ack(r1);
    c.send({ typeUrl: EDS, resourceNamesSubscribe: ["a-cluster"] });
    const r2 = await c.expect(EDS);
    expect(resNames(r2)).toEqual(["a-cluster"]);
  });

  it("unsubscribed names get no removal and no updates", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const c = h.delta(KEY);
    c.send({ typeUrl: EDS, resourceNamesSubscribe: ["a-cluster", "b-cluster"] });
    c.ack(await c.expect(EDS));
    c.send({ typeUrl: EDS, resourceNamesUnsubscribe: ["b-cluster"] });
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b", [["127.0.0.5", 5]])));
    expect(await c.drain()).toEqual([]);
    h.cache.setSnapshot(KEY, chain("a", [["127.0.0.6", 6]]));
    const r = await c.expect(EDS);
    expect(resNames(r)).toEqual(["a-cluster"]);
    expect(r.removedResources).toEqual([]);
  });
});

describe("Delta nonces", () => {
  it("counts subscription changes even with a stale nonce", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const c = h.delta(KEY);
    c.send({ typeUrl: EDS, resourceNamesSubscribe: ["a-cluster"] });
    const r1 = await c.expect(EDS);
    c.ack(r1);
    h.cache.setSnapshot(KEY, merge(chain("a", [["127.0.0.7", 7]]), chain("b")));
    const r2 = await c.expect(EDS);
    // Subscribes b-cluster quoting the OLD nonce: SotW would ignore this, Delta must not.
    c.send({ typeUrl: EDS, responseNonce: r1.nonce, resourceNamesSubscribe: ["b-cluster"] });
    c.ack(r2);
    const r3 = await c.expect(EDS);
    expect(resNames(r3)).toEqual(["b-cluster"]);
    const eds = h.server.nodes()[0]?.types.find((t) => t.typeUrl === EDS);
    expect(eds?.subscribed).toEqual(["a-cluster", "b-cluster"]);
  });

  it("a stale or unknown response_nonce ACKs nothing: the response in flight stays un-ACKed", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.delta(KEY);
    const r1 = await wildcardCds(c);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const r2 = await c.expect(CDS);
    const cds = () => h.server.nodes()[0]?.types.find((t) => t.typeUrl === CDS);
    // Requests without error_detail that quote r1's nonce, or one never sent: neither is the ACK of r2.
    c.send({ typeUrl: CDS, responseNonce: r1.nonce });
    c.send({ typeUrl: CDS, responseNonce: "not-a-nonce" });
    expect(await c.drain()).toEqual([]);
    expect(r2.systemVersionInfo).not.toBe(r1.systemVersionInfo);
    expect(cds()?.lastAckedVersion).toBe(r1.systemVersionInfo);
    // The ACK quoting r2's own nonce does count.
    c.ack(r2);
    expect(await c.drain()).toEqual([]);
    expect(cds()?.lastAckedVersion).toBe(r2.systemVersionInfo);
  });

  it("ACK vs NACK by error_detail; a NACK is not answered again", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.delta(KEY);
    const r1 = await wildcardCds(c);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const r2 = await c.expect(CDS);
    c.send({ typeUrl: CDS, responseNonce: r2.nonce, errorDetail: create(StatusSchema, { code: 3, message: "bad b" }) });
    expect(await c.drain()).toEqual([]);
    const cds = h.server.nodes()[0]?.types.find((t) => t.typeUrl === CDS);
    expect(cds?.lastAckedVersion).toBe(r1.systemVersionInfo);
    expect(cds?.lastNackedVersion).toBe(r2.systemVersionInfo);
    expect(cds?.nackMessage).toBe("bad b");
  });
});

describe("Delta after a NACK", () => {
  it("the next response re-sends what the rejected one carried", async () => {
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b")));
    const c = h.delta(KEY);
    c.send({ typeUrl: EDS, resourceNamesSubscribe: ["a-cluster", "b-cluster"] });
    const r1 = await c.expect(EDS);
    c.send({ typeUrl: EDS, responseNonce: r1.nonce, errorDetail: create(StatusSchema, { message: "rejected" }) });
    expect(await c.drain()).toEqual([]);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b", [["127.0.0.4", 4]])));
    const r2 = await c.expect(EDS);
    expect(resNames(r2)).toEqual(["a-cluster", "b-cluster"]);
    c.ack(r2);
    h.cache.setSnapshot(KEY, merge(chain("a"), chain("b", [["127.0.0.5", 5]])));
    expect(resNames(await c.expect(EDS))).toEqual(["b-cluster"]);
  });
});

describe("Delta reconnect", () => {
  it("initial_resource_versions: current ones are not resent, changed ones are, vanished ones are removed", async () => {
    const s1 = h.cache.setSnapshot(KEY, merge(chain("a"), chain("b"), chain("c")));
    const v = (name: string) => s1.types.cluster.byName.get(name)?.version ?? "";
    const next = merge(chain("a"), chain("b"));
    next.clusters[1]!.lbPolicy = Cluster_LbPolicy.RANDOM;
    h.cache.setSnapshot(KEY, next);
    // A client that held a, b and c from before, reconnecting.
    const c = h.delta(KEY);
    c.send({ typeUrl: CDS, initialResourceVersions: { "a-cluster": v("a-cluster"), "b-cluster": v("b-cluster"), "c-cluster": v("c-cluster") } });
    const r1 = await c.expect(CDS);
    expect(resNames(r1)).toEqual(["b-cluster"]);
    c.ack(r1);
    const r2 = await c.expect(CDS);
    expect(r2.resources).toEqual([]);
    expect(r2.removedResources).toEqual(["c-cluster"]);
  });

  it("named: initial versions of names that vanished are reported removed", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.delta(KEY);
    c.send({ typeUrl: RDS, resourceNamesSubscribe: ["gone-routes"], initialResourceVersions: { "gone-routes": "old" } });
    const r1 = await c.expect(RDS);
    expect(r1.removedResources).toEqual([]);
    // Removals come after additions are ACKed (make before break).
    c.ack(r1);
    const r2 = await c.expect(RDS);
    expect(r2.removedResources).toEqual(["gone-routes"]);
    c.ack(r2);
    expect(await c.drain()).toEqual([]);
  });
});

describe("Delta make before break", () => {
  it("adds clusters, then endpoints, then routes; removes the old cluster last", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.delta(KEY);
    await wildcardCds(c);
    c.send({ typeUrl: EDS, resourceNamesSubscribe: ["a-cluster"] });
    c.ack(await c.expect(EDS));
    c.send({ typeUrl: LDS });
    c.ack(await c.expect(LDS));
    c.send({ typeUrl: RDS, resourceNamesSubscribe: ["a-routes"] });
    c.ack(await c.expect(RDS));

    const next = chain("a");
    next.routes[0] = routeConfig("a-routes", ["*"], [["/", "new-cluster"]]);
    next.clusters[0] = edsCluster("new-cluster");
    next.endpoints[0] = endpoints("new-cluster", [["127.0.0.1", 2]]);
    h.cache.setSnapshot(KEY, next);

    const cds = await c.next();
    expect(cds.typeUrl).toBe(CDS);
    expect(resNames(cds)).toEqual(["new-cluster"]);
    expect(cds.removedResources).toEqual([]);
    c.send({ typeUrl: EDS, resourceNamesSubscribe: ["new-cluster"] });
    c.ack(cds);
    const eds = await c.next();
    expect(eds.typeUrl).toBe(EDS);
    expect(resNames(eds)).toEqual(["new-cluster"]);
    c.ack(eds);
    const rds = await c.next();
    expect(rds.typeUrl).toBe(RDS);
    c.ack(rds);
    const removal = await c.next();
    expect(removal.typeUrl).toBe(CDS);
    expect(removal.removedResources).toEqual(["a-cluster"]);
    c.ack(removal);
    const edsRemoval = await c.next();
    expect(edsRemoval.typeUrl).toBe(EDS);
    expect(edsRemoval.removedResources).toEqual(["a-cluster"]);
  });
});

describe("Delta listener replacement", () => {
  it("removes the old listener in the response that adds the new one", async () => {
    h.cache.setSnapshot(KEY, chain("old"));
    const c = h.delta(KEY);
    c.send({ typeUrl: LDS });
    c.ack(await c.expect(LDS));
    const next = chain("old");
    next.listeners[0] = apiListener("new", "old-routes");
    h.cache.setSnapshot(KEY, next);
    const r = await c.expect(LDS);
    expect(resNames(r)).toEqual(["new"]);
    expect(r.removedResources).toEqual(["old"]);
    c.ack(r);
    expect(await c.drain()).toEqual([]);
  });
});

describe("Delta types we do not serve", () => {
  it("reports the subscribed names as not existing", async () => {
    h.cache.setSnapshot(KEY, chain("a"));
    const c = h.delta(KEY);
    const typeUrl = "type.googleapis.com/envoy.service.runtime.v3.Runtime";
    c.send({ typeUrl, resourceNamesSubscribe: ["rtds"] });
    const r = await c.expect(typeUrl);
    expect(r.resources).toEqual([]);
    expect(r.removedResources).toEqual(["rtds"]);
  });
});
