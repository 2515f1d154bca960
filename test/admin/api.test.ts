// The admin JSON API behind the UI and the CLI: problems, proxy status, a Gateway as tables,
// explain, and the change events, on a small hand-made state.
import { create } from "@bufbuild/protobuf";
import { afterAll, describe, expect, it } from "vitest";
import { buildAdminServer, type AdminState } from "../../src/admin/server.ts";
import { TYPE_URL, emptyResources } from "../../src/api/xds.ts";
import type { StatusUpdate } from "../../src/api/translation.ts";
import { ListenerSchema } from "../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { silentLogger } from "../../src/observability/log.ts";
import { createRegistry } from "../../src/observability/metrics.ts";

const resources = {
  ...emptyResources(),
  listeners: [create(ListenerSchema, { name: "default/eg/http", address: { address: { case: "socketAddress", value: { address: "0.0.0.0", portSpecifier: { case: "portValue", value: 8080 } } } } })],
};
const types = Object.fromEntries((["listener", "route", "cluster", "endpoint", "secret"] as const).map((t) => [t, { version: `${t}-v2`, byName: { size: t === "listener" ? 1 : 0 } }]));
const statuses: StatusUpdate[] = [
  {
    kind: "Gateway",
    target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "default", name: "eg" },
    status: { conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message: "" }], listeners: [{ name: "http", supportedKinds: [], attachedRoutes: 1, conditions: [{ type: "Conflicted", status: "True", reason: "HostnameConflict", message: "listeners http and other share port 8080 and hostname" }] }] },
  },
  {
    kind: "HTTPRoute",
    target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "default", name: "shop" },
    parents: [{ parentRef: { name: "eg" }, controllerName: "c", conditions: [{ type: "ResolvedRefs", status: "False", reason: "BackendNotFound", message: "Service default/ghost does not exist" }] }],
  },
];
let listener: ((topic: string) => void) | undefined;
const state: AdminState = {
  ready: () => true,
  snapshots: { keys: () => ["default/eg"], getSnapshot: (k) => (k === "default/eg" ? { version: "snap-v2", resources, types } : undefined) },
  statuses: () => statuses,
  configErrors: () => [{ file: "/cfg/broken.yaml", line: 3, message: "YAML: bad indentation" }],
  validationFailures: () => ({ "default/eg": [{ type: "cluster", name: "service/default/x/80", violations: [{ field: "name", rule: "min_len", message: "too short" }] }] }),
  nodes: () => [
    {
      streamId: 1,
      nodeId: "envoy-1",
      snapshotKey: "default/eg",
      protocol: "sotw",
      peer: "p",
      connectedSince: "2026-01-01T00:00:00Z",
      syncedVersion: "snap-v1",
      types: [
        { typeUrl: TYPE_URL.listener, lastAckedVersion: "listener-v1", awaitingAck: true },
        { typeUrl: TYPE_URL.cluster, lastAckedVersion: "cluster-v2", awaitingAck: false },
        { typeUrl: TYPE_URL.route, lastAckedVersion: "route-v1", lastNackedVersion: "route-v2", nackMessage: "bad route", awaitingAck: false },
      ],
    },
  ],
  subscribe(l) {
    listener = l;
    return () => (listener = undefined);
  },
};
const app = buildAdminServer({ host: "127.0.0.1", port: 0, state, registry: createRegistry(), logger: silentLogger() });
afterAll(() => app.close());

