// Provisioning against a real kube-apiserver (Gateway API v1.7.0 CRDs), one server for the file's
// tests, each in its own namespace. Gateway Programmed is watched through a real watch so that every
// status write is seen, not only the last one:
//   - with provisioning, a new Gateway is never Programmed=True while its proxy Deployment does not
//     exist or has no available replica (there is no controller-manager or kubelet here, so it never
//     gets one by itself); once the Deployment's /status says a replica is available and its Service
//     has an address, it becomes True;
//   - without provisioning (--disable-provisioning), Programmed=True means the Gateway's configuration
//     is translated and in the xDS cache for its proxies; no Deployment is made.
// And server-side apply conflicts on the provisioned Deployment, Service and ConfigMap: another field
// manager's apply of a field switchyard owns is refused (409, naming the manager "switchyard") unless
// forced; forced, or written with a plain update, it is taken back on switchyard's next apply (which
// forces the fields it sets), while the other manager's own fields (an annotation, spec.replicas, an
// extra ConfigMap key) are left as they are.
// The same server also runs the file-source agreement property (agreement.ts: dry-run creates only, in
// its own namespace), which would otherwise cost a server start of its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ENVOY_IMAGE } from "../../src/infra/provision/render.ts";
import { proxyName } from "../../src/infra/provision/names.ts";
import { waitFor } from "../watch/kubernetes/helpers.ts";
import { describeKube } from "./peers.ts";
import { agreementTests } from "./agreement.ts";
import { CONTROLLER, recordWatch, startRealPlane, type Recorded, type RealPlane } from "./plane.ts";
import { RealApiServer } from "./real-apiserver.ts";

const G = "gateway.networking.k8s.io/v1";
const PROXY_NS = "switchyard-system";

interface Cond {
  type: string;
  status: string;
  reason: string;
  observedGeneration?: number;
}
interface GatewayObj {
  metadata: { name: string; generation: number; resourceVersion: string };
  status?: { conditions?: Cond[]; addresses?: { value: string }[] };
}

const programmed = (o: GatewayObj | undefined) => o?.status?.conditions?.find((c) => c.type === "Programmed");
const trail = (events: Recorded<GatewayObj>[]) => events.map((e) => `${programmed(e.object)?.status}/${programmed(e.object)?.reason}`);

