// deploy/base RBAC on a real kube-apiserver (RBAC authorizer, audit log): switchyard runs as the
// deploy/base ServiceAccount with a token from the TokenRequest API, with leader election and
// provisioning on, and the API server answers none of its requests with 403. And the status
// writer meets the errors the real server gives (409, 422 with field causes, 403, and 429 with
// Retry-After from API Priority and Fairness): each is logged once with the object and counted, and
// none is retried in a loop (the audit log, or the client's own record, counts attempts).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { StatusUpdate } from "../../src/api/translation.ts";
import { proxyName } from "../../src/infra/provision/names.ts";
import { createRegistry } from "../../src/observability/metrics.ts";
import { KubeClient, type KubeRequest, type KubeResponse } from "../../src/watch/kubernetes/kube-http.ts";
import { InstalledStatusSchemas } from "../../src/watch/kubernetes/status-schema.ts";
import { StatusWriter } from "../../src/watch/kubernetes/status-writer.ts";
import { captureLogger, metricValue, waitFor } from "../watch/kubernetes/helpers.ts";
import { describeKube } from "./peers.ts";
import { CONTROLLER, startRealPlane } from "./plane.ts";
import { RealApiServer } from "./real-apiserver.ts";

const G = "gateway.networking.k8s.io/v1";
const NS = "switchyard-system";
const SA_USER = `system:serviceaccount:${NS}:switchyard-controller`;
const RBAC = "/apis/rbac.authorization.k8s.io/v1";

/** Where each deploy/base kind is created (namespaced ones in the controller's namespace, as kustomize sets it). */
const COLLECTIONS: Record<string, string> = {
  Namespace: "/api/v1/namespaces",
  ServiceAccount: `/api/v1/namespaces/${NS}/serviceaccounts`,
  ClusterRole: `${RBAC}/clusterroles`,
  ClusterRoleBinding: `${RBAC}/clusterrolebindings`,
  Role: `${RBAC}/namespaces/${NS}/roles`,
  RoleBinding: `${RBAC}/namespaces/${NS}/rolebindings`,
};

