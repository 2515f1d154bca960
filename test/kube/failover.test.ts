// Two replicas of `switchyard serve --source kubernetes` (processes, default lease timings: 15 s lease,
// 10 s renew deadline, 2 s retry) against a real kube-apiserver, and the leader killed:
//   - SIGTERM: the leader releases the Lease on its way out; the follower takes over the released
//     (holder-less) record, without waiting for the lease to expire;
//   - SIGKILL: nothing is released; the follower takes over only once the record has not changed for
//     a lease duration.
// Either way the survivor writes status for a spec change made after the kill (the dead process cannot
// have written it) and serves it over xDS. The Lease is watched, so the order of its records is the
// server's; the takeover time (signal to the new holder's record) is printed, not asserted.
import { afterAll, beforeAll, expect, it } from "vitest";
import { spawnServe, type ServeProcess } from "../helpers/serve-process.ts";
import { waitFor } from "../watch/kubernetes/helpers.ts";
import { describeKube } from "./peers.ts";
import { CONTROLLER, recordWatch, type Recorded } from "./plane.ts";
import { RealApiServer } from "./real-apiserver.ts";

const G = "gateway.networking.k8s.io/v1";
const NS = "switchyard-system";
const ROUTE = `/apis/${G}/namespaces/app/httproutes/web`;
const LEASES = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;
const LEASE_SECONDS = 15;

interface Lease {
  metadata: { resourceVersion: string };
  spec?: { holderIdentity?: string; leaseTransitions?: number };
}
interface Route {
  metadata: { generation: number };
  status?: { parents?: { controllerName: string; conditions: { type: string; observedGeneration?: number }[] }[] };
}

interface Replica {
  serve: ServeProcess;
  adminPort: number;
  /** The leader-election identity it logs. */
  identity(): string | undefined;
}

