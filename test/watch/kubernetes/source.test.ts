// The Kubernetes Source against the loopback API-server fixture, with the real
// client-node informers doing the list/watch.
import { afterEach, describe, expect, it } from "vitest";
import type { ResourceSet } from "../../../src/api/resource-set.ts";
import { silentLogger } from "../../../src/observability/log.ts";
import { createRegistry, type Registry } from "../../../src/observability/metrics.ts";
import type { InformerTiming } from "../../../src/watch/kubernetes/informer.ts";
import { createKubernetesSource, type KubernetesSource } from "../../../src/watch/kubernetes/source.ts";
import { ApiServerFixture, type ApiServerFixtureOptions } from "../../fixtures/apiserver/fixture.ts";
import { GATEWAY_API_EXPERIMENTAL, GATEWAY_API_V1_1_EXPERIMENTAL } from "../../fixtures/apiserver/resources.ts";
import type { Obj } from "../../fixtures/apiserver/store.ts";
import { captureLogger, FAST_TIMING, metricValue, waitFor } from "./helpers.ts";

const GW = "gateway.networking.k8s.io/v1";
const route = (name: string, namespace = "default", hostname = "a.example"): Obj => ({
  apiVersion: GW,
  kind: "HTTPRoute",
  metadata: { name, namespace },
  spec: { parentRefs: [{ name: "gw" }], hostnames: [hostname] },
});
const service = (name: string, namespace = "default"): Obj => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace },
  spec: { ports: [{ port: 80 }] },
});

let fixture: ApiServerFixture;
let source: KubernetesSource | undefined;

afterEach(async () => {
  await source?.stop();
  source = undefined;
  await fixture?.stop();
});

async function setup(opts: { fixture?: ApiServerFixtureOptions; timing?: Partial<InformerTiming>; namespaces?: string[]; registry?: Registry; rediscoverIntervalMs?: number } = {}) {
  fixture = await new ApiServerFixture({ watchTimeoutMs: 5_000, ...opts.fixture }).start();
  const registry = opts.registry ?? createRegistry();
  const changes: number[] = [];
  source = createKubernetesSource({
    kubeConfig: fixture.kubeConfig(),
    logger: silentLogger(),
    registry,
    namespaces: opts.namespaces,
    timing: { ...FAST_TIMING, ...opts.timing },
    rediscoverIntervalMs: opts.rediscoverIntervalMs ?? 0,
  });
  source.onChange(() => changes.push(Date.now()));
  return { source, registry, changes };
}

const names = (set: ResourceSet, kind: "HTTPRoute" | "Service") => set.list(kind).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