describeKube("real kube-apiserver: deploy/base RBAC", (bin) => {
  let server: RealApiServer;

  beforeAll(async () => {
    server = await RealApiServer.start({ bin, crds: "v1.7.0", audit: true });
    console.log(`kube-apiserver (audit) with v1.7.0 CRDs ready in ${server.startMs} ms`);
    const files = ["namespace", "serviceaccount", "clusterrole", "clusterrolebinding", "role", "rolebinding", "provisioner-role"];
    for (const f of files) {
      for (const doc of parseAllDocuments(readFileSync(new URL(`../../deploy/base/${f}.yaml`, import.meta.url), "utf8"))) {
        const obj = doc.toJS() as { kind: string; metadata: { namespace?: string } } | null;
        if (!obj) continue;
        await server.client.json({ method: "POST", path: COLLECTIONS[obj.kind]!, body: obj });
      }
    }
    await server.client.json({ method: "POST", path: "/api/v1/namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "apps" } } });
    await server.client.json({ method: "POST", path: `/apis/${G}/gatewayclasses`, body: { apiVersion: G, kind: "GatewayClass", metadata: { name: "switchyard" }, spec: { controllerName: CONTROLLER } } });
    await server.client.json({
      method: "POST",
      path: `/apis/${G}/namespaces/apps/gateways`,
      body: { apiVersion: G, kind: "Gateway", metadata: { name: "gw" }, spec: { gatewayClassName: "switchyard", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] } },
    });
    await server.client.json({
      method: "POST",
      path: "/api/v1/namespaces/apps/services",
      body: { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { ports: [{ port: 8080 }], selector: { app: "web" } } },
    });
    await server.client.json({
      method: "POST",
      path: `/apis/${G}/namespaces/apps/httproutes`,
      body: { apiVersion: G, kind: "HTTPRoute", metadata: { name: "web" }, spec: { parentRefs: [{ name: "gw" }], rules: [{ backendRefs: [{ name: "web", port: 8080 }] }] } },
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("a full run as the ServiceAccount (sync, lease, status, provisioning, release) gets no 403", async () => {
    const token = await server.serviceAccountToken(NS, "switchyard-controller");
    const kubeConfig = server.tokenKubeConfig(token);
    const plane = await startRealPlane({ kubeConfig, leaderElection: true, leaseNamespace: NS, provisioning: { controllerNamespace: NS, addressPollMs: 50 } });
    try {
      await waitFor(() => plane.k8s.leader.isLeader, "leadership", 20_000);
      const route = () => server.client.json({ method: "GET", path: `/apis/${G}/namespaces/apps/httproutes/web` }) as Promise<{ status?: { parents?: { controllerName: string }[] } }>;
      await waitFor(async () => (await route()).status?.parents?.[0]?.controllerName === CONTROLLER, "HTTPRoute status", 20_000);
      const gateway = () => server.client.json({ method: "GET", path: `/apis/${G}/namespaces/apps/gateways/gw` }) as Promise<{ status?: { conditions?: { type: string; reason: string }[] } }>;
      await waitFor(async () => (await gateway()).status?.conditions?.some((c) => c.type === "Programmed" && c.reason === "NoResources") === true, "Gateway status from the proxy Deployment", 20_000);
      for (const path of [`/apis/apps/v1/namespaces/${NS}/deployments/${proxyName("apps", "gw")}`, `/api/v1/namespaces/${NS}/services/${proxyName("apps", "gw")}`]) {
        await waitFor(async () => (await server.client.request({ method: "GET", path })).status === 200, `${path} applied`, 20_000);
      }
    } finally {
      await plane.stop();
    }
    const ours = server.auditEvents().filter((e) => e.user.username === SA_USER && e.stage === "ResponseComplete");
    const forbidden = ours.filter((e) => e.responseStatus?.code === 403).map((e) => `${e.verb} ${e.requestURI}`);
    expect(forbidden).toEqual([]);
    // The run did exercise each path: lists and watches, status updates, server-side apply, the Lease and its release.
    const did = (verb: string, part: string) => ours.some((e) => e.verb === verb && e.requestURI.includes(part));
    expect(did("watch", "/httproutes")).toBe(true);
    expect(did("update", "/httproutes/web/status")).toBe(true);
    expect(did("update", "/gatewayclasses/switchyard/status")).toBe(true);
    expect(did("patch", "/deployments/")).toBe(true);
    expect(did("update", "/leases/switchyard-controller")).toBe(true);
    expect(did("get", "/openapi/v3")).toBe(true);
  });
  it("409, 422 and 403 from the real server: logged once with the object, counted, not retried in a loop", async () => {
    const ROUTE = `/apis/${G}/namespaces/apps/httproutes/web`;
    const accepted = [{ type: "Accepted", status: "True" as const, reason: "Accepted", message: "" }];
    const update = (controllerName: string): StatusUpdate => ({
      kind: "HTTPRoute",
      target: { apiVersion: G, namespace: "apps", name: "web" },
      parents: [{ parentRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gw" }, controllerName, conditions: accepted }],
    });
    const writer = (client: KubeClient, controllerName: string, lookup?: () => never) => {
      const log = captureLogger("info");
      const registry = createRegistry();
      const w = new StatusWriter({ client, logger: log.logger, registry, controllerName, isLeader: () => true, lookup, retryInitialMs: 200, retryMaxMs: 2_000, schemas: new InstalledStatusSchemas({ client, logger: log.logger }) });
      return { w, registry, lines: log.lines };
    };
    const attempts = (user: string, code: number) => server.auditEvents().filter((e) => e.user.username === user && e.responseStatus?.code === code && e.requestURI.includes("/httproutes/web/status")).length;

    // 409: our cached copy is stale (someone wrote the status since); the writer reads /status again and merges.
    const stale = await server.client.json({ method: "GET", path: ROUTE });
    const fresh = (await server.client.json({ method: "GET", path: ROUTE })) as { status?: { parents?: unknown[] } };
    const theirs = { parentRef: { name: "other" }, controllerName: "example.com/other", conditions: [{ ...accepted[0], lastTransitionTime: "2026-01-01T00:00:00Z" }] };
    await server.client.json({ method: "PUT", path: `${ROUTE}/status`, body: { ...fresh, status: { parents: [...(fresh.status?.parents ?? []), theirs] } } });
    const conflict = writer(server.client, "example.com/conflict", () => stale as never);
    conflict.w.publish([update("example.com/conflict")]);
    await conflict.w.whenIdle();
    conflict.w.stop();
    expect(attempts("admin", 409)).toBe(1);
    const after = (await server.client.json({ method: "GET", path: ROUTE })) as { status: { parents: { controllerName: string }[] } };
    expect(after.status.parents.map((p) => p.controllerName)).toEqual(expect.arrayContaining(["example.com/other", "example.com/conflict"]));

    // 422: a status the CRD refuses (a controllerName outside its pattern): one attempt, one log with the field, however often it is published.
    // With an informer-like cache, which never shows the refused status: that used to queue it again on every publish.
    const current = await server.client.json({ method: "GET", path: ROUTE });
    const invalid = writer(server.client, "Not A Controller Name", () => current as never);
    for (let i = 0; i < 3; i++) {
      invalid.w.publish([update("Not A Controller Name")]);
      await invalid.w.whenIdle();
    }
    invalid.w.stop();
    expect(attempts("admin", 422)).toBe(1);
    expect(await metricValue(invalid.registry, "switchyard_status_writes_total", { result: "invalid" })).toBe(1);
    const refusedLog = invalid.lines().filter((l) => String(l.msg).includes("rejected our status"));
    expect(refusedLog).toHaveLength(1);
    expect(refusedLog[0]).toMatchObject({ object: "HTTPRoute/apps/web" });
    expect(JSON.stringify(refusedLog[0]!.causes)).toContain("controllerName");

    // 403: a ServiceAccount without any role. Retried with backoff (200 ms doubling), warned about once.
    await server.client.json({ method: "POST", path: `/api/v1/namespaces/${NS}/serviceaccounts`, body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "nobody" } } });
    const nobody = new KubeClient(server.tokenKubeConfig(await server.serviceAccountToken(NS, "nobody")));
    const forbidden = writer(nobody, CONTROLLER);
    const started = Date.now();
    forbidden.w.publish([update(CONTROLLER)]);
    const NOBODY = `system:serviceaccount:${NS}:nobody`;
    await waitFor(async () => (await metricValue(forbidden.registry, "switchyard_status_writes_total", { result: "error" })) >= 3, "three failed attempts", 10_000);
    const elapsed = Date.now() - started;
    forbidden.w.stop();
    // 0, ~200, ~600 ms (jitter aside): a hot loop would have made hundreds of attempts by now.
    expect(attempts(NOBODY, 403)).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(elapsed / 200 + 1)) + 1);
    const warned = forbidden.lines().filter((l) => String(l.msg).startsWith("status write failed"));
    expect(warned).toEqual([expect.objectContaining({ object: "HTTPRoute/apps/web", status: 403 })]);
  });

  it("429 with Retry-After from API Priority and Fairness: the writer waits as asked, warns once, counts it", { timeout: 90_000 }, async () => {
    // A priority level with no concurrency of its own and none to borrow, that rejects rather than queues,
    // for one ServiceAccount (which may write status through the deploy/base ClusterRole). Its requests get 429
    // whenever another of its requests is in flight: a burst of them makes the writer's own requests meet it.
    const FC = "/apis/flowcontrol.apiserver.k8s.io/v1";
    const post = (path: string, body: unknown) => server.client.json({ method: "POST", path, body });
    await post(`/api/v1/namespaces/${NS}/serviceaccounts`, { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "throttled" } });
    await post(`${RBAC}/clusterrolebindings`, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "throttled" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "switchyard-controller" },
      subjects: [{ kind: "ServiceAccount", name: "throttled", namespace: NS }],
    });
    // One share: a few seats of its own, so bursts are refused and a quiet write gets through. With zero
    // shares the level's seats depended on what it could borrow, and a loaded CI run once waited in vain
    // for the quiet write.
    await post(`${FC}/prioritylevelconfigurations`, {
      apiVersion: "flowcontrol.apiserver.k8s.io/v1",
      kind: "PriorityLevelConfiguration",
      metadata: { name: "starved" },
      spec: { type: "Limited", limited: { nominalConcurrencyShares: 1, lendablePercent: 0, borrowingLimitPercent: 0, limitResponse: { type: "Reject" } } },
    });
    await post(`${FC}/flowschemas`, {
      apiVersion: "flowcontrol.apiserver.k8s.io/v1",
      kind: "FlowSchema",
      metadata: { name: "starved" },
      spec: {
        priorityLevelConfiguration: { name: "starved" },
        matchingPrecedence: 100,
        distinguisherMethod: { type: "ByUser" },
        rules: [{ subjects: [{ kind: "ServiceAccount", serviceAccount: { namespace: NS, name: "throttled" } }], resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"], namespaces: ["*"], clusterScope: true }] }],
      },
    });
    const token = await server.serviceAccountToken(NS, "throttled");
    // The writer's client records what it sent and got, and when.
    const seen: { at: number; status: number; retryAfterMs?: number }[] = [];
    class Recording extends KubeClient {
      override async request(req: KubeRequest): Promise<KubeResponse> {
        const res = await super.request(req);
        seen.push({ at: performance.now(), status: res.status, ...(res.retryAfterMs !== undefined ? { retryAfterMs: res.retryAfterMs } : {}) });
        return res;
      }
    }
    const noisy = new KubeClient(server.tokenKubeConfig(token));
    const log = captureLogger("info");
    const registry = createRegistry();
    const client = new Recording(server.tokenKubeConfig(token));
    const w = new StatusWriter({ client, logger: log.logger, registry, controllerName: "example.com/throttled", isLeader: () => true, retryInitialMs: 20, retryMaxMs: 100 });
    const update = (message: string): StatusUpdate => ({
      kind: "HTTPRoute",
      target: { apiVersion: G, namespace: "apps", name: "web" },
      parents: [{ parentRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gw" }, controllerName: "example.com/throttled", conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message }] }],
    });
    const throttled = () => seen.some((s) => s.status === 429);
    try {
      // Bursts from the same ServiceAccount while the writer writes; a new status each round, until one of the
      // writer's requests meets a 429 (the configuration takes a moment to reach the server's dispatcher).
      for (let round = 0; round < 40 && !throttled(); round++) {
        w.publish([update(`round ${round}`)]);
        await Promise.all(Array.from({ length: 30 }, () => noisy.request({ method: "GET", path: `/apis/${G}/namespaces/apps/httproutes` })));
        await w.whenIdle();
      }
      expect(throttled()).toBe(true);
      // Quiet now: the held write goes through.
      await waitFor(async () => seen.at(-1)?.status === 200 && w.pending === 0, "the write after the throttling", 30_000);
    } finally {
      w.stop();
    }
    // After every 429 the writer's next request waited at least the Retry-After the server sent (a lower
    // bound: a loaded machine can only make it later), even though its own backoff was 20 ms.
    const refusals = seen.map((s, i) => ({ s, next: seen[i + 1] })).filter(({ s }) => s.status === 429);
    for (const { s, next } of refusals) {
      expect(s.retryAfterMs).toBeGreaterThanOrEqual(1_000);
      if (next) expect(next.at - s.at).toBeGreaterThanOrEqual(s.retryAfterMs! - 5);
    }
    expect(await metricValue(registry, "switchyard_kube_api_errors_total", { component: "status-writer", code: "429" })).toBe(refusals.length);
    expect(await metricValue(registry, "switchyard_status_writes_total", { kind: "HTTPRoute", result: "throttled" })).toBeGreaterThanOrEqual(1);
    const warned = log.lines().filter((l) => String(l.msg).startsWith("status write throttled"));
    expect(warned[0]).toMatchObject({ object: "HTTPRoute/apps/web", status: 429 });
    // Once per spell of failures of the object (the spell ends with a successful write).
    expect(warned.length).toBeLessThanOrEqual(log.lines().filter((l) => l.msg === "status write works again").length + 1);
  });
});
