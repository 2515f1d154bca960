// Lease-based leader election, and status writing by the leader only, with two
// instances against the loopback API-server fixture. Durations are short:
// lease 1000 ms, renew deadline 600 ms, retry period 100 ms. Upper bounds
// carry SLACK for timers delayed on a loaded machine.
import { afterEach, describe, expect, it } from "vitest";
import type { StatusUpdate } from "../../../src/api/translation.ts";
import { silentLogger } from "../../../src/observability/log.ts";
import { createRegistry } from "../../../src/observability/metrics.ts";
import { startKubernetesInputs, type KubernetesInputs } from "../../../src/watch/kubernetes/index.ts";
import { KubeClient } from "../../../src/watch/kubernetes/kube-http.ts";
import { LeaderElector } from "../../../src/watch/kubernetes/leader-election.ts";
import { ApiServerFixture } from "../../fixtures/apiserver/fixture.ts";
import { captureLogger, FAST_TIMING, metricValue, waitFor } from "./helpers.ts";

const LEASE = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 };
const LEASE_PATH = "/apis/coordination.k8s.io/v1/namespaces/sys/leases/sy";
const SLACK = 300;

let fixture: ApiServerFixture;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await fixture?.stop();
});

interface Tracked {
  elector: LeaderElector;
  started: number[];
  stopped: number[];
}

function candidate(identity: string, opts: { releaseOnStop?: boolean } = {}): Tracked {
  const elector = new LeaderElector({
    client: new KubeClient(fixture.kubeConfig(identity)),
    logger: silentLogger(),
    registry: createRegistry(),
    leaseName: "sy",
    leaseNamespace: "sys",
    identity,
    ...LEASE,
    ...opts,
  });
  const t: Tracked = { elector, started: [], stopped: [] };
  elector.on("started-leading", () => t.started.push(performance.now()));
  elector.on("stopped-leading", () => t.stopped.push(performance.now()));
  cleanups.push(() => elector.stop());
  elector.start();
  return t;
}

const onLeading = (t: Tracked) => (wake: () => void) => t.elector.on("started-leading", wake);

