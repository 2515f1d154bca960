// The file source's validator and a real kube-apiserver (Gateway API v1.7.0 experimental CRDs, the bundle
// deploy/crds ships) give the same verdict on random Gateways and HTTPRoutes: JSON Schema with defaults and
// strict fields, CEL rules (x-kubernetes-validations) and list-map keys. The same property runs against the
// v1.1.0 CRDs in v1.1-crds.test.ts.
import { afterAll, beforeAll, expect, it } from "vitest";
import { SchemaValidator } from "../../src/watch/file/schemas.ts";
import { assertAgreement, gatewayArb, httpRouteArb } from "./agreement.ts";
import { crdDir } from "./crds.ts";
import { describeKube } from "./peers.ts";
import { RealApiServer } from "./real-apiserver.ts";

const G = "gateway.networking.k8s.io/v1";
const NS = "agree";
const RUNS = 200;

describeKube("real kube-apiserver and the file source agree on what is valid (v1.7.0 CRDs)", (bin) => {
  let server: RealApiServer;
  let validator: SchemaValidator;

  beforeAll(async () => {
    // Only the two kinds the property sends: the server's start is mostly compiling CRDs.
    server = await RealApiServer.start({ bin, crds: "v1.7.0", crdKinds: ["Gateway", "HTTPRoute"] });
    console.log(`kube-apiserver with v1.7.0 CRDs ready in ${server.startMs} ms`);
    await server.client.json({ method: "POST", path: "/api/v1/namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } } });
    validator = new SchemaValidator({ crdDirs: [crdDir("v1.7.0")] });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  const gw = (listeners: unknown[]) => ({ apiVersion: G, kind: "Gateway", metadata: { name: "gw" }, spec: { gatewayClassName: "switchyard", listeners } });
  const route = (spec: object) => ({ apiVersion: G, kind: "HTTPRoute", metadata: { name: "route" }, spec: { parentRefs: [{ name: "gw" }], ...spec } });

  it("Gateways", { timeout: 240_000 }, async () => {
    const seen = await assertAgreement(server, validator, NS, gatewayArb, [
      gw([{ name: "http", port: 80, protocol: "HTTP" }]),
      gw([{ name: "a", port: 80, protocol: "HTTP" }, { name: "a", port: 81, protocol: "HTTP" }]), // duplicate listener name
      gw([{ name: "a", port: 80, protocol: "HTTP", tls: { certificateRefs: [{ name: "c" }] } }]), // tls on HTTP
    ], RUNS);
    console.log(`Gateways: server accepted ${seen.accepted}, refused ${seen.refused}; the file source agreed on every one`);
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it("HTTPRoutes", { timeout: 240_000 }, async () => {
    const seen = await assertAgreement(server, validator, NS, httpRouteArb, [
      route({ rules: [{ matches: [{ path: { type: "PathPrefix", value: "/a" } }] }] }),
      route({ rules: [{ matches: [{ path: { type: "PathPrefix", value: "a" } }] }] }), // not starting with "/"
      route({ rules: [{ matches: [{ headers: [{ name: "x-a", value: "1" }, { name: "x-a", value: "2" }] }] }] }), // duplicate header name
    ], RUNS);
    console.log(`HTTPRoutes: server accepted ${seen.accepted}, refused ${seen.refused}; the file source agreed on every one`);
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });
});
