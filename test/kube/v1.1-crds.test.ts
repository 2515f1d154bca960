// Against a real kube-apiserver with only the Gateway API v1.1.0 CRDs installed (the seed-era shapes):
//   - status is written in the v1.1 shapes (GatewayClass supportedFeatures as strings) and not
//     rewritten on later translations;
//   - the file source accepts exactly what this API server accepts for a v1.1 Gateway (listener
//     tls.frontendValidation), and refuses the same typo;
//   - on random Gateways and HTTPRoutes the file source's validator with the v1.1.0 CRDs gives this
//     server's verdict (agreement.ts; provisioning.test.ts runs it on the v1.7.0 CRDs).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SchemaValidator } from "../../src/watch/file/schemas.ts";
import { captureLogger, metricValue, waitFor } from "../watch/kubernetes/helpers.ts";
import { agreementTests } from "./agreement.ts";
import { describeKube } from "./peers.ts";
import { CONTROLLER, startRealPlane, type RealPlane } from "./plane.ts";
import { RealApiServer } from "./real-apiserver.ts";

const G = "gateway.networking.k8s.io/v1";
const NS = "v11";

interface Status {
  metadata: { resourceVersion: string; generation: number };
  status?: { conditions?: { type: string; status: string; reason: string; observedGeneration?: number }[]; supportedFeatures?: unknown[]; listeners?: unknown[] };
}

describeKube("real kube-apiserver, Gateway API v1.1.0 CRDs", (bin) => {
  let server: RealApiServer;
  let plane: RealPlane | undefined;
  const logs = captureLogger("warn");

  beforeAll(async () => {
    server = await RealApiServer.start({ bin, crds: "v1.1.0" });
    console.log(`kube-apiserver with v1.1.0 CRDs ready in ${server.startMs} ms`);
    const c = server.client;
    await c.json({ method: "POST", path: "/api/v1/namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } } });
    await c.json({ method: "POST", path: `/apis/${G}/gatewayclasses`, body: { apiVersion: G, kind: "GatewayClass", metadata: { name: "switchyard" }, spec: { controllerName: CONTROLLER } } });
    await c.json({
      method: "POST",
      path: `/apis/${G}/namespaces/${NS}/gateways`,
      body: { apiVersion: G, kind: "Gateway", metadata: { name: "gw" }, spec: { gatewayClassName: "switchyard", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] } },
    });
  }, 120_000);

  afterAll(async () => {
    await plane?.stop();
    await server?.stop();
  });

  const get = (path: string) => server.client.json({ method: "GET", path }) as Promise<Status>;
  const cond = (o: Status, type: string) => o.status?.conditions?.find((c) => c.type === type);

  it("writes GatewayClass status in the v1.1 shape, and does not write it again when nothing changed", async () => {
    plane = await startRealPlane({ kubeConfig: server.kubeConfig(), provisioning: false, logger: logs.logger });
    await waitFor(async () => cond(await get(`/apis/${G}/gatewayclasses/switchyard`), "Accepted")?.status === "True", "GatewayClass Accepted=True", 20_000);
    const gc = await get(`/apis/${G}/gatewayclasses/switchyard`);
    expect(gc.status?.supportedFeatures?.length).toBeGreaterThan(0);
    expect(gc.status?.supportedFeatures?.every((f) => typeof f === "string")).toBe(true);
    const gw = await get(`/apis/${G}/namespaces/${NS}/gateways/gw`);
    await waitFor(async () => cond(await get(`/apis/${G}/namespaces/${NS}/gateways/gw`), "Programmed")?.status === "True", "Gateway Programmed=True", 20_000);
    expect(gw.metadata.generation).toBe(1);

    // Another translation (a new ConfigMap) must find both statuses as they are: nothing to write.
    const written = await metricValue(plane.registry, "switchyard_status_writes_total", { result: "written" });
    const translations = await metricValue(plane.registry, "switchyard_translations_total");
    await server.client.json({ method: "POST", path: `/api/v1/namespaces/${NS}/configmaps`, body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "nudge" } } });
    await waitFor(async () => (await metricValue(plane!.registry, "switchyard_translations_total")) > translations, "a translation after the change", 20_000);
    await plane.plane.controller.idle();
    await plane.k8s.statusSink.whenIdle();
    expect(await metricValue(plane.registry, "switchyard_status_writes_total", { result: "written" })).toBe(written);
    expect((await get(`/apis/${G}/gatewayclasses/switchyard`)).metadata.resourceVersion).toBe(gc.metadata.resourceVersion);
    expect(await metricValue(plane.registry, "switchyard_status_writes_total", { result: "invalid" })).toBe(0);
    expect(logs.lines().filter((l) => String(l.msg).includes("rejected"))).toEqual([]);
  });

  it("the file source accepts the v1.1 Gateway this API server accepts, and both refuse a typo", async () => {
    const gateway = (name: string, field: string) => ({
      apiVersion: G,
      kind: "Gateway",
      metadata: { name, namespace: NS },
      spec: {
        gatewayClassName: "switchyard",
        listeners: [{ name: "https", port: 443, protocol: "HTTPS", tls: { certificateRefs: [{ name: "cert" }], [field]: { caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "ca" }] } } }],
      },
    });
    // Strict field validation, as `kubectl apply` asks for: an unknown field is an error, not a warning.
    const create = (o: object) => server.client.request({ method: "POST", path: `/apis/${G}/namespaces/${NS}/gateways?fieldValidation=Strict`, body: o });
    const validator = new SchemaValidator();

    const good = gateway("v11-shape", "frontendValidation");
    expect((await create(structuredClone(good))).status).toBe(201);
    expect(validator.validate(structuredClone(good))).toEqual([]);

    const typo = gateway("typo", "frontendValidaton");
    const refused = await create(structuredClone(typo));
    expect(refused.status).toBe(400); // strict decoding error: BadRequest
    expect(JSON.stringify(refused.body)).toContain("frontendValidaton");
    expect(validator.validate(structuredClone(typo))).toMatchObject([{ field: "spec.listeners[0].tls.frontendValidaton", message: "unknown field" }]);
  });

  describe("the file source's validator (v1.1.0 CRDs) agrees with this server", () => agreementTests(() => server, "v1.1.0", 150));
});
