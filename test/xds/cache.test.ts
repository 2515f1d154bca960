import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { Cluster_LbPolicy } from "../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { SnapshotCache, noValidation } from "../../src/xds/cache.ts";
import { createRegistry } from "../../src/observability/metrics.ts";
import { MESH_SNAPSHOT_KEY, emptyResources } from "../../src/api/xds.ts";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { chain, edsCluster, merge, routeConfig } from "./fixtures.ts";
import { validateResources } from "../../src/xds/validate/index.ts";

describe("SnapshotCache", () => {
  it("keeps the version when the content is the same, whatever the order", () => {
    const cache = new SnapshotCache({ validate: noValidation });
    const changes: string[] = [];
    cache.onChange((key) => changes.push(key));
    const s1 = cache.setSnapshot("ns/gw", merge(chain("a"), chain("b")));
    const s2 = cache.setSnapshot("ns/gw", merge(chain("b"), chain("a")));
    expect(s2).toBe(s1);
    expect(changes).toEqual(["ns/gw"]);
  });

  it("changes only the versions of what changed, and shares unchanged encodings", () => {
    const cache = new SnapshotCache({ validate: noValidation });
    const s1 = cache.setSnapshot("ns/gw", merge(chain("a"), chain("b")));
    const next = merge(chain("a"), chain("b"));
    next.clusters[1] = edsCluster("b-cluster");
    next.clusters[1].lbPolicy = Cluster_LbPolicy.RANDOM;
    const s2 = cache.setSnapshot("ns/gw", next);
    expect(s2.version).not.toBe(s1.version);
    expect(s2.types.cluster.version).not.toBe(s1.types.cluster.version);
    expect(s2.types.cluster.byName.get("a-cluster")).toBe(s1.types.cluster.byName.get("a-cluster"));
    expect(s2.types.cluster.byName.get("b-cluster")?.version).not.toBe(s1.types.cluster.byName.get("b-cluster")?.version);
    // Untouched types keep their set object.
    expect(s2.types.listener).toBe(s1.types.listener);
    expect(s2.types.route).toBe(s1.types.route);
  });

  it("updates failures without a push when only withheld resources change", () => {
    const cache = new SnapshotCache();
    const changes: string[] = [];
    cache.onChange((key) => changes.push(key));
    const s1 = cache.setSnapshot("ns/gw", chain("a"));
    const r = chain("a");
    r.clusters.push(edsCluster(""));
    const s2 = cache.setSnapshot("ns/gw", r);
    expect(s2.version).toBe(s1.version);
    expect(changes).toEqual(["ns/gw"]);
    expect(cache.getSnapshot("ns/gw")?.failures).toHaveLength(1);
    expect(cache.failures("ns/gw")).toHaveLength(1);
    cache.setSnapshot("ns/gw", chain("a"));
    expect(cache.failures("ns/gw")).toHaveLength(0);
    expect(changes).toEqual(["ns/gw"]);
  });

  it("lists keys, deletes, and tells listeners", () => {
    const cache = new SnapshotCache({ validate: noValidation });
    const seen: [string, boolean][] = [];
    cache.onChange((key, snap) => seen.push([key, snap !== undefined]));
    cache.setSnapshot("ns/b", chain("x"));
    cache.setSnapshot(MESH_SNAPSHOT_KEY, chain("m"));
    cache.setSnapshot("ns/a", emptyResources());
    expect(cache.keys()).toEqual(["mesh", "ns/a", "ns/b"]);
    expect(cache.deleteSnapshot("ns/b")).toBe(true);
    expect(cache.deleteSnapshot("ns/b")).toBe(false);
    expect(cache.getSnapshot("ns/b")).toBeUndefined();
    expect(seen).toEqual([
      ["ns/b", true],
      ["mesh", true],
      ["ns/a", true],
      ["ns/b", false],
    ]);
  });

  it("withholds resources that fail Envoy's rules, and their dependants, and serves the rest", () => {
    const registry = createRegistry();
    const cache = new SnapshotCache({ registry });
    const r = merge(chain("good"), chain("bad"));
    // connect_timeout must be > 0 (duration.gt) in envoy.config.cluster.v3.Cluster.
    const bad = r.clusters.find((c) => c.name === "bad-cluster");
    if (!bad) throw new Error("fixture");
    bad.connectTimeout = create(DurationSchema, { seconds: -1n });
    const snap = cache.setSnapshot("ns/gw", r);
    expect([...snap.types.cluster.byName.keys()]).toEqual(["good-cluster"]);
    expect([...snap.types.endpoint.byName.keys()]).toEqual(["good-cluster"]);
    expect([...snap.types.listener.byName.keys()].sort()).toContain("good");
    const own = cache.failures("ns/gw").find((f) => f.name === "bad-cluster");
    expect(own?.type).toBe("cluster");
    expect(own?.violations[0]?.field).toContain("connect_timeout");
    expect(own?.violations[0]?.rule).toMatch(/^duration\./);
    const dependant = cache.failures("ns/gw").find((f) => f.type === "endpoint" && f.name === "bad-cluster");
    expect(dependant?.withheldBecause).toBeTruthy();
    expect(cache.allFailures()["ns/gw"]?.length).toBe(cache.failures("ns/gw").length);
  });

  it("reports validation failures as a gauge per snapshot and type", async () => {
    const registry = createRegistry();
    const cache = new SnapshotCache({ registry });
    const r = chain("x");
    r.clusters.push(edsCluster(""));
    cache.setSnapshot("ns/gw", r);
    const text = await registry.metrics();
    expect(text).toMatch(/switchyard_xds_validation_failures\{snapshot="ns\/gw",type="cluster"\} 1/);
    cache.setSnapshot("ns/gw", chain("x"));
    expect(await registry.metrics()).toMatch(/switchyard_xds_validation_failures\{snapshot="ns\/gw",type="cluster"\} 0/);
    cache.deleteSnapshot("ns/gw");
    expect(await registry.metrics()).not.toMatch(/snapshot="ns\/gw"/);
  });

  it("refuses unnamed and duplicate resources even when validation is bypassed", () => {
    const cache = new SnapshotCache({ validate: noValidation });
    const r = merge(chain("a"), chain("a"));
    r.clusters.push(edsCluster(""));
    const snap = cache.setSnapshot("ns/gw", r);
    expect(snap.types.cluster.byName.size).toBe(1);
    expect(cache.failures("ns/gw").map((f) => [f.type, f.name])).toContainEqual(["cluster", "a-cluster"]);
    expect(cache.failures("ns/gw").map((f) => [f.type, f.name])).toContainEqual(["cluster", ""]);
  });

  it("validates incrementally with the same outcome as validateResources, as content changes", () => {
    const cache = new SnapshotCache();
    const snapshots = [];
    const base = merge(chain("a"), chain("b"), chain("c"));
    snapshots.push(base);
    const badB = merge(chain("a"), chain("b"), chain("c"));
    badB.clusters[1]!.connectTimeout = create(DurationSchema, { seconds: -5n });
    snapshots.push(badB);
    // b fixed, a's routes lose their domains (repeated.min_items), so the a listener is withheld too.
    const badA = merge(chain("a"), chain("b"), chain("c"));
    badA.routes[0] = routeConfig("a-routes", [], [["/", "a-cluster"]]);
    snapshots.push(badA, base, badB);
    const failedPerRound: number[] = [];
    for (const r of snapshots) {
      const snap = cache.setSnapshot("ns/gw", r);
      failedPerRound.push(snap.failures.length);
      const expected = validateResources(r);
      const key = (f: { type: string; name: string }) => `${f.type}/${f.name}`;
      expect(snap.failures.map(key).sort()).toEqual(expected.failures.map(key).sort());
      expect([...snap.types.cluster.byName.keys()]).toEqual(expected.served.clusters.map((c) => c.name).sort());
      expect([...snap.types.listener.byName.keys()]).toEqual(expected.served.listeners.map((l) => l.name).sort());
      expect([...snap.types.route.byName.keys()]).toEqual(expected.served.routes.map((l) => l.name).sort());
      expect([...snap.types.endpoint.byName.keys()]).toEqual(expected.served.endpoints.map((e) => e.clusterName).sort());
    }
    // bad cluster + its endpoints; bad routes + their listener; none; bad cluster again.
    expect(failedPerRound).toEqual([0, 2, 2, 0, 2]);
  });
});

describe("immutableMessages", () => {
  // The contract made visible: with the option a message object already served is not encoded
  // again, so a change made to it in place goes unseen; without it every setSnapshot re-encodes.
  for (const immutableMessages of [true, false]) {
    it(`${immutableMessages ? "reuses" : "re-encodes"} a message object set again`, () => {
      const cache = new SnapshotCache({ immutableMessages });
      const r = emptyResources();
      const cluster = edsCluster("a");
      r.clusters.push(cluster);
      const first = cache.setSnapshot("k", r).types.cluster.version;
      cluster.lbPolicy = cluster.lbPolicy === Cluster_LbPolicy.RANDOM ? Cluster_LbPolicy.ROUND_ROBIN : Cluster_LbPolicy.RANDOM;
      const second = cache.setSnapshot("k", { ...r, clusters: [cluster] }).types.cluster.version;
      expect(second === first).toBe(immutableMessages);
    });
  }
});