describe("kubernetes source", () => {
  it("initial sync gates publishing: not synced and empty until every informer has listed once", async () => {
    const { source, changes } = await setup();
    fixture.apply(service("web"));
    fixture.apply(route("r1"));
    // HTTPRoute lists fail with 503 until we lift the fault: that informer cannot sync.
    const lift = fixture.addFault({ method: "GET", path: /\/httproutes\?limit=/, action: { type: "status", status: 503 } });
    let resolved = false;
    const started = source.start().then(() => (resolved = true));
    const failedLists = () => fixture.requests.filter((r) => r.path.includes("/httproutes?limit=") && r.status === 503).length;
    // Two failed attempts prove the informer is restarted after the error, while the others synced.
    await waitFor(() => failedLists() >= 2, "two failed HTTPRoute lists");
    await waitFor(() => fixture.requests.some((r) => r.path.includes("/services?") && r.watch), "the Service watch to open");
    fixture.apply(service("api")); // a change on a synced informer must not publish either
    expect(resolved).toBe(false);
    expect(source.synced).toBe(false);
    expect(source.current().size).toBe(0);
    expect(changes).toHaveLength(0);

    lift();
    await started;
    expect(source.synced).toBe(true);
    expect(names(source.current(), "Service")).toEqual(["default/api", "default/web"]);
    expect(names(source.current(), "HTTPRoute")).toEqual(["default/r1"]);
  });

  it("a change reaches the consumer promptly, with kind and apiVersion on every object", async () => {
    const { source, changes } = await setup();
    fixture.apply(service("web"));
    await source.start();
    const before = source.current();
    const t0 = Date.now();
    fixture.apply(route("r2", "team-a"));
    await waitFor(() => changes.length > 0, "onChange", 2_000);
    expect(changes[0]! - t0).toBeLessThan(500);
    const set = source.current();
    expect(set).not.toBe(before);
    const r = set.get("HTTPRoute", "team-a/r2");
    expect(r?.apiVersion).toBe(GW);
    expect(r?.kind).toBe("HTTPRoute");
    expect(source.getCached("HTTPRoute", "team-a/r2")?.metadata.name).toBe("r2");
    expect(source.getCached("HTTPRoute", "default/r2")).toBeUndefined();
    // List items of built-in kinds come without kind/apiVersion; the source stamps them.
    expect(set.get("Service", "default/web")?.kind).toBe("Service");
    expect(set.get("Service", "default/web")?.apiVersion).toBe("v1");

    fixture.remove(GW, "HTTPRoute", "r2", "team-a");
    await waitFor(() => source.current().get("HTTPRoute", "team-a/r2") === undefined, "the delete");
  });

  it("tells the consumer which kinds changed; a status-only route update is a change of no kinds", async () => {
    const { source } = await setup();
    fixture.apply(service("web"));
    fixture.apply(route("r1"));
    await source.start();
    const taken = source.current().get("HTTPRoute", "default/r1");
    const kinds: string[][] = [];
    source.onChange((c) => kinds.push([...(c.kinds ?? ["unknown"])].sort()));
    fixture.apply({ ...route("r1"), status: { parents: [] } } as Obj);
    await waitFor(() => kinds.length === 1, "the status-only update's notification");
    fixture.apply(service("api"));
    await waitFor(() => kinds.length === 2, "the Service's notification");
    expect(kinds).toEqual([[], ["Service"]]);
    // The route the translation has stays the same object.
    expect(source.current().get("HTTPRoute", "default/r1")).toBe(taken);
  });

  it("pages large lists with limit/continue", async () => {
    const { source } = await setup({ timing: { listPageSize: 2 } });
    for (let i = 0; i < 7; i++) fixture.apply(service(`s${i}`));
    await source.start();
    expect(source.current().list("Service")).toHaveLength(7);
    const pages = fixture.requests.filter((r) => r.path.startsWith("/api/v1/services?") && !r.watch).map((r) => r.path);
    expect(pages).toHaveLength(4);
    expect(pages[0]).toBe("/api/v1/services?limit=2");
    expect(pages.slice(1).every((p) => p.includes("&continue="))).toBe(true);
  });

  it("a continue token that expired mid-list restarts the list", async () => {
    const { source, registry } = await setup({ timing: { listPageSize: 2 } });
    for (let i = 0; i < 5; i++) fixture.apply(service(`s${i}`));
    fixture.addFault({ path: "/api/v1/services?limit=2&continue=", times: 1, action: { type: "status", status: 410 } });
    await source.start();
    expect(source.current().list("Service")).toHaveLength(5);
    expect(await metricValue(registry, "switchyard_kube_informer_errors_total", { kind: "Service" })).toBe(0);
  });

  for (const goneAs of ["event", "status"] as const) {
    it(`410 Gone (${goneAs === "event" ? "in-stream ERROR" : "HTTP status"}) makes the informer relist with no lost object`, async () => {
      const { source } = await setup({ fixture: { goneAs } });
      fixture.apply(route("keep"));
      fixture.apply(route("change"));
      fixture.apply(route("drop"));
      await source.start();
      const listsBefore = fixture.requests.filter((r) => r.path.includes("/httproutes?limit=")).length;

      // The watch goes silent, changes happen that it never sends, and history is compacted.
      fixture.muteWatches();
      fixture.apply(route("added"));
      fixture.apply(route("change", "default", "b.example"));
      fixture.remove(GW, "HTTPRoute", "drop", "default");
      fixture.store.compact();
      if (goneAs === "event") fixture.expireWatches(); // ERROR 410 in the stream
      else fixture.dropWatches(); // the resumed watch gets HTTP 410

      await waitFor(() => names(source.current(), "HTTPRoute").join() === "default/added,default/change,default/keep", "relisted routes");
      const changed = source.current().get("HTTPRoute", "default/change");
      expect(changed?.spec.hostnames).toEqual(["b.example"]);
      expect(fixture.requests.filter((r) => r.path.includes("/httproutes?limit=")).length).toBeGreaterThan(listsBefore);
    });
  }

  it("bookmarks keep the resume point fresh, so a compaction does not force a relist", async () => {
    const { source } = await setup({ fixture: { bookmarkIntervalMs: 50 } });
    await source.start();
    expect(fixture.requests.filter((r) => r.watch).every((r) => r.path.includes("allowWatchBookmarks=true"))).toBe(true);
    // Writes to another kind advance the global resourceVersion; only bookmarks tell the HTTPRoute watch.
    for (let i = 0; i < 5; i++) fixture.apply(service(`s${i}`));
    const rv = fixture.store.rv;
    await waitFor(() => Number(source.resumeVersions().HTTPRoute) >= rv, "the HTTPRoute informer to take the bookmarked version");
    fixture.store.compact();
    const listsBefore = fixture.requests.filter((r) => r.path.includes("/httproutes?limit=")).length;
    const watchesBefore = fixture.requests.filter((r) => r.watch && r.path.includes("/httproutes?")).length;
    fixture.dropWatches();
    await waitFor(() => fixture.requests.filter((r) => r.watch && r.path.includes("/httproutes?")).length > watchesBefore, "the HTTPRoute watch to resume");
    const resumed = fixture.requests.filter((r) => r.watch && r.path.includes("/httproutes?")).at(-1);
    expect(Number(new URLSearchParams(resumed!.path.split("?")[1]).get("resourceVersion"))).toBeGreaterThanOrEqual(rv);
    expect(fixture.requests.filter((r) => r.path.includes("/httproutes?limit=")).length).toBe(listsBefore);
  });

  it("server-side watch timeouts: the watch resumes from where it was, without relisting", async () => {
    const { source } = await setup({ fixture: { watchTimeoutMs: 100 } });
    await source.start();
    const watchesOf = () => fixture.requests.filter((r) => r.watch && r.path.includes("/httproutes?"));
    const listsOf = () => fixture.requests.filter((r) => r.path.includes("/httproutes?limit="));
    await waitFor(() => watchesOf().length >= 4, "three server-side timeouts and reconnects");
    expect(listsOf()).toHaveLength(1);
    fixture.apply(route("after-timeouts"));
    await waitFor(() => source.current().get("HTTPRoute", "default/after-timeouts") !== undefined, "the route");
    expect(listsOf()).toHaveLength(1);
  });

  it("a silently hanging watch is resumed after the idle timeout and delivers what it missed", async () => {
    const { source } = await setup({ timing: { watchIdleTimeoutMs: 400 } });
    await source.start();
    fixture.muteWatches();
    fixture.apply(route("late"));
    const t0 = Date.now();
    await waitFor(() => source.current().get("HTTPRoute", "default/late") !== undefined, "the route after the watch resumed", 3_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });

  it("a dropped watch connection is restarted and loses nothing", async () => {
    const { source, registry } = await setup();
    await source.start();
    fixture.addFault({ watch: true, path: "/httproutes?", times: 2, action: { type: "drop" } });
    fixture.dropWatches();
    fixture.apply(route("during-drop"));
    await waitFor(() => source.current().get("HTTPRoute", "default/during-drop") !== undefined, "the route");
    expect(await metricValue(registry, "switchyard_kube_informer_restarts_total")).toBeGreaterThan(0);
  });

  it("an API-server outage (2 minutes scaled down to 8 failed restarts per informer, as the default backoff gives) keeps the last ResourceSet; recovery converges", async () => {
    const { source, registry, changes } = await setup();
    fixture.apply(route("r1"));
    fixture.apply(service("web"));
    await source.start();
    const last = source.current();
    const changesBefore = changes.length;

    await fixture.goDown();
    const kinds = source.watched().map((w) => w.kind);
    const allFailed = async () => (await Promise.all(kinds.map((kind) => metricValue(registry, "switchyard_kube_informer_errors_total", { kind })))).every((e) => e >= 8);
    await waitFor(allFailed, "every informer to fail 8 times", 15_000);
    // While down: same ResourceSet object, still synced, nothing published.
    expect(source.current()).toBe(last);
    expect(source.synced).toBe(true);
    expect(changes.length).toBe(changesBefore);

    // The API server changes while we are cut off, and comes back with its history compacted (a restart).
    fixture.apply(route("r2"));
    fixture.remove("v1", "Service", "web", "default");
    fixture.store.compact();
    await fixture.comeUp();
    await waitFor(
      () => names(source.current(), "HTTPRoute").join() === "default/r1,default/r2" && source.current().list("Service").length === 0,
      "the ResourceSet to converge",
      10_000,
    );
    expect(changes.length).toBeGreaterThan(changesBefore);
  });

  it("a consumer that throws does not stop later notifications", async () => {
    const { source } = await setup();
    await source.start();
    let calls = 0;
    source.onChange(() => {
      calls++;
      if (calls === 1) throw new Error("consumer bug");
    });
    fixture.apply(route("one"));
    await waitFor(() => calls >= 1, "first notification");
    fixture.apply(route("two"));
    await waitFor(() => calls >= 2 && source.current().get("HTTPRoute", "default/two") !== undefined, "second notification");
  });

  it("periodic relist repairs a cache that missed events", async () => {
    const { source, registry } = await setup({ timing: { relistIntervalMs: 300, watchIdleTimeoutMs: 30_000 } });
    await source.start();
    fixture.muteWatches(); // nothing more arrives on the watches, and they never time out in this test
    fixture.apply(route("missed"));
    await waitFor(() => source.current().get("HTTPRoute", "default/missed") !== undefined, "the relist", 5_000);
    expect(await metricValue(registry, "switchyard_kube_periodic_relists_total", { kind: "HTTPRoute" })).toBeGreaterThan(0);
  });

  it("watches only the namespaces it is given", async () => {
    const { source } = await setup({ namespaces: ["team-a"] });
    fixture.apply(route("in", "team-a"));
    fixture.apply(route("out", "team-b"));
    fixture.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } });
    fixture.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-b" } });
    await source.start();
    expect(names(source.current(), "HTTPRoute")).toEqual(["team-a/in"]);
    expect(source.current().list("Namespace").map((n) => n.metadata.name)).toEqual(["team-a"]);
    expect(fixture.requests.some((r) => r.path.startsWith("/apis/gateway.networking.k8s.io/v1/httproutes"))).toBe(false);
    expect(fixture.requests.some((r) => r.path.startsWith("/apis/gateway.networking.k8s.io/v1/namespaces/team-a/httproutes"))).toBe(true);
  });
});

