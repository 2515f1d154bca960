// Contract tests against a real cluster: the same source, status writer and
// leader election that the fixture tests drive. With $KUBECONFIG they run
// against that cluster (current context); without it, against a real etcd +
// kube-apiserver started for this file (test/kube/real-apiserver.ts, Gateway
// API v1.7.0 CRDs), which is how `npm test` runs them. They work in a throwaway
// namespace and delete it afterwards. Without either they are skipped (and fail
// under CI), and the test name says so.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/observability/log.ts";
import { createRegistry } from "../../../src/observability/metrics.ts";
import { loadKubeConfig } from "../../../src/watch/kubernetes/index.ts";
import { KubeClient } from "../../../src/watch/kubernetes/kube-http.ts";
import { LeaderElector } from "../../../src/watch/kubernetes/leader-election.ts";
import { createKubernetesSource } from "../../../src/watch/kubernetes/source.ts";
import { StatusWriter } from "../../../src/watch/kubernetes/status-writer.ts";
import { describeKube } from "../../kube/peers.ts";
import { RealApiServer } from "../../kube/real-apiserver.ts";
import { waitFor } from "./helpers.ts";

const KUBECONFIG = process.env.KUBECONFIG;

if (KUBECONFIG) {
  describe(`real-cluster contract (KUBECONFIG=${KUBECONFIG})`, () => contract(async () => ({ client: new KubeClient(loadKubeConfig(KUBECONFIG)), stop: async () => undefined })));
} else {
  describeKube("real-cluster contract (a kube-apiserver started for this file)", (bin) =>
    contract(async () => {
      const server = await RealApiServer.start({ bin, crds: "v1.7.0" });
      console.log(`kube-apiserver with v1.7.0 CRDs ready in ${server.startMs} ms`);
      return { client: server.client, stop: () => server.stop() };
    }),
  );
}

function contract(connect: () => Promise<{ client: KubeClient; stop: () => Promise<void> }>): void {
  const ns = `switchyard-contract-${randomUUID().slice(0, 8)}`;
  let client: KubeClient;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ client, stop } = await connect());
    await client.json({ method: "POST", path: "/api/v1/namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } } });
  }, 120_000);
  afterAll(async () => {
    await client?.request({ method: "DELETE", path: `/api/v1/namespaces/${ns}` });
    await stop?.();
  });

  it("discovers the installed kinds, syncs, and sees a change", { timeout: 60_000 }, async () => {
    const source = createKubernetesSource({ kubeConfig: client.kubeConfig, logger: silentLogger(), registry: createRegistry(), namespaces: [ns] });
    try {
      await source.start();
      expect(source.synced).toBe(true);
      expect(source.watched().find((w) => w.kind === "Service")?.apiVersion).toBe("v1");
      let changes = 0;
      source.onChange(() => changes++);
      await client.json({ method: "POST", path: `/api/v1/namespaces/${ns}/configmaps`, body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "probe" }, data: { a: "1" } } });
      await waitFor(() => source.current().get("ConfigMap", `${ns}/probe`) !== undefined, "the ConfigMap", 20_000);
      // The change notification is delivered after the view is updated, not in the same tick.
      await waitFor(() => changes > 0, "a change notification", 20_000);
      expect(changes).toBeGreaterThan(0);
      await client.json({ method: "DELETE", path: `/api/v1/namespaces/${ns}/configmaps/probe` });
      await waitFor(() => source.current().get("ConfigMap", `${ns}/probe`) === undefined, "the delete", 20_000);
    } finally {
      await source.stop();
    }
  });

  it("leader election: one of two leads; a release hands over", { timeout: 60_000 }, async () => {
    const make = (identity: string) =>
      new LeaderElector({ client, logger: silentLogger(), registry: createRegistry(), leaseName: "contract", leaseNamespace: ns, identity, leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 });
    const a = make("a");
    const b = make("b");
    try {
      a.start();
      await waitFor(() => a.isLeader, "a leads", 20_000);
      b.start();
      await waitFor(() => b.holder === "a", "b sees a", 20_000);
      expect(b.isLeader).toBe(false);
      await a.stop();
      await waitFor(() => b.isLeader, "b leads after the release", 20_000);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("status write keeps other controllers' entries (needs the HTTPRoute CRD)", { timeout: 60_000 }, async (ctx) => {
    const G = "gateway.networking.k8s.io/v1";
    const probe = await client.request({ method: "GET", path: `/apis/${G}` });
    if (probe.status !== 200) ctx.skip("the Gateway API CRDs are not installed in this cluster");
    const base = `/apis/${G}/namespaces/${ns}/httproutes`;
    const created = (await client.json({ method: "POST", path: base, body: { apiVersion: G, kind: "HTTPRoute", metadata: { name: "r" }, spec: { parentRefs: [{ name: "gw" }] } } })) as {
      metadata: { resourceVersion: string };
    };
    const theirs = {
      parentRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "other" },
      controllerName: "example.com/other",
      conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message: "", lastTransitionTime: "2024-01-01T00:00:00Z", observedGeneration: 1 }],
    };
    await client.json({ method: "PUT", path: `${base}/r/status`, body: { ...created, status: { parents: [theirs] } } });
    const writer = new StatusWriter({ client, logger: silentLogger(), registry: createRegistry(), controllerName: "switchyard.dev/contract", isLeader: () => true });
    writer.publish([
      {
        kind: "HTTPRoute",
        target: { apiVersion: G, namespace: ns, name: "r" },
        parents: [
          {
            parentRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gw" },
            controllerName: "switchyard.dev/contract",
            conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message: "" }],
          },
        ],
      },
    ]);
    await writer.whenIdle();
    writer.stop();
    const got = (await client.json({ method: "GET", path: `${base}/r` })) as { status: { parents: { controllerName: string }[] } };
    expect(got.status.parents.map((p) => p.controllerName)).toEqual(["example.com/other", "switchyard.dev/contract"]);
  });
}
