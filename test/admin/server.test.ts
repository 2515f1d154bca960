import { afterAll, describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { buildAdminServer, type AdminState } from "../../src/admin/server.ts";
import { ListenerSchema } from "../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { SecretSchema } from "../../src/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { emptyResources } from "../../src/api/xds.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { createRegistry } from "../../src/observability/metrics.ts";

let ready = false;
const resources = {
  ...emptyResources(),
  listeners: [create(ListenerSchema, { name: "default/eg/http" })],
  secrets: [
    create(SecretSchema, {
      name: "secret/default/cert",
      type: {
        case: "tlsCertificate",
        value: {
          certificateChain: { specifier: { case: "inlineString", value: "CERT" } },
          privateKey: { specifier: { case: "inlineString", value: "THE-PRIVATE-KEY" } },
        },
      },
    }),
  ],
};
const state: AdminState = {
  ready: () => ready,
  snapshots: {
    keys: () => ["default/eg"],
    getSnapshot: (key) => (key === "default/eg" ? { version: "v1", resources } : undefined),
  },
  statuses: () => [],
  configErrors: () => [{ file: "x.yaml", message: "bad" }],
  validationFailures: () => ({}),
  nodes: () => [],
};
const registry = createRegistry();
const app = buildAdminServer({ host: "127.0.0.1", port: 0, state, registry, logger: silentLogger() });
afterAll(() => app.close());

describe("admin server", () => {
  it("is live at once and ready only after the first translation", async () => {
    expect((await app.inject("/healthz")).statusCode).toBe(200);
    const notReady = await app.inject("/readyz");
    expect(notReady.statusCode).toBe(503);
    ready = true;
    expect((await app.inject("/readyz")).statusCode).toBe(200);
  });

  it("lists snapshots with versions and counts", async () => {
    const res = await app.inject("/api/snapshots");
    expect(res.json()).toEqual([{ key: "default/eg", version: "v1", counts: { listener: 1, route: 0, cluster: 0, endpoint: 0, secret: 1 } }]);
  });

  it("serves one Gateway's resources as proto3 JSON with @type", async () => {
    const res = await app.inject("/api/snapshots/default/eg");
    expect(res.statusCode).toBe(200);
    expect(res.json().resources.listener).toEqual([{ "@type": "type.googleapis.com/envoy.config.listener.v3.Listener", name: "default/eg/http" }]);
    const onlyRoutes = await app.inject("/api/snapshots/default/eg?type=route");
    expect(Object.keys(onlyRoutes.json().resources)).toEqual(["route"]);
  });

  it("never shows private keys, but shows certificates", async () => {
    const res = await app.inject("/api/snapshots/default/eg?type=secret");
    expect(res.body).not.toContain("THE-PRIVATE-KEY");
    expect(res.json().resources.secret[0].tlsCertificate.certificateChain).toEqual({ inlineString: "CERT" });
  });

  it("answers 404 for an unknown Gateway and 400 for an unknown type", async () => {
    expect((await app.inject("/api/snapshots/default/nope")).statusCode).toBe(404);
    const bad = await app.inject("/api/snapshots/default/eg?type=listeners");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe(`unknown type "listeners"; one of cluster, endpoint, listener, route, secret`);
  });

  it("exposes config errors and Prometheus metrics", async () => {
    expect((await app.inject("/api/errors")).json()).toEqual([{ file: "x.yaml", message: "bad" }]);
    const metrics = await app.inject("/metrics");
    expect(metrics.headers["content-type"]).toContain("text/plain");
  });
});