describe("CRD discovery", () => {
  async function discovered(resources: ApiServerFixtureOptions["resources"]) {
    fixture = await new ApiServerFixture({ resources }).start();
    const { logger, lines } = captureLogger();
    source = createKubernetesSource({ kubeConfig: fixture.kubeConfig(), logger, registry: createRegistry(), timing: FAST_TIMING });
    await source.start();
    return { versions: Object.fromEntries(source.watched().map((w) => [w.kind, w.apiVersion])), missing: source.missingKinds(), lines };
  }

  it("standard channel: experimental BackendLBPolicy is off, and that is logged once", async () => {
    const { versions, missing, lines } = await discovered(undefined);
    expect(missing).toEqual(["BackendLBPolicy"]);
    expect(versions.HTTPRoute).toBe(GW);
    expect(versions.BackendTLSPolicy).toBe(GW);
    expect(lines().filter((l) => l.kind === "BackendLBPolicy" && String(l.msg).includes("feature is off"))).toHaveLength(1);
    expect(fixture.requests.some((r) => r.path.includes("backendlbpolicies"))).toBe(false);
  });

  it("experimental v1.6.1: the group's preferred version v1 wherever it is served", async () => {
    const { versions } = await discovered(GATEWAY_API_EXPERIMENTAL);
    expect(versions.TLSRoute).toBe(GW);
    expect(versions.TCPRoute).toBe(GW);
  });

  it("v1.1.0 experimental: L4 routes at v1alpha2, BackendTLSPolicy v1alpha3, BackendLBPolicy v1alpha2", async () => {
    const { versions, missing } = await discovered(GATEWAY_API_V1_1_EXPERIMENTAL);
    // ListenerSet came with v1.5.
    expect(missing).toEqual(["ListenerSet"]);
    expect(versions.TCPRoute).toBe("gateway.networking.k8s.io/v1alpha2");
    expect(versions.TLSRoute).toBe("gateway.networking.k8s.io/v1alpha2");
    expect(versions.BackendTLSPolicy).toBe("gateway.networking.k8s.io/v1alpha3");
    expect(versions.BackendLBPolicy).toBe("gateway.networking.k8s.io/v1alpha2");
    expect(versions.ReferenceGrant).toBe("gateway.networking.k8s.io/v1beta1");
  });

  it("no Gateway API at all: core kinds still sync, every Gateway API kind is missing", async () => {
    const { versions, missing } = await discovered([]);
    expect(versions.Service).toBe("v1");
    expect(missing).toContain("Gateway");
    expect(missing).toHaveLength(11);
  });
});