describeKube("real kube-apiserver: provisioning", (bin) => {
  let server: RealApiServer;
  let plane: RealPlane | undefined;

  beforeAll(async () => {
    server = await RealApiServer.start({ bin, crds: "v1.7.0" });
    console.log(`kube-apiserver with v1.7.0 CRDs ready in ${server.startMs} ms`);
    for (const name of [PROXY_NS, "prov", "noprov", "ssa"]) await server.client.json({ method: "POST", path: "/api/v1/namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } });
    await server.client.json({ method: "POST", path: `/apis/${G}/gatewayclasses`, body: { apiVersion: G, kind: "GatewayClass", metadata: { name: "switchyard" }, spec: { controllerName: CONTROLLER } } });
  }, 120_000);

  afterAll(async () => {
    await plane?.stop();
    await server?.stop();
  });

  const createGateway = (ns: string) =>
    server.client.json({
      method: "POST",
      path: `/apis/${G}/namespaces/${ns}/gateways`,
      body: { apiVersion: G, kind: "Gateway", metadata: { name: "gw" }, spec: { gatewayClassName: "switchyard", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] } },
    });
  const getObj = <T>(path: string) => server.client.json({ method: "GET", path }) as Promise<T>;
  /** Replaces an object's status through its /status subresource, as the controller-manager (Deployment) or a cloud (Service) would. */
  const putStatus = async (path: string, status: unknown) => {
    const obj = await getObj<Record<string, unknown>>(path);
    await server.client.json({ method: "PUT", path: `${path}/status`, body: { ...obj, status } });
  };

  it("with provisioning: never Programmed=True before the proxy is ready; True once it is", async () => {
    const watch = await recordWatch<GatewayObj>(server.kubeConfig(), `/apis/${G}/namespaces/prov/gateways`);
    try {
      plane = await startRealPlane({ kubeConfig: server.kubeConfig(), provisioning: { controllerNamespace: PROXY_NS, addressPollMs: 50 } });
      await createGateway("prov");
      const name = proxyName("prov", "gw");
      const deployment = `/apis/apps/v1/namespaces/${PROXY_NS}/deployments/${name}`;
      const service = `/api/v1/namespaces/${PROXY_NS}/services/${name}`;
      await waitFor(() => programmed(watch.events.at(-1)?.object)?.reason === "NoResources", "Programmed=False NoResources", 20_000);
      expect((await server.client.request({ method: "GET", path: deployment })).status).toBe(200);
      await plane.plane.controller.idle();
      await plane.k8s.statusSink.whenIdle();
      const before = watch.events.length;
      expect(trail(watch.events).filter((t) => t.startsWith("True")), trail(watch.events).join(" -> ")).toEqual([]);
      expect(programmed(watch.events.at(-1)?.object)).toMatchObject({ status: "False", observedGeneration: 1 });

      // The proxy becomes ready (what the controller-manager would report); the load balancer is still pending.
      await putStatus(deployment, { observedGeneration: 1, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 });
      await waitFor(() => programmed(watch.events.at(-1)?.object)?.reason === "AddressNotAssigned", "Programmed=False AddressNotAssigned", 20_000);
      await putStatus(service, { loadBalancer: { ingress: [{ ip: "203.0.113.10" }] } });
      await waitFor(() => programmed(watch.events.at(-1)?.object)?.status === "True", "Programmed=True", 20_000);
      const last = watch.events.at(-1)!.object;
      expect(last.status?.addresses).toEqual([{ type: "IPAddress", value: "203.0.113.10" }]);
      expect(programmed(last)).toMatchObject({ reason: "Programmed", observedGeneration: last.metadata.generation });
      expect(trail(watch.events.slice(0, before)).some((t) => t.startsWith("True"))).toBe(false);
    } finally {
      watch.stop();
      await plane?.stop();
      plane = undefined;
    }
  });

  it("without provisioning: Programmed=True once translated and in the xDS cache; no Deployment", async () => {
    plane = await startRealPlane({ kubeConfig: server.kubeConfig(), provisioning: false });
    await createGateway("noprov");
    const path = `/apis/${G}/namespaces/noprov/gateways/gw`;
    await waitFor(async () => programmed(await getObj<GatewayObj>(path))?.status === "True", "Programmed=True", 20_000);
    expect(programmed(await getObj<GatewayObj>(path))).toMatchObject({ reason: "Programmed", observedGeneration: 1 });
    expect(plane.plane.cache.getSnapshot("noprov/gw")?.resources.listeners.map((l) => l.name)).toEqual(["noprov/gw/http"]);
    const dep = await server.client.request({ method: "GET", path: `/apis/apps/v1/namespaces/${PROXY_NS}/deployments/${proxyName("noprov", "gw")}` });
    expect(dep.status).toBe(404);
  });

  it("server-side apply conflicts: switchyard takes its fields back and leaves the other manager's alone", { timeout: 90_000 }, async () => {
    plane = await startRealPlane({ kubeConfig: server.kubeConfig(), provisioning: { controllerNamespace: PROXY_NS, addressPollMs: 50, resyncMs: 500 } });
    try {
      await createGateway("ssa");
      const name = proxyName("ssa", "gw");
      const paths = {
        Deployment: `/apis/apps/v1/namespaces/${PROXY_NS}/deployments/${name}`,
        Service: `/api/v1/namespaces/${PROXY_NS}/services/${name}`,
        ConfigMap: `/api/v1/namespaces/${PROXY_NS}/configmaps/${name}`,
      };
      for (const path of Object.values(paths)) await waitFor(async () => (await server.client.request({ method: "GET", path })).status === 200, `${path} provisioned`, 20_000);
      const cm = await getObj<{ data: Record<string, string> }>(paths.ConfigMap);
      const [bootstrapKey] = Object.keys(cm.data);
      const bootstrap = cm.data[bootstrapKey!]!;

      const OTHER = "other-tool";
      const apply = (path: string, body: Record<string, unknown>, force: boolean) =>
        server.client.request({ method: "PATCH", path: `${path}?fieldManager=${OTHER}${force ? "&force=true" : ""}`, body, contentType: "application/apply-patch+yaml" });
      const meta = { name, namespace: PROXY_NS, annotations: { "example.com/owner": OTHER } };
      const theirs = {
        Deployment: {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: meta,
          spec: { replicas: 3, template: { spec: { containers: [{ name: "envoy", image: "example.com/envoy:other" }] } } },
        },
        Service: { apiVersion: "v1", kind: "Service", metadata: meta, spec: { externalTrafficPolicy: "Cluster" } },
        ConfigMap: { apiVersion: "v1", kind: "ConfigMap", metadata: meta, data: { [bootstrapKey!]: "{}", extra: "kept" } },
      };

      // Unforced: the server refuses each, naming the field and switchyard as its manager.
      for (const [kind, body] of Object.entries(theirs)) {
        const res = await apply(paths[kind as keyof typeof paths], body, false);
        expect(res.status, kind).toBe(409);
        const causes = (res.body as { details?: { causes?: { message: string; field: string }[] } }).details?.causes ?? [];
        expect(causes.map((c) => c.message).join(" "), kind).toContain('conflict with "switchyard"');
      }
      // Forced: the other manager takes the fields over, for now.
      for (const [kind, body] of Object.entries(theirs)) expect((await apply(paths[kind as keyof typeof paths], body, true)).status, kind).toBe(200);

      type Obj = {
        metadata: { annotations?: Record<string, string>; managedFields?: { manager: string; operation: string; fieldsV1?: unknown }[] };
        spec?: { replicas?: number; externalTrafficPolicy?: string; template?: { spec: { containers: { image: string }[] } } };
        data?: Record<string, string>;
      };
      const restored = async () => {
        const [d, s, c] = await Promise.all([getObj<Obj>(paths.Deployment), getObj<Obj>(paths.Service), getObj<Obj>(paths.ConfigMap)]);
        return d.spec?.template?.spec.containers[0]?.image === DEFAULT_ENVOY_IMAGE && s.spec?.externalTrafficPolicy === "Local" && c.data?.[bootstrapKey!] === bootstrap ? { d, s, c } : undefined;
      };
      await waitFor(async () => (await restored()) !== undefined, "switchyard's next apply takes its fields back", 20_000);
      const { d, s, c } = (await restored())!;
      // The other manager's own fields stay, and it no longer manages the ones switchyard took back.
      for (const o of [d, s, c]) expect(o.metadata.annotations?.["example.com/owner"]).toBe(OTHER);
      expect(d.spec?.replicas).toBe(3);
      expect(c.data?.extra).toBe("kept");
      const managed = (o: Obj, manager: string) => JSON.stringify(o.metadata.managedFields?.find((m) => m.manager === manager && m.operation === "Apply")?.fieldsV1 ?? {});
      expect(managed(d, OTHER)).toContain("f:replicas");
      expect(managed(d, OTHER)).not.toContain("f:image");
      expect(managed(d, "switchyard")).toContain("f:image");
      expect(managed(s, OTHER)).not.toContain("f:externalTrafficPolicy");
      expect(managed(c, OTHER)).toContain("f:extra");
      expect(managed(c, OTHER)).not.toContain(`f:${bootstrapKey}`);

      // A plain update (kubectl edit, kubectl set image) never conflicts; switchyard's apply takes the field back too.
      await server.client.json({
        method: "PATCH",
        path: `${paths.Deployment}?fieldManager=kubectl-edit`,
        body: { spec: { template: { spec: { containers: [{ name: "envoy", image: "example.com/envoy:edited" }] } } } },
        contentType: "application/strategic-merge-patch+json",
      });
      await waitFor(async () => (await restored()) !== undefined, "the edited image is taken back", 20_000);
      expect((await getObj<Obj>(paths.Deployment)).spec?.replicas).toBe(3);
    } finally {
      await plane?.stop();
      plane = undefined;
    }
  });

  describe("the file source's validator (v1.7.0 CRDs) agrees with this server", () => agreementTests(() => server, "v1.7.0", 200));
});
