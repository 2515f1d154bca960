import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chain, merge } from "./fixtures.ts";
import { CDS, EDS, LDS, RDS, harness, names, type Harness } from "./ads-client.ts";

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

describe("SotW, Envoy style", () => {
  it("serves wildcard CDS/LDS and named EDS/RDS", async () => {
    h.cache.setSnapshot("default/gw", merge(chain("a"), chain("b")));
    const c = h.sotw("default/gw");
    c.send({ typeUrl: CDS });
    const cds = await c.expect(CDS);
    expect(names(cds)).toEqual(["a-cluster", "b-cluster"]);
    expect(cds.nonce).not.toBe("");
    c.send({ typeUrl: EDS, resourceNames: ["a-cluster"] });
    c.ack(cds);
    const eds = await c.expect(EDS);
    expect(names(eds)).toEqual(["a-cluster"]);
    c.ack(eds, ["a-cluster"]);
    c.send({ typeUrl: LDS });
    const lds = await c.expect(LDS);
    expect(names(lds)).toEqual(["a", "b"]);
    c.ack(lds);
    c.send({ typeUrl: RDS, resourceNames: ["a-routes", "b-routes"] });
    const rds = await c.expect(RDS);
    expect(names(rds)).toEqual(["a-routes", "b-routes"]);
    c.ack(rds, ["a-routes", "b-routes"]);
    expect(await c.drain()).toEqual([]);
    const [st] = h.server.nodes();
    expect(st?.snapshotKey).toBe("default/gw");
    expect(st?.types.find((t) => t.typeUrl === RDS)?.lastAckedVersion).toBe(rds.versionInfo);
  });
});
