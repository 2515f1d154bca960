// The xDS side with a real Envoy: Delta xDS, xDS over mTLS, and a live route change that neither
// drops an in-flight request nor drains the listener.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsonObject } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xdsClusterTransportSocketJson } from "../../src/infra/bootstrap-tls.ts";
import { runCertgen } from "../../src/infra/certgen.ts";
import { DataPlane } from "./harness.ts";
import { describeEnvoy } from "./peer.ts";
import { backend, closeAll, gateway, GATEWAY_CLASS, type Backend } from "./world.ts";

const GW = "default/eg";
const route = (name: string, path: string, svc: string) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: default }
spec:
  parentRefs: [{ name: eg }]
  rules: [{ matches: [{ path: { type: PathPrefix, value: ${path} } }], backendRefs: [{ name: ${svc}, port: 8080 }] }]
`;

async function stat(dp: DataPlane, name: string): Promise<number> {
  const r = await dp.envoyAdmin(GW, `/stats?filter=^${name.replaceAll(".", "\\.")}$&format=json`);
  const stats = (r.body as { stats: { name: string; value: number }[] }).stats;
  return stats.find((s) => s.name === name)?.value ?? 0;
}

describeEnvoy("xDS with a real Envoy", (envoy) => {
  let backends: Backend[];
  beforeAll(async () => {
    backends = [await backend("a"), await backend("b")];
  });
  afterAll(async () => closeAll(backends ?? []));
  const files = () => ({
    "gw.yaml": GATEWAY_CLASS + gateway("eg", "    - { name: http, protocol: HTTP, port: 80 }\n"),
    "backends.yaml": backends.map((b) => b.yaml).join(""),
    "a.yaml": route("ra", "/a", "a"),
  });

  describe("a live route change (State of the World)", () => {
    let dp: DataPlane;
    beforeAll(async () => {
      dp = await DataPlane.start(envoy, { files: files(), gateways: [GW] });
    }, 60_000);
    afterAll(async () => dp?.stop());

    it("finishes an in-flight request, keeps the connection, and does not drain the listener", async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const modifiedBefore = await stat(dp, "listener_manager.listener_modified");
        expect((await dp.request(GW, { port: 80, path: "/a/warm", agent })).echo?.service).toBe("a");
        const inFlight = dp.request(GW, { port: 80, path: "/a/delay/1500", agent });
        await dp.apply({ "b.yaml": route("rb", "/b", "b") });
        const r = await inFlight;
        expect(r.status).toBe(200);
        // The same keep-alive connection (maxSockets 1) carries the new route.
        expect((await dp.request(GW, { port: 80, path: "/b/x", agent })).echo?.service).toBe("b");
        expect(await stat(dp, "listener_manager.listener_modified")).toBe(modifiedBefore);
        expect(await stat(dp, "http.default_eg_http.downstream_cx_destroy_remote_active_rq")).toBe(0);
      } finally {
        agent.destroy();
      }
    });

    it("stops routing a deleted route", async () => {
      await dp.apply({ "b.yaml": null });
      expect((await dp.request(GW, { port: 80, path: "/b/x" })).status).toBe(404);
      expect((await dp.request(GW, { port: 80, path: "/a/x" })).echo?.service).toBe("a");
    });
  });

  describe("Delta xDS (bootstrap --delta)", () => {
    let dp: DataPlane;
    beforeAll(async () => {
      dp = await DataPlane.start(envoy, { files: files(), gateways: [GW], delta: true });
    }, 60_000);
    afterAll(async () => dp?.stop());

    it("serves the snapshot and applies additions and removals", async () => {
      const nodes = (await dp.admin("/api/nodes")).body as { nodeId: string; protocol: string }[];
      expect(nodes.find((n) => n.nodeId === dp.proxy(GW).nodeId)?.protocol).toBe("delta");
      expect((await dp.request(GW, { port: 80, path: "/a/1" })).echo?.service).toBe("a");
      await dp.apply({ "b.yaml": route("rb", "/b", "b") });
      expect((await dp.request(GW, { port: 80, path: "/b/1" })).echo?.service).toBe("b");
      await dp.apply({ "b.yaml": null });
      expect((await dp.request(GW, { port: 80, path: "/b/1" })).status).toBe(404);
      // The removed cluster is gone from Envoy too, not only its route.
      const clusters = JSON.stringify((await dp.envoyAdmin(GW, "/clusters?format=json")).body);
      expect(clusters).not.toContain("service/default/b/8080");
    });
  });

  describe("xDS over mTLS (serve --xds-tls-dir, bootstrap --xds-tls-dir)", () => {
    let dp: DataPlane;
    let pki: string;
    beforeAll(async () => {
      pki = mkdtempSync(join(tmpdir(), "switchyard-pki-"));
      await runCertgen({ output: "files", outDir: pki, gateways: [GW] });
      const certDir = join(pki, "gateways", GW);
      if (!existsSync(join(certDir, "ca.crt"))) throw new Error(`certgen wrote no ca.crt in ${certDir}`);
      dp = await DataPlane.start(envoy, {
        files: files(),
        gateways: [GW],
        serveArgs: ["--xds-tls-dir", join(pki, "server")],
        bootstrap: (_key, json) => {
          const statics = json["staticResources"] as JsonObject;
          const [xds, ...rest] = statics["clusters"] as JsonObject[];
          const tls = { transportSocket: xdsClusterTransportSocketJson({ certDir }) };
          return { ...json, staticResources: { ...statics, clusters: [{ ...xds!, ...tls } as JsonObject, ...rest] } };
        },
      });
    }, 60_000);
    afterAll(async () => {
      await dp?.stop();
      if (pki) rmSync(pki, { recursive: true, force: true });
    });

    it("carries traffic with config that came over mTLS", async () => {
      expect((await dp.request(GW, { port: 80, path: "/a/tls" })).echo?.service).toBe("a");
    });
  });
});
