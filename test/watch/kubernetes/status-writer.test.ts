// The status writer against the loopback API-server fixture: PUTs to /status
// with resourceVersion, 409 retries, only our controllerName's entries.
import { afterEach, describe, expect, it } from "vitest";
import type { K8sObject } from "../../../src/api/meta.ts";
import type { StatusUpdate } from "../../../src/api/translation.ts";
import { silentLogger } from "../../../src/observability/log.ts";
import { createRegistry } from "../../../src/observability/metrics.ts";
import { KubeClient } from "../../../src/watch/kubernetes/kube-http.ts";
import { StatusWriter, type StatusWriterOptions } from "../../../src/watch/kubernetes/status-writer.ts";
import { ApiServerFixture } from "../../fixtures/apiserver/fixture.ts";
import type { Obj } from "../../fixtures/apiserver/store.ts";
import { captureLogger, metricValue, waitFor } from "./helpers.ts";

const GW = "gateway.networking.k8s.io/v1";
const US = "switchyard.dev/gateway-controller";
const OTHER = "example.com/other-controller";

let fixture: ApiServerFixture;
let writer: StatusWriter | undefined;
afterEach(async () => {
  writer?.stop();
  writer = undefined;
  await fixture?.stop();
});

const otherEntry = {
  parentRef: { name: "their-gw", namespace: "default" },
  controllerName: OTHER,
  conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message: "theirs", lastTransitionTime: "2020-01-01T00:00:00Z", observedGeneration: 1 }],
};

function seedRoute(name = "r", status?: unknown): Obj {
  return fixture.apply({ apiVersion: GW, kind: "HTTPRoute", metadata: { name, namespace: "default" }, spec: { parentRefs: [{ name: "gw" }] }, status: status ?? { parents: [otherEntry] } });
}

function routeUpdate(name = "r", accepted: "True" | "False" = "True", extra: Partial<{ observedGeneration: number }> = {}): StatusUpdate {
  return {
    kind: "HTTPRoute",
    target: { apiVersion: GW, namespace: "default", name },
    parents: [
      {
        parentRef: { name: "gw", namespace: "default" },
        controllerName: US,
        conditions: [
          { type: "Accepted", status: accepted, reason: accepted === "True" ? "Accepted" : "NotAllowedByListeners", message: "", ...extra },
          { type: "ResolvedRefs", status: "True", reason: "ResolvedRefs", message: "", ...extra },
        ],
      },
    ],
  };
}

async function makeWriter(opts: Partial<StatusWriterOptions> = {}) {
  fixture ??= await new ApiServerFixture().start();
  let clock = Date.parse("2026-01-01T00:00:00Z");
  writer = new StatusWriter({
    client: new KubeClient(fixture.kubeConfig()),
    logger: silentLogger(),
    registry: createRegistry(),
    controllerName: US,
    isLeader: () => true,
    retryInitialMs: 10,
    retryMaxMs: 50,
    now: () => new Date((clock += 1000)),
    ...opts,
  });
  return writer;
}

const statusPuts = (token?: string) => fixture.requests.filter((r) => r.method === "PUT" && r.path.endsWith("/status") && (token === undefined || r.token === token));

