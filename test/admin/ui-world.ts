// A realistic control plane for the UI and CLI tests: the examples/ shop (HTTP, 80/20 canary),
// an HTTPS listener, a second Gateway in another namespace, a route to a Service that does not
// exist, a route with an invalid regex, a file that does not parse, and two proxies: one that
// ACKs everything and one that NACKs its listeners.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { create } from "@bufbuild/protobuf";
import { TYPE_URL, type ResourceType } from "../../src/api/xds.ts";
import type { ControlPlane } from "../../src/controller/run.ts";
import type { FileSource } from "../../src/watch/file/source.ts";
import { StatusSchema } from "../../src/gen/google/rpc/status_pb.js";
import { PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { startFilePlane } from "../helpers/file-plane.ts";
import { until } from "../helpers/until.ts";
import { AggregatedDiscoveryService } from "../../src/gen/envoy/service/discovery/v3/ads_pb.js";
import { serviceDefinition } from "../../src/xds/grpc-services.ts";
import { SotwClient, node } from "../xds/ads-client.ts";

const AdsClient = grpc.makeGenericClientConstructor(serviceDefinition(AggregatedDiscoveryService), "ADS");

const EXAMPLES = join(import.meta.dirname, "../../examples");

const HTTPS = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: eg, namespace: default}
spec:
  gatewayClassName: switchyard
  listeners:
    - {name: http, protocol: HTTP, port: 8080}
    - name: https
      protocol: HTTPS
      port: 8443
      hostname: "*.example.com"
      tls: {mode: Terminate, certificateRefs: [{name: shop-cert}]}
`;

const OPS = `apiVersion: v1
kind: Namespace
metadata: {name: ops}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: internal, namespace: ops}
spec:
  gatewayClassName: switchyard
  listeners:
    - {name: http, protocol: HTTP, port: 9090}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: dashboard, namespace: ops}
spec:
  parentRefs: [{name: internal}]
  hostnames: [ops.internal]
  rules:
    - matches: [{path: {type: PathPrefix, value: /grafana}, headers: [{name: x-team, value: sre}]}]
      backendRefs: [{name: grafana, port: 3000}]
    - matches: [{path: {type: PathPrefix, value: /}}]
      backendRefs: [{name: ghost, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: grafana, namespace: ops}
spec: {ports: [{name: http, port: 3000, targetPort: 3000}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: grafana-1, namespace: ops, labels: {kubernetes.io/service-name: grafana}}
addressType: IPv4
ports: [{name: http, port: 3000}]
endpoints: [{addresses: [10.244.1.5], conditions: {ready: true}}]
`;

const API = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: default}
spec:
  parentRefs: [{name: eg, sectionName: https}]
  hostnames: [api.example.com]
  rules:
    - matches: [{path: {type: RegularExpression, value: "/v[0-9+/items"}}]
      backendRefs: [{name: shop-v1, port: 8080}]
    - matches: [{path: {type: PathPrefix, value: /v1}, method: POST}]
      backendRefs: [{name: shop-v2, port: 8080}]
`;

const BROKEN = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: half-written, namespace: default
spec:
  parentRefs: [{name: eg}]
`;

export interface UiWorld {
  dir: string;
  plane: ControlPlane;
  /** Not watched: call files.reload() after changing a file. */
  files: FileSource;
  adminUrl: string;
  close(): Promise<void>;
}

/** A proxy that subscribes to every type by the names its snapshot has, and ACKs or NACKs. */
class FakeProxy {
  readonly #client: SotwClient;
  constructor(
    grpcClient: grpc.Client,
    plane: ControlPlane,
    key: string,
    id: string,
    nack: ResourceType | undefined,
  ) {
    this.#client = new SotwClient(grpcClient, node(key, id));
    const snap = plane.cache.getSnapshot(key)!;
    for (const type of ["cluster", "endpoint", "secret", "listener", "route"] as const) {
      const names = type === "cluster" || type === "listener" ? [] : [...snap.types[type].byName.keys()];
      if (type !== "cluster" && type !== "listener" && names.length === 0) continue;
      this.#client.send({ typeUrl: TYPE_URL[type], resourceNames: names });
    }
    void this.#loop(nack);
  }

  async #loop(nack: ResourceType | undefined): Promise<void> {
    for (;;) {
      const res = await this.#client.next(3_600_000).catch(() => undefined);
      if (!res) return;
      if (nack && res.typeUrl === TYPE_URL[nack]) {
        const name = nack === "listener" ? "default/eg/https" : "?";
        this.#client.send({ typeUrl: res.typeUrl, responseNonce: res.nonce, errorDetail: create(StatusSchema, { code: 3, message: `Error adding/updating listener(s) ${name}: Invalid path: /etc/envoy/missing.pem` }) });
      } else this.#client.send({ typeUrl: res.typeUrl, versionInfo: res.versionInfo, responseNonce: res.nonce, resourceNames: [] });
    }
  }

  close(): void {
    this.#client.cancel();
  }
}

export async function startUiWorld(): Promise<UiWorld> {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-ui-"));
  cpSync(EXAMPLES, dir, { recursive: true });
  writeFileSync(join(dir, "gateway-https.yaml"), HTTPS);
  // The examples' Gateway is replaced by the one with HTTPS (same name: one file may hold it).
  writeFileSync(join(dir, "gateway.yaml"), `apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: switchyard}\nspec: {controllerName: switchyard.dev/gateway-controller}\n`);
  writeFileSync(join(dir, "shop-cert.yaml"), tlsSecretYaml("default", "shop-cert", PEM.rsaCert, PEM.rsaKey));
  writeFileSync(join(dir, "ops.yaml"), OPS);
  writeFileSync(join(dir, "api.yaml"), API);
  writeFileSync(join(dir, "broken.yaml"), BROKEN);
  const { plane, files } = await startFilePlane(dir);
  await until("the first translation", () => Boolean(plane.cache.getSnapshot("default/eg") && plane.cache.getSnapshot("ops/internal")), (x) => x, (wake) => plane.cache.onChange(wake));
  const grpcClient = new AdsClient(`127.0.0.1:${plane.xdsPort}`, grpc.credentials.createInsecure());
  const proxies = [
    new FakeProxy(grpcClient, plane, "default/eg", "envoy-eg-7d9f", "listener"),
    new FakeProxy(grpcClient, plane, "ops/internal", "envoy-internal-5c2a", undefined),
  ];
  await until(
    "one proxy to NACK and the other to sync",
    () => plane.nacks.list().length > 0 && plane.xds.nodes().find((n) => n.snapshotKey === "ops/internal")?.syncedVersion !== undefined,
    (x) => x,
    (wake) => plane.xds.onAck(wake),
  );
  return {
    dir,
    plane,
    files,
    adminUrl: `http://127.0.0.1:${plane.adminPort}`,
    async close() {
      for (const p of proxies) p.close();
      grpcClient.close();
      await plane.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