describe("admin API", () => {
  it("/api/problems gathers input errors, bad conditions (False, and True for Conflicted) and withheld resources", async () => {
    const res = (await app.inject("/api/problems")).json() as { category: string; object: string; where?: string; type: string; reason: string }[];
    expect(res.map((p) => [p.category, p.object, p.where, p.type, p.reason])).toEqual([
      ["config", "/cfg/broken.yaml", "line 3", "InputError", "Unreadable"],
      ["status", "Gateway default/eg", "listener http", "Conflicted", "HostnameConflict"],
      ["status", "HTTPRoute default/shop", "parent default/eg", "ResolvedRefs", "BackendNotFound"],
      ["withheld", "cluster service/default/x/80", undefined, "Validation", "FailsValidation"],
    ]);
    expect((await app.inject("/api/summary")).json()).toMatchObject({ ready: true, problems: 4 });
  });

  it("/api/proxies says per type SYNCED, STALE (sent, not answered) or NACKED against the snapshot's type versions", async () => {
    const [p] = (await app.inject("/api/proxies")).json() as { state: string; snapshotVersion: string; syncedVersion: string; types: Record<string, { state: string; message?: string }> }[];
    expect(p!.types.cluster!.state).toBe("SYNCED");
    expect(p!.types.listener!.state).toBe("STALE");
    expect(p!.types.route).toMatchObject({ state: "NACKED", message: "bad route" });
    expect(p!.types.endpoint!.state).toBe("-");
    expect(p).toMatchObject({ state: "NACKED", snapshotVersion: "snap-v2", syncedVersion: "snap-v1" });
  });

  it("/api/gateways/:ns/:name gives listeners with their port and the Gateway's conditions", async () => {
    const tree = (await app.inject("/api/gateways/default/eg")).json() as { listeners: { name: string; port: number }[]; gateway: { where?: string }[]; routes: { object: string }[] };
    expect(tree.listeners).toEqual([{ name: "default/eg/http", port: 8080, protocol: "TCP", chains: [] }]);
    expect(tree.gateway.map((g) => g.where)).toEqual([undefined, "listener http"]);
    expect(tree.routes.map((r) => r.object)).toEqual(["HTTPRoute default/shop"]);
    expect((await app.inject("/api/gateways/default/nope")).statusCode).toBe(404);
  });

  it("/api/explain answers 400 for a malformed request and 404 for an unknown Gateway, and explains a known one", async () => {
    expect((await app.inject("/api/explain?gateway=eg")).json()).toEqual({ error: 'gateway must be NAMESPACE/NAME, got "eg"' });
    expect((await app.inject("/api/explain?gateway=default/eg&path=shop")).statusCode).toBe(400);
    expect((await app.inject("/api/explain?gateway=default/eg&header=nocolon")).json()).toEqual({ error: 'header "nocolon" must be NAME:VALUE' });
    expect((await app.inject("/api/explain?gateway=default/nope")).statusCode).toBe(404);
    const res = (await app.inject("/api/explain?gateway=default/eg&host=a&path=/x")).json() as { version: string; outcome: { kind: string; summary: string } };
    expect(res.version).toBe("snap-v2");
    // The listener has no filter chains: Envoy would close the connection.
    expect(res.outcome.kind).toBe("rejected");
    const post = await app.inject({ method: "POST", url: "/api/explain", payload: { gateway: "default/eg", port: 9999 } });
    expect((post.json() as { outcome: { summary: string } }).outcome.summary).toBe("no listener on port 9999: the connection is refused");
  });

  it("/api/events sends one change event per burst of changes, with the topics", async () => {
    const addr = await app.listen({ port: 0, host: "127.0.0.1" });
    const res = await fetch(`${addr}/api/events`);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += decoder.decode((await reader.read()).value);
    };
    await readUntil("event: hello");
    listener!("snapshot");
    listener!("status");
    listener!("snapshot");
    await readUntil("event: change");
    await readUntil("\n\n");
    expect(text.slice(text.indexOf("event: change"))).toBe('event: change\ndata: {"seq":1,"topics":["snapshot","status"]}\n\n');
    await reader.cancel();
  });

  it("serves the UI's files", async () => {
    const page = await app.inject("/");
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toContain('<script type="module" src="/ui/app.js">');
    expect((await app.inject("/ui/app.js")).headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect((await app.inject("/ui/style.css")).statusCode).toBe(200);
  });
});