describe("status writer", () => {
  it("writes only our entries and keeps other controllers' entries untouched", async () => {
    fixture = await new ApiServerFixture().start();
    seedRoute();
    const w = await makeWriter();
    w.publish([routeUpdate()]);
    await w.whenIdle();
    const parents = (fixture.get(GW, "HTTPRoute", "r", "default")?.status as { parents: unknown[] }).parents;
    expect(parents).toHaveLength(2);
    expect(parents[0]).toEqual(otherEntry);
    expect(parents[1]).toMatchObject({ controllerName: US, parentRef: { name: "gw", namespace: "default" } });
    // Conditions get observedGeneration (from the object) and a lastTransitionTime.
    const ours = parents[1] as { conditions: { observedGeneration: number; lastTransitionTime: string }[] };
    expect(ours.conditions.every((c) => c.observedGeneration === 1 && c.lastTransitionTime === "2026-01-01T00:00:01Z")).toBe(true);
  });

  it("writes only what changed, and keeps lastTransitionTime of conditions that did not change", async () => {
    fixture = await new ApiServerFixture().start();
    seedRoute();
    const w = await makeWriter();
    w.publish([routeUpdate()]);
    await w.whenIdle();
    w.publish([routeUpdate()]);
    await w.whenIdle();
    expect(statusPuts()).toHaveLength(1);

    w.publish([routeUpdate("r", "False")]);
    await w.whenIdle();
    expect(statusPuts()).toHaveLength(2);
    const ours = (fixture.get(GW, "HTTPRoute", "r", "default")?.status as { parents: { controllerName: string; conditions: { type: string; status: string; lastTransitionTime: string }[] }[] }).parents.find(
      (p) => p.controllerName === US,
    )!;
    const byType = Object.fromEntries(ours.conditions.map((c) => [c.type, c]));
    expect(byType.Accepted?.status).toBe("False");
    expect(byType.Accepted?.lastTransitionTime).not.toBe("2026-01-01T00:00:01Z");
    expect(byType.ResolvedRefs?.lastTransitionTime).toBe("2026-01-01T00:00:01Z");
  });

  it("on 409 Conflict reads the object again and merges onto the other controller's newer write", async () => {
    fixture = await new ApiServerFixture().start();
    const seeded = seedRoute();
    // A stale cache: the writer's first attempt uses this object and its old resourceVersion.
    const stale = structuredClone(seeded) as unknown as K8sObject;
    const newer = { ...otherEntry, conditions: [{ ...otherEntry.conditions[0]!, message: "theirs, updated" }] };
    fixture.apply({ ...seeded, status: { parents: [newer] } });
    const w = await makeWriter({ lookup: () => stale });
    w.publish([routeUpdate()]);
    await w.whenIdle();
    const puts = statusPuts();
    expect(puts.map((p) => p.status)).toEqual([409, 200]);
    const parents = (fixture.get(GW, "HTTPRoute", "r", "default")?.status as { parents: unknown[] }).parents;
    expect(parents[0]).toEqual(newer);
    expect(parents).toHaveLength(2);
  });

  it("policies: only our ancestors entries are replaced", async () => {
    fixture = await new ApiServerFixture().start();
    const theirs = { ancestorRef: { name: "x" }, controllerName: OTHER, conditions: [] };
    fixture.apply({
      apiVersion: GW,
      kind: "BackendTLSPolicy",
      metadata: { name: "p", namespace: "default" },
      spec: { targetRefs: [], validation: { hostname: "h" } },
      status: { ancestors: [theirs] },
    });
    const w = await makeWriter();
    w.publish([
      {
        kind: "BackendTLSPolicy",
        target: { apiVersion: GW, namespace: "default", name: "p" },
        ancestors: [{ ancestorRef: { name: "gw" }, controllerName: US, conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message: "" }] }],
      },
    ]);
    await w.whenIdle();
    const ancestors = (fixture.get(GW, "BackendTLSPolicy", "p", "default")?.status as { ancestors: { controllerName: string }[] }).ancestors;
    expect(ancestors.map((a) => a.controllerName)).toEqual([OTHER, US]);
    expect(ancestors[0]).toEqual(theirs);
  });

  it("a route that leaves the translation loses our entry, not the others'", async () => {
    fixture = await new ApiServerFixture().start();
    seedRoute();
    const w = await makeWriter();
    w.publish([routeUpdate()]);
    await w.whenIdle();
    w.publish([]);
    await w.whenIdle();
    expect((fixture.get(GW, "HTTPRoute", "r", "default")?.status as { parents: unknown[] }).parents).toEqual([otherEntry]);
    w.publish([]);
    await w.whenIdle();
    expect(statusPuts()).toHaveLength(2);
  });

  it("writes GatewayClass, Gateway and listener status", async () => {
    fixture = await new ApiServerFixture().start();
    fixture.apply({ apiVersion: GW, kind: "GatewayClass", metadata: { name: "sy" }, spec: { controllerName: US } });
    fixture.apply({ apiVersion: GW, kind: "Gateway", metadata: { name: "gw", namespace: "default" }, spec: { gatewayClassName: "sy", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] } });
    const w = await makeWriter();
    const cond = (type: string) => ({ type, status: "True" as const, reason: type, message: "" });
    w.publish([
      { kind: "GatewayClass", target: { apiVersion: GW, name: "sy" }, status: { conditions: [cond("Accepted")] } },
      {
        kind: "Gateway",
        target: { apiVersion: GW, namespace: "default", name: "gw" },
        status: {
          conditions: [cond("Accepted"), cond("Programmed")],
          listeners: [{ name: "http", attachedRoutes: 2, supportedKinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }], conditions: [cond("Accepted"), cond("Programmed")] }],
        },
      },
    ]);
    await w.whenIdle();
    const gc = fixture.get(GW, "GatewayClass", "sy")?.status as { conditions: { type: string; observedGeneration: number }[] };
    expect(gc.conditions.map((c) => c.type)).toEqual(["Accepted"]);
    expect(gc.conditions[0]?.observedGeneration).toBe(1);
    const gw = fixture.get(GW, "Gateway", "gw", "default")?.status as { listeners: { name: string; attachedRoutes: number; conditions: { lastTransitionTime?: string }[] }[] };
    expect(gw.listeners[0]).toMatchObject({ name: "http", attachedRoutes: 2 });
    expect(gw.listeners[0]?.conditions.every((c) => typeof c.lastTransitionTime === "string")).toBe(true);
  });

  it("does not write while not leader, and writes what is pending once it leads", async () => {
    fixture = await new ApiServerFixture().start();
    seedRoute();
    let leading = false;
    const w = await makeWriter({ isLeader: () => leading });
    w.publish([routeUpdate()]);
    await w.whenIdle();
    expect(statusPuts()).toHaveLength(0);
    expect(w.pending).toBe(1);
    leading = true;
    w.leaderChanged(true);
    await waitFor(() => statusPuts().length === 1 && w.pending === 0, "the pending write");
  });

  it("retries after a server error with backoff", async () => {
    fixture = await new ApiServerFixture().start();
    seedRoute();
    fixture.addFault({ method: "PUT", path: "/status", times: 2, action: { type: "status", status: 503 } });
    const w = await makeWriter();
    w.publish([routeUpdate()]);
    await waitFor(() => statusPuts().some((p) => p.status === 200), "a successful write after two 503s");
    expect(statusPuts().map((p) => p.status)).toEqual([503, 503, 200]);
  });

  it("rate-limits a storm of changes", async () => {
    fixture = await new ApiServerFixture().start();
    for (let i = 0; i < 10; i++) seedRoute(`r${i}`);
    const w = await makeWriter({ qps: 20, burst: 2 });
    const t0 = performance.now();
    w.publish(Array.from({ length: 10 }, (_, i) => routeUpdate(`r${i}`)));
    await w.whenIdle();
    const elapsed = performance.now() - t0;
    expect(statusPuts().filter((p) => p.status === 200)).toHaveLength(10);
    // 2 at once, then 8 more at 20/s: at least 400 ms (a little slack for timer rounding).
    expect(elapsed).toBeGreaterThanOrEqual(380);
  });

  it("an object that is gone is dropped without retries", async () => {
    fixture = await new ApiServerFixture().start();
    const w = await makeWriter();
    w.publish([routeUpdate("missing")]);
    await w.whenIdle();
    expect(statusPuts()).toHaveLength(0);
    expect(w.pending).toBe(0);
  });
  it("a status the API server refuses (422) is logged once, counted, and not written again until it changes", async () => {
    fixture = await new ApiServerFixture().start();
    seedRoute();
    fixture.addFault({ method: "PUT", path: "/status", action: { type: "status", status: 422, message: "status.parents[0]: Invalid value" } });
    const { logger, lines } = captureLogger();
    const registry = createRegistry();
    // With an informer-like lookup the cache never shows the refused status, which used to re-queue it on every publish.
    const w = await makeWriter({ logger, registry, lookup: (_kind, key) => fixture.get(GW, "HTTPRoute", key.split("/")[1]!, "default") as K8sObject | undefined });
    for (let i = 0; i < 3; i++) {
      w.publish([routeUpdate()]);
      await w.whenIdle();
    }
    expect(statusPuts()).toHaveLength(1);
    expect(await metricValue(registry, "switchyard_status_writes_total", { kind: "HTTPRoute", result: "invalid" })).toBe(1);
    const refused = lines().filter((l) => String(l.msg).includes("rejected our status"));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ object: "HTTPRoute/default/r" });
    // A different status is tried again.
    w.publish([routeUpdate("r", "False")]);
    await w.whenIdle();
    expect(statusPuts()).toHaveLength(2);
  });
  it("an unchanged status is not written again, but is rewritten once someone else changes the object", async () => {
    fixture = await new ApiServerFixture().start();
    seedRoute();
    const w = await makeWriter({ lookup: (_kind, key) => fixture.get(GW, "HTTPRoute", key.split("/")[1]!, "default") as K8sObject | undefined });
    w.publish([routeUpdate()]);
    await w.whenIdle();
    expect(statusPuts()).toHaveLength(1);
    // The cache shows our status: republishing it (every translation does) writes nothing, however often.
    for (let i = 0; i < 3; i++) {
      w.publish([routeUpdate()]);
      await w.whenIdle();
    }
    expect(statusPuts()).toHaveLength(1);
    // Another writer replaces the status: the object's resourceVersion moves, so the writer looks again.
    seedRoute("r", { parents: [otherEntry] });
    w.publish([routeUpdate()]);
    await w.whenIdle();
    expect(statusPuts()).toHaveLength(2);
    const parents = (fixture.get(GW, "HTTPRoute", "r", "default")?.status as { parents: { controllerName: string }[] }).parents;
    expect(parents.map((p) => p.controllerName).sort()).toEqual([OTHER, US].sort());
  });
  it("a write that fails (403) is retried with backoff and logged at warn once, not on every attempt", async () => {
    fixture = await new ApiServerFixture().start();
    seedRoute();
    fixture.addFault({ method: "PUT", path: "/status", times: 3, action: { type: "status", status: 403, message: "forbidden" } });
    const { logger, lines } = captureLogger();
    const registry = createRegistry();
    const w = await makeWriter({ logger, registry });
    w.publish([routeUpdate()]);
    await waitFor(() => statusPuts().some((r) => r.status === 200), "the write after the failures");
    await w.whenIdle();
    expect(await metricValue(registry, "switchyard_status_writes_total", { kind: "HTTPRoute", result: "error" })).toBe(3);
    const warned = lines().filter((l) => String(l.msg).startsWith("status write failed"));
    expect(warned).toEqual([expect.objectContaining({ object: "HTTPRoute/default/r", status: 403 })]);
    expect(lines().some((l) => l.msg === "status write works again")).toBe(true);
  });
  it("429 with Retry-After: the whole writer waits as long as the server asks, counted and warned once", async () => {
    fixture = await new ApiServerFixture().start();
    seedRoute("r");
    seedRoute("r2");
    fixture.addFault({ method: "PUT", path: "/httproutes/r/status", times: 1, action: { type: "status", status: 429, message: "too many requests", retryAfterSeconds: 1 } });
    const { logger, lines } = captureLogger();
    const registry = createRegistry();
    const w = await makeWriter({ logger, registry });
    w.publish([routeUpdate("r"), routeUpdate("r2")]);
    await waitFor(() => statusPuts().filter((r) => r.status === 200).length === 2, "both written after the wait", 20_000);
    const puts = statusPuts();
    const throttled = puts.find((r) => r.status === 429)!;
    // The refused write came first; neither object was written before the Retry-After had passed (a lower bound:
    // a loaded machine can only make it later).
    expect(puts[0]).toBe(throttled);
    for (const p of puts.slice(1)) expect(p.at - throttled.at).toBeGreaterThanOrEqual(1_000);
    expect(puts).toHaveLength(3);
    expect(await metricValue(registry, "switchyard_status_writes_total", { kind: "HTTPRoute", result: "throttled" })).toBe(1);
    expect(await metricValue(registry, "switchyard_kube_api_errors_total", { component: "status-writer", code: "429" })).toBe(1);
    const warned = lines().filter((l) => String(l.msg).startsWith("status write throttled"));
    expect(warned).toEqual([expect.objectContaining({ object: "HTTPRoute/default/r", status: 429, retryAfterMs: 1_000 })]);
  });
  it("a publish that lands while a drain is finishing is still written", async () => {
    fixture = await new ApiServerFixture().start();
    seedRoute();
    let armed = true;
    // isLeader() is drain()'s last call before it returns on an empty queue: publish from a microtask queued
    // there, which runs after drain() returned but before its completion callback.
    const w = await makeWriter({
      isLeader: () => {
        if (armed && statusPuts().some((r) => r.status === 200)) {
          armed = false;
          queueMicrotask(() => w.publish([routeUpdate("r", "False")]));
        }
        return true;
      },
    });
    w.publish([routeUpdate()]);
    await waitFor(() => statusPuts().filter((r) => r.status === 200).length === 2, "the second write", 3_000);
    expect(armed).toBe(false);
  });
});
