// The operator's log lines: loads, pushes (what changed, to how many proxies), and objects that
// turn invalid or valid again, from computed status alone.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildResourceSet } from "../../src/api/resource-set.ts";
import type { StatusUpdate } from "../../src/api/translation.ts";
import { createLogger } from "../../src/observability/log.ts";
import { Reporter, snapshotDiff, type SnapshotLike } from "../../src/report/index.ts";
import { parseManifests } from "../translator/load.ts";

function capture() {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "info", destination, format: "json" }) };
}

function snap(version: string, types: Partial<Record<string, Record<string, string>>>): SnapshotLike {
  const all = ["listener", "route", "cluster", "endpoint", "secret"] as const;
  return {
    version,
    types: Object.fromEntries(all.map((t) => [t, { version: JSON.stringify(types[t] ?? {}), byName: new Map(Object.entries(types[t] ?? {}).map(([n, v]) => [n, { version: v }])) }])) as unknown as SnapshotLike["types"],
  };
}

const route = (status: "True" | "False"): StatusUpdate => ({
  kind: "HTTPRoute",
  target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "default", name: "shop" },
  parents: [
    {
      parentRef: { name: "eg" },
      controllerName: "x",
      conditions: [
        { type: "Accepted", status: "True", reason: "Accepted", message: "" },
        { type: "ResolvedRefs", status, reason: status === "True" ? "ResolvedRefs" : "BackendNotFound", message: status === "True" ? "" : "Service default/ghost does not exist" },
      ],
    },
  ],
});

describe("Reporter", () => {
  it("logs an object that turns invalid once, and again when it is valid", () => {
    const { lines, logger } = capture();
    const r = new Reporter(logger);
    r.statuses([route("True")]);
    r.statuses([route("False")]);
    r.statuses([route("False")]);
    r.statuses([route("True")]);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, "HTTPRoute default/shop is invalid: parent default/eg: ResolvedRefs=False BackendNotFound: Service default/ghost does not exist"],
      [30, "HTTPRoute default/shop is valid again"],
    ]);
  });

  it("logs each pushed version with what changed and the proxy count, and nothing for the same version", () => {
    const { lines, logger } = capture();
    const r = new Reporter(logger);
    const v1 = snap("v1", { listener: { l: "1" }, cluster: { a: "1", b: "1" } });
    const v2 = snap("v2", { listener: { l: "2" }, cluster: { a: "1", c: "1" } });
    r.snapshot("default/eg", v1, 0);
    r.snapshot("default/eg", v1, 0);
    r.snapshot("default/eg", v2, 3);
    expect(lines.map((l) => l.msg)).toEqual(["pushing default/eg version v1 (listeners +1, clusters +2) to 0 proxies", "pushing default/eg version v2 (listeners ~1, clusters +1 -1) to 3 proxies"]);
    expect(lines[1]).toMatchObject({ gateway: "default/eg", version: "v2", previous: "v1", proxies: 3, changes: { listener: { changed: ["l"] }, cluster: { added: ["c"], removed: ["b"] } } });
    expect(snapshotDiff(v2, v2)).toEqual({});
  });

  it("logs what was loaded, per kind, when the counts change", () => {
    const { lines, logger } = capture();
    const r = new Reporter(logger);
    const rs = buildResourceSet(parseManifests(`apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: default}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b, namespace: default}\nspec: {ports: [{port: 80}]}\n`));
    r.loaded(rs);
    r.loaded(rs);
    expect(lines.map((l) => l.msg)).toEqual(["loaded 2 objects: 2 Service"]);
    expect(lines[0]!.kinds).toEqual({ Service: 2 });
  });
});

describe("createLogger", () => {
  it("prints human lines with pino-pretty when asked (a terminal gets them by default), JSON otherwise", () => {
    let text = "";
    const destination = new Writable({
      write(chunk: Buffer, _e, done) {
        text += chunk.toString();
        done();
      },
    });
    createLogger({ level: "info", destination, format: "pretty" }).info({ gateway: "default/eg" }, "pushing default/eg");
    expect(text).toMatch(/INFO.*: pushing default\/eg\n\s+gateway: "default\/eg"/);
    expect(() => JSON.parse(text)).toThrow();
  });
});

describe("statusProblems", () => {
  it("lists a ListenerSet's own and its listeners' bad conditions", async () => {
    const { statusProblems } = await import("../../src/report/problems.ts");
    const set: StatusUpdate = {
      kind: "ListenerSet",
      target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "apps", name: "extra" },
      status: {
        conditions: [{ type: "Accepted", status: "False", reason: "NotAllowed", message: "Gateway default/eg does not allow ListenerSets from apps" }],
        listeners: [{ name: "web", attachedRoutes: 0, supportedKinds: [], conditions: [{ type: "Conflicted", status: "True", reason: "HostnameConflict", message: "hostname taken" }] }],
      },
    };
    const problems = statusProblems([set]);
    expect(problems.map((p) => [p.object, p.where ?? "", p.reason])).toEqual([
      ["ListenerSet apps/extra", "", "NotAllowed"],
      ["ListenerSet apps/extra", "listener web", "HostnameConflict"],
    ]);
  });
});