describe("ClusterTrustBundle (caCertificateRefs, Gateway API v1.7)", () => {
  const bundle: Obj = { apiVersion: "certificates.k8s.io/v1beta1", kind: "ClusterTrustBundle", metadata: { name: "backend-ca" }, spec: { trustBundle: "-----BEGIN CERTIFICATE-----\n" } };

  it("served at v1beta1: watched cluster-wide, and its objects reach the resource set", async () => {
    fixture = await new ApiServerFixture({}).start();
    fixture.apply(bundle);
    source = createKubernetesSource({ kubeConfig: fixture.kubeConfig(), logger: silentLogger(), registry: createRegistry(), timing: FAST_TIMING });
    await source.start();
    expect(source.watched().find((w) => w.kind === "ClusterTrustBundle")?.apiVersion).toBe("certificates.k8s.io/v1beta1");
    expect(source.current().get("ClusterTrustBundle", "backend-ca")?.spec?.trustBundle).toBe("-----BEGIN CERTIFICATE-----\n");
    expect(fixture.requests.some((r) => r.path.startsWith("/apis/certificates.k8s.io/v1beta1/clustertrustbundles"))).toBe(true);
  });

  it("a cluster that does not serve it: the feature is off, logged once, never listed, and sync completes", async () => {
    fixture = await new ApiServerFixture({}).start();
    fixture.resources.splice(fixture.resources.findIndex((r) => r.kind === "ClusterTrustBundle"), 1);
    const { logger, lines } = captureLogger();
    source = createKubernetesSource({ kubeConfig: fixture.kubeConfig(), logger, registry: createRegistry(), timing: FAST_TIMING });
    await source.start();
    expect(source.missingKinds()).toContain("ClusterTrustBundle");
    expect(lines().filter((l) => l.kind === "ClusterTrustBundle" && String(l.msg).includes("not served"))).toHaveLength(1);
    expect(fixture.requests.some((r) => r.path.includes("clustertrustbundles"))).toBe(false);
  });
});