describeKube("real kube-apiserver: two replicas, the leader killed", (bin) => {
  let server: RealApiServer;
  const replicas: Replica[] = [];
  let lease: { events: Recorded<Lease>[]; stop(): void } | undefined;

  const holder = (e: Recorded<Lease> | undefined) => e?.object.spec?.holderIdentity ?? "";
  const routeGeneration = async () => {
    const r = (await server.client.json({ method: "GET", path: ROUTE })) as Route;
    const ours = r.status?.parents?.find((p) => p.controllerName === CONTROLLER);
    return { generation: r.metadata.generation, observed: ours?.conditions.find((c) => c.type === "Accepted")?.observedGeneration };
  };
  const setHostname = (host: string) =>
    server.client.json({ method: "PATCH", path: ROUTE, body: { spec: { hostnames: [host] } }, contentType: "application/merge-patch+json" }) as Promise<Route>;

  async function startReplica(): Promise<Replica> {
    const serve = spawnServe(
      ["--source", "kubernetes", "--kubeconfig", server.kubeconfigPath, "--disable-provisioning", "--xds-port", "0", "--admin-port", "0"],
      { ...process.env, POD_NAMESPACE: NS, SWITCHYARD_LOG_LEVEL: "info" },
    );
    const { adminPort } = await serve.serving;
    const identity = () => serve.entries.find((e) => e["component"] === "leader-election" && typeof e["identity"] === "string")?.["identity"] as string | undefined;
    const r = { serve, adminPort, identity };
    replicas.push(r);
    await waitFor(() => identity() !== undefined, "the replica's leader-election identity in its log", 20_000);
    return r;
  }
  const leaderOf = (holderIdentity: string) => replicas.find((r) => r.identity() === holderIdentity);
  const kill = async (r: Replica, signal: NodeJS.Signals) => {
    const exited = new Promise((resolve) => r.serve.proc.once("exit", resolve));
    const at = performance.now();
    r.serve.proc.kill(signal);
    await exited;
    return at;
  };
  /** The survivor's xDS snapshot for the Gateway names the hostname. */
  const serves = async (r: Replica, host: string) => {
    const res = await fetch(`http://127.0.0.1:${r.adminPort}/api/snapshots/app/gw`);
    return res.status === 200 && (await res.text()).includes(host);
  };

  beforeAll(async () => {
    server = await RealApiServer.start({ bin, crds: "v1.7.0-standard" });
    console.log(`kube-apiserver with v1.7.0 standard CRDs ready in ${server.startMs} ms`);
    const post = (path: string, body: unknown) => server.client.json({ method: "POST", path, body });
    for (const name of [NS, "app"]) await post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
    await post(`/apis/${G}/gatewayclasses`, { apiVersion: G, kind: "GatewayClass", metadata: { name: "switchyard" }, spec: { controllerName: CONTROLLER } });
    await post(`/apis/${G}/namespaces/app/gateways`, {
      apiVersion: G,
      kind: "Gateway",
      metadata: { name: "gw" },
      spec: { gatewayClassName: "switchyard", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] },
    });
    await post("/api/v1/namespaces/app/services", { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { ports: [{ port: 8080 }] } });
    await post(`/apis/${G}/namespaces/app/httproutes`, { apiVersion: G, kind: "HTTPRoute", metadata: { name: "web" }, spec: { parentRefs: [{ name: "gw" }], rules: [{ backendRefs: [{ name: "web", port: 8080 }] }] } });
    lease = await recordWatch<Lease>(server.kubeConfig(), LEASES, { fieldSelector: "metadata.name=switchyard-controller" });
    await Promise.all([startReplica(), startReplica()]);
  }, 180_000);

  afterAll(async () => {
    lease?.stop();
    for (const r of replicas) if (r.serve.proc.exitCode === null && r.serve.proc.signalCode === null) await kill(r, "SIGKILL");
    await server?.stop();
  });

  it("SIGTERM: the leader releases the Lease; the follower takes the released record over, writes status and serves", { timeout: 90_000 }, async () => {
    await waitFor(() => leaderOf(holder(lease!.events.at(-1))) !== undefined, "one replica holds the Lease", 40_000);
    const leader = leaderOf(holder(lease!.events.at(-1)))!;
    const follower = replicas.find((r) => r !== leader)!;
    await waitFor(async () => (await routeGeneration()).observed === 1, "the leader's HTTPRoute status", 30_000);

    const mark = lease!.events.length;
    const killedAt = await kill(leader, "SIGTERM");
    const route = await setHostname("after-sigterm.example.com");
    await waitFor(() => holder(lease!.events.at(-1)) === follower.identity(), "the follower holds the Lease", 30_000);
    const after = lease!.events.slice(mark);
    const taken = after.findIndex((e) => holder(e) === follower.identity());
    console.log(`SIGTERM takeover: ${Math.round(after[taken]!.at - killedAt)} ms from the signal to the new holder's Lease record (lease duration ${LEASE_SECONDS} s)`);

    // The record the follower replaced was the release (no holder): a PUT carries the resourceVersion it
    // read, so it acted on that record, not on an expired one.
    expect(taken).toBeGreaterThan(0);
    expect(holder(after[taken - 1])).toBe("");
    expect(leader.serve.entries.some((e) => e.msg === "released the lease")).toBe(true);
    await waitFor(() => follower.serve.entries.some((e) => e.msg === "started leading"), "the follower logs that it leads", 10_000);

    // Status for a generation that exists only after the kill: written by the survivor.
    await waitFor(async () => (await routeGeneration()).observed === route.metadata.generation, "the survivor's status for the new generation", 30_000);
    await waitFor(() => serves(follower, "after-sigterm.example.com"), "the survivor serves the change", 20_000);
  });

  it("SIGKILL: nothing is released; a new replica takes over after the lease duration, writes status and serves", { timeout: 120_000 }, async () => {
    const leader = leaderOf(holder(lease!.events.at(-1)))!;
    expect(leader.serve.proc.exitCode).toBeNull();
    const standby = await startReplica();
    await waitFor(() => standby.serve.entries.some((e) => e.msg === "new leader observed"), "the new replica sees the leader", 20_000);

    const mark = lease!.events.length;
    const killedAt = await kill(leader, "SIGKILL");
    const route = await setHostname("after-sigkill.example.com");
    await waitFor(() => holder(lease!.events.at(-1)) === standby.identity(), "the standby holds the Lease", 60_000);
    const after = lease!.events.slice(mark);
    const taken = after.findIndex((e) => holder(e) === standby.identity());
    console.log(`SIGKILL takeover: ${Math.round(after[taken]!.at - killedAt)} ms from the signal to the new holder's Lease record (lease duration ${LEASE_SECONDS} s)`);

    // No release in between: every record after the kill until the takeover still names the dead leader,
    // and the takeover counts as a transition.
    expect(after.slice(0, taken).every((e) => holder(e) === leader.identity())).toBe(true);
    const before = taken > 0 ? after[taken - 1]! : lease!.events[mark - 1]!;
    expect(holder(before)).toBe(leader.identity());
    expect(after[taken]!.object.spec?.leaseTransitions).toBe((before.object.spec?.leaseTransitions ?? 0) + 1);
    expect(leader.serve.entries.some((e) => e.msg === "released the lease")).toBe(false);

    await waitFor(async () => (await routeGeneration()).observed === route.metadata.generation, "the standby's status for the new generation", 30_000);
    await waitFor(() => serves(standby, "after-sigkill.example.com"), "the standby serves the change", 20_000);
  });
});
