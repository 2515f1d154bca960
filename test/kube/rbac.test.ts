// deploy/base RBAC on a real kube-apiserver (RBAC authorizer, audit log): switchyard runs as the
// deploy/base ServiceAccount with a token from the TokenRequest API, with leader election and
// provisioning on, and the API server answers none of its requests with 403.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { proxyName } from "../../src/infra/provision/names.ts";
import { waitFor } from "../watch/kubernetes/helpers.ts";
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
        expect((await server.client.request({ method: "GET", path })).status, path).toBe(200);
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
});