describe("rediscovery", () => {
  it("a CRD installed after start is watched, and one removed stops being watched, without a restart", async () => {
    const { source } = await setup({ rediscoverIntervalMs: 50 });
    fixture.apply({ apiVersion: GW, kind: "TCPRoute", metadata: { name: "t", namespace: "default" }, spec: {} });
    await source.start();
    expect(source.missingKinds()).toContain("BackendLBPolicy");
    expect(source.current().list("TCPRoute")).toHaveLength(1);

    // Install the v1.1 experimental BackendLBPolicy CRD, with an object.
    const lb = GATEWAY_API_V1_1_EXPERIMENTAL.find((r) => r.kind === "BackendLBPolicy")!;
    fixture.resources.push(lb);
    fixture.apply({ apiVersion: "gateway.networking.k8s.io/v1alpha2", kind: "BackendLBPolicy", metadata: { name: "lb", namespace: "default" }, spec: { targetRefs: [] } });
    await waitFor(() => source.current().get("BackendLBPolicy", "default/lb") !== undefined, "the new kind's object");
    expect(source.watched().find((w) => w.kind === "BackendLBPolicy")?.apiVersion).toBe("gateway.networking.k8s.io/v1alpha2");
    expect(source.missingKinds()).not.toContain("BackendLBPolicy");

    // Remove the TCPRoute CRD.
    fixture.resources.splice(fixture.resources.findIndex((r) => r.kind === "TCPRoute"), 1);
    await waitFor(() => source.current().list("TCPRoute").length === 0, "TCPRoutes to go away");
    expect(source.missingKinds()).toContain("TCPRoute");
    expect(source.watched().some((w) => w.kind === "TCPRoute")).toBe(false);
  });

  it("a CRD upgrade that serves a better version moves the informer to it", async () => {
    const { source } = await setup({ fixture: { resources: GATEWAY_API_V1_1_EXPERIMENTAL.filter((r) => r.kind !== "BackendLBPolicy") }, rediscoverIntervalMs: 50 });
    fixture.apply({ apiVersion: "gateway.networking.k8s.io/v1alpha2", kind: "TCPRoute", metadata: { name: "t", namespace: "default" }, spec: {} });
    await source.start();
    expect(source.current().get("TCPRoute", "default/t")?.apiVersion).toBe("gateway.networking.k8s.io/v1alpha2");
    const tcp = fixture.resources.find((r) => r.kind === "TCPRoute")!;
    tcp.versions = ["v1", "v1alpha2"];
    await waitFor(() => source.current().get("TCPRoute", "default/t")?.apiVersion === GW, "the TCPRoute at v1");
    expect(source.current().list("TCPRoute")).toHaveLength(1);
  });
});
