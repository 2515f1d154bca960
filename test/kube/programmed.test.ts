// Gateway Programmed against a real kube-apiserver (Gateway API v1.7.0 CRDs), watched through a real
// watch so that every status write is seen, not only the last one:
//   - with provisioning, a new Gateway is never Programmed=True while its proxy Deployment does not
//     exist or has no available replica (there is no controller-manager or kubelet here, so it never
//     gets one by itself); once the Deployment's /status says a replica is available and its Service
//     has an address, it becomes True;
//   - without provisioning (--disable-provisioning), Programmed=True means the Gateway's configuration
//     is translated and in the xDS cache for its proxies; no Deployment is made.
import { afterAll, beforeAll, expect, it } from "vitest";
import { proxyName } from "../../src/infra/provision/names.ts";
import { waitFor } from "../watch/kubernetes/helpers.ts";
import { describeKube } from "./peers.ts";
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

describeKube("real kube-apiserver: Gateway Programmed", (bin) => {
  let server: RealApiServer;
  let plane: RealPlane | undefined;

  beforeAll(async () => {
    server = await RealApiServer.start({ bin, crds: "v1.7.0" });
    console.log(`kube-apiserver with v1.7.0 CRDs ready in ${server.startMs} ms`);
    for (const name of [PROXY_NS, "prov", "noprov"]) await server.client.json({ method: "POST", path: "/api/v1/namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } });
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
});