describe("leader election", () => {
  it("lease requests refused (403) are counted on each attempt, warned about once, and retried only every retry period", async () => {
    fixture = await new ApiServerFixture().start();
    const remove = fixture.addFault({ path: "/leases", action: { type: "status", status: 403, message: "forbidden" } });
    const { logger, lines } = captureLogger("debug");
    const registry = createRegistry();
    const elector = new LeaderElector({ client: new KubeClient(fixture.kubeConfig("x")), logger, registry, leaseName: "sy", leaseNamespace: "sys", identity: "x", ...LEASE });
    cleanups.push(() => elector.stop());
    const started = performance.now();
    elector.start();
    await waitFor(async () => (await metricValue(registry, "switchyard_kube_api_errors_total", { component: "leader-election", code: "403" })) >= 4, "four refused attempts", 5_000);
    const elapsed = performance.now() - started;
    const attempts = fixture.requests.filter((r) => r.path.includes("/leases")).length;
    // One request per attempt, an attempt per retry period (100 ms, jittered up to 120): not a hot loop.
    expect(attempts).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
    expect(lines().filter((l) => l.level === 40 && String(l.msg).startsWith("lease read failed"))).toHaveLength(1);
    remove();
    await waitFor(() => elector.isLeader, "leads once the lease can be read", 3_000);
    expect(lines().some((l) => l.msg === "lease requests work again")).toBe(true);
  });
  it("exactly one of two candidates leads, and it keeps renewing", async () => {
    fixture = await new ApiServerFixture().start();
    const a = candidate("a");
    const b = candidate("b");
    await waitFor(() => a.elector.isLeader || b.elector.isLeader, "a leader", 3_000);
    const [leader, follower] = a.elector.isLeader ? [a, b] : [b, a];
    await waitFor(() => follower.elector.holder === leader.elector.identity, "the follower to observe the leader");
    const rv = fixture.get("coordination.k8s.io/v1", "Lease", "sy", "sys")?.metadata.resourceVersion;
    await waitFor(() => fixture.get("coordination.k8s.io/v1", "Lease", "sy", "sys")?.metadata.resourceVersion !== rv, "a renewal");
    expect(leader.elector.isLeader).toBe(true);
    expect(follower.elector.isLeader).toBe(false);
    expect(follower.started).toHaveLength(0);
    expect(follower.elector.holder).toBe(leader.elector.identity);
    const lease = fixture.get("coordination.k8s.io/v1", "Lease", "sy", "sys") as unknown as { spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string } };
    expect(lease.spec.holderIdentity).toBe(leader.elector.identity);
    expect(lease.spec.leaseDurationSeconds).toBe(1);
    expect(lease.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it("a crashed leader (no release) is replaced after the lease duration, not before", async () => {
    fixture = await new ApiServerFixture().start();
    const a = candidate("a", { releaseOnStop: false });
    await waitFor(() => a.elector.isLeader, "a leads", 3_000, onLeading(a));
    const b = candidate("b");
    await waitFor(() => b.elector.holder === "a", "b sees a");
    const crashedAt = performance.now();
    await a.elector.stop();
    await waitFor(() => b.elector.isLeader, "b leads", 3_000, onLeading(b));
    const failover = b.started[0]! - crashedAt;
    // a renewed at most one retry period before the crash, so b must wait at least ~leaseDuration - retryPeriod,
    // and takes over within leaseDuration plus about two (jittered) retry periods.
    expect(failover).toBeGreaterThanOrEqual(LEASE.leaseDurationMs - LEASE.retryPeriodMs * 1.2 - 20);
    expect(failover).toBeLessThan(LEASE.leaseDurationMs + 2.4 * LEASE.retryPeriodMs + SLACK);
    const lease = fixture.get("coordination.k8s.io/v1", "Lease", "sy", "sys") as unknown as { spec: { holderIdentity: string; leaseTransitions: number } };
    expect(lease.spec).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
  });

  it("a leader that shuts down releases the lease, and the successor takes over within a retry period", async () => {
    fixture = await new ApiServerFixture().start();
    const a = candidate("a");
    await waitFor(() => a.elector.isLeader, "a leads", 3_000, onLeading(a));
    const b = candidate("b");
    await waitFor(() => b.elector.holder === "a", "b sees a");
    const stoppedAt = performance.now();
    await a.elector.stop();
    expect((fixture.get("coordination.k8s.io/v1", "Lease", "sy", "sys") as unknown as { spec: { holderIdentity?: string } }).spec.holderIdentity).toBeUndefined();
    await waitFor(() => b.elector.isLeader, "b leads", 3_000, onLeading(b));
    expect(b.started[0]! - stoppedAt).toBeLessThan(LEASE.retryPeriodMs * 1.2 + SLACK);
  });

  it("a partitioned leader steps down within the renew deadline, before anyone else takes over", async () => {
    fixture = await new ApiServerFixture().start();
    const a = candidate("a");
    await waitFor(() => a.elector.isLeader, "a leads", 3_000, onLeading(a));
    const b = candidate("b");
    await waitFor(() => b.elector.holder === "a", "b sees a");
    const cutAt = performance.now();
    fixture.addFault({ token: "a", action: { type: "hang" } });
    await waitFor(() => b.elector.isLeader, "b leads", 3_000, onLeading(b));
    expect(a.stopped).toHaveLength(1);
    expect(a.stopped[0]! - cutAt).toBeLessThanOrEqual(LEASE.renewDeadlineMs + SLACK / 2);
    expect(a.stopped[0]!).toBeLessThan(b.started[0]!);
    expect(a.elector.isLeader).toBe(false);
  });

  it("expiry is judged by observed renewals on our clock, not by the renewTime a skewed holder writes", async () => {
    fixture = await new ApiServerFixture().start();
    // A holder whose clock is an hour behind keeps renewing: its renewTime always looks long expired.
    const past = (i: number) => new Date(Date.now() - 3_600_000 + i).toISOString().replace("Z", "000Z");
    let i = 0;
    const renewGhost = () =>
      fixture.apply({
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: "sy", namespace: "sys" },
        spec: { holderIdentity: "skewed", leaseDurationSeconds: 1, renewTime: past(i++), acquireTime: past(0), leaseTransitions: 0 },
      });
    renewGhost();
    const ghost = setInterval(renewGhost, 100);
    cleanups.push(() => clearInterval(ghost));
    const b = candidate("b");
    await waitFor(() => fixture.requests.filter((r) => r.token === "b" && r.path === LEASE_PATH).length >= 20, "b to try for 2 s");
    expect(b.elector.isLeader).toBe(false);
    expect(b.elector.holder).toBe("skewed");
    clearInterval(ghost);
    const ghostStopped = performance.now();
    await waitFor(() => b.elector.isLeader, "b leads once the renewals stop", 3_000, onLeading(b));
    expect(b.started[0]! - ghostStopped).toBeGreaterThanOrEqual(LEASE.leaseDurationMs - LEASE.retryPeriodMs * 1.2 - 20);
  });
});

describe("two controller instances", () => {
  const ROUTE = { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "r", namespace: "default" }, spec: {} };
  const update = (message: string): StatusUpdate => ({
    kind: "HTTPRoute",
    target: { apiVersion: "gateway.networking.k8s.io/v1", namespace: "default", name: "r" },
    parents: [{ parentRef: { name: "gw" }, controllerName: "switchyard.dev/gc", conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message }] }],
  });
  const instance = (token: string): KubernetesInputs => {
    const k = startKubernetesInputs({
      kubeConfig: fixture.kubeConfig(token),
      controllerName: "switchyard.dev/gc",
      logger: silentLogger(),
      registry: createRegistry(),
      leaseName: "sy",
      leaseNamespace: "sys",
      identity: token,
      timing: { ...FAST_TIMING, ...LEASE },
    });
    cleanups.push(() => k.stop());
    return k;
  };
  const statusPuts = (token: string, after = 0) => fixture.requests.slice(after).filter((r) => r.token === token && r.method === "PUT" && r.path.endsWith("/status"));
  const ourMessage = () =>
    (fixture.get("gateway.networking.k8s.io/v1", "HTTPRoute", "r", "default")?.status as { parents?: { conditions: { message: string }[] }[] } | undefined)?.parents?.[0]?.conditions[0]?.message;

  it("only the leader writes status; after failover the new leader does, within the lease duration", async () => {
    fixture = await new ApiServerFixture().start();
    fixture.apply(ROUTE);
    const x = instance("x");
    const y = instance("y");
    await Promise.all([x.source.start(), y.source.start()]);
    await waitFor(() => x.leader.isLeader || y.leader.isLeader, "a leader", 3_000);
    const [leader, follower, lt, ft] = x.leader.isLeader ? [x, y, "x", "y"] : [y, x, "y", "x"];
    await waitFor(() => follower.leader.holder === lt, "the follower to see the leader");

    for (const k of [x, y]) k.statusSink.publish([update("one")]);
    await waitFor(() => ourMessage() === "one", "the first write");
    await Promise.all([x.statusSink.whenIdle(), y.statusSink.whenIdle()]);
    expect(statusPuts(lt)).toHaveLength(1);
    expect(statusPuts(ft)).toHaveLength(0);

    // Cut the leader off from the API server; the follower must take over and write the next change.
    const mark = fixture.requests.length;
    const cutAt = performance.now();
    fixture.addFault({ token: lt, action: { type: "hang" } });
    let takeover = 0;
    let stepDown = 0;
    follower.leader.on("started-leading", () => (takeover = performance.now()));
    leader.leader.on("stopped-leading", () => (stepDown = performance.now()));
    for (const k of [x, y]) k.statusSink.publish([update("two")]);
    await waitFor(() => ourMessage() === "two", "the new leader's write", 4_000);
    expect(takeover - cutAt).toBeLessThan(LEASE.leaseDurationMs + 2.4 * LEASE.retryPeriodMs + SLACK);
    expect(leader.leader.isLeader).toBe(false);
    expect(stepDown).toBeGreaterThan(0);
    expect(stepDown).toBeLessThan(takeover);
    expect(statusPuts(ft, mark).filter((r) => r.status === 200)).toHaveLength(1);
    // The old leader may have tried while it still led (that request hangs); never after it stepped down.
    expect(statusPuts(lt, mark).every((r) => r.at < stepDown && r.status !== 200)).toBe(true);

    // The old leader comes back as a follower and writes nothing.
    fixture.clearFaults();
    fixture.releaseHangs();
    await waitFor(() => fixture.requests.slice(mark).some((r) => r.token === lt && r.path === LEASE_PATH && r.status === 200), "the old leader to reach the lease again");
    for (const k of [x, y]) k.statusSink.publish([update("two")]);
    await Promise.all([x.statusSink.whenIdle(), y.statusSink.whenIdle()]);
    expect(leader.leader.isLeader).toBe(false);
    expect(statusPuts(lt, mark).filter((r) => r.at >= stepDown)).toHaveLength(0);
    expect(ourMessage()).toBe("two");
  });
});
