// NACKs in the admin list and in Gateway status, without a proxy: NackLog fed
// with AckEvents by hand, withNacks on a real translation.
import { describe, expect, it } from "vitest";
import { TYPE_URL } from "../../src/api/xds.ts";
import { withNacks } from "../../src/controller/nack-status.ts";
import { SnapshotCache } from "../../src/xds/cache.ts";
import { NackLog } from "../../src/xds/nack-log.ts";
import type { AckEvent } from "../../src/xds/server.ts";
import { loadResourceSet } from "../translator/load.ts";
import { BASE, gateway, httpRoute, listenerConds, run, statusOf } from "../translator/tls-helpers.ts";

const GW = gateway("eg", `  - {name: http, port: 80, protocol: HTTP}
  - {name: http-b, port: 80, protocol: HTTP, hostname: b.example.com}
  - {name: other, port: 8080, protocol: HTTP}`);
const DOCS = [GW, httpRoute(8080)];

const ev = (kind: "ack" | "nack", typeUrl: string, message?: string, streamId = 1): AckEvent => ({
  kind, streamId, nodeId: "envoy-1", snapshotKey: "default/eg", typeUrl, version: "v1", nonce: "n", latencyMs: 1, ...(message ? { message } : {}),
});

function setup() {
  const r = run(...DOCS);
  const cache = new SnapshotCache();
  cache.setSnapshot("default/eg", r.gateways[0]!.resources);
  const log = new NackLog(cache);
  let changes = 0;
  log.onChange(() => changes++);
  return { r, log, changes: () => changes };
}

describe("NackLog", () => {
  it("keeps a stream's NACK per type until its next ACK or until it closes, naming the resources the message names", () => {
    const { log, changes } = setup();
    log.record(ev("ack", TYPE_URL.route));
    expect(log.list()).toEqual([]);
    log.record(ev("nack", TYPE_URL.route, "Only a single wildcard domain is permitted in route default/eg/http"));
    expect(log.list()).toMatchObject([{ kind: "nack", type: "route", snapshot: "default/eg", node: "envoy-1", resources: ["default/eg/http"] }]);
    // The same NACK again changes nothing; "default/eg/http" must not also match inside a longer name.
    log.record(ev("nack", TYPE_URL.route, "Only a single wildcard domain is permitted in route default/eg/http"));
    expect(changes()).toBe(1);
    log.record(ev("nack", TYPE_URL.listener, "Error adding/updating listener(s) default/eg/other: bad", 2));
    expect(log.list().map((n) => [n.type, n.resources])).toEqual([["listener", ["default/eg/other"]], ["route", ["default/eg/http"]]]);
    log.record(ev("ack", TYPE_URL.route));
    expect(log.list().map((n) => n.type)).toEqual(["listener"]);
    log.forget(2);
    expect(log.list()).toEqual([]);
    expect(changes()).toBe(4);
  });
});

describe("withNacks", () => {
  it("turns the Gateway and the listeners of the rejected port Programmed=False, and leaves the rest alone", () => {
    const { r, log } = setup();
    log.record(ev("nack", TYPE_URL.route, "Only a single wildcard domain is permitted in route default/eg/http"));
    const rs = loadResourceSet([BASE, ...DOCS].join("\n---\n"));
    const after = { ...r, statuses: withNacks(r.statuses, log.list(), rs) };
    const gw = statusOf(after, "Gateway", "default/eg").status.conditions?.find((c) => c.type === "Programmed");
    expect(gw).toMatchObject({ status: "False", reason: "Invalid", message: "proxy envoy-1 rejected route default/eg/http: Only a single wildcard domain is permitted in route default/eg/http" });
    for (const l of ["http", "http-b"]) expect(listenerConds(after, "default/eg", l).find((c) => c.type === "Programmed")).toMatchObject({ status: "False", reason: "Invalid" });
    expect(listenerConds(after, "default/eg", "other").find((c) => c.type === "Programmed")).toMatchObject({ status: "True" });
    // Other objects and the input are untouched.
    expect(after.statuses.filter((s) => s.kind !== "Gateway")).toEqual(r.statuses.filter((s) => s.kind !== "Gateway"));
    expect(statusOf(r, "Gateway", "default/eg").status.conditions?.find((c) => c.type === "Programmed")?.status).toBe("True");
  });

  it("a NACK of another type marks only the Gateway", () => {
    const { r, log } = setup();
    log.record(ev("nack", TYPE_URL.cluster, "cluster: bad"));
    const rs = loadResourceSet([BASE, ...DOCS].join("\n---\n"));
    const after = { ...r, statuses: withNacks(r.statuses, log.list(), rs) };
    expect(statusOf(after, "Gateway", "default/eg").status.conditions?.find((c) => c.type === "Programmed")).toMatchObject({ status: "False", message: "proxy envoy-1 rejected cluster: cluster: bad" });
    for (const l of ["http", "http-b", "other"]) expect(listenerConds(after, "default/eg", l).find((c) => c.type === "Programmed")?.status).toBe("True");
  });
});
