// The upstream GRPCRoute conformance manifests (exact method matching, header
// matching, weights), applied together to the base manifests' `same-namespace`
// Gateway, translated, and exercised with real RPCs: EndpointSlices point the
// conformance backends (grpc-infra-backend-v1/v2/v3) at real gRPC servers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { K8sObject } from "../../src/api/meta.ts";
import { buildResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { translate } from "../../src/translator/translate.ts";
import { parseManifests } from "../translator/load.ts";
import { clientSnapshot, RpcClient, serveSnapshot, startBackend, stopBackend, type Backend, type XdsHarness } from "./harness.ts";

const NS = "gateway-conformance-infra";
const DIR = join(import.meta.dirname, "..", "conformance", "manifests");
const SVC = "gateway_api_conformance.echo_basic.grpcecho.GrpcEcho";
const PATHS = [`/${SVC}/Echo`, `/${SVC}/EchoTwo`, `/${SVC}/EchoThree`];

function load(file: string): K8sObject[] {
  return parseManifests(readFileSync(join(DIR, file), "utf8").replaceAll("{GATEWAY_CLASS_NAME}", "sy"));
}

describe("GRPCRoute conformance manifests with real RPCs", () => {
  const backends: Backend[] = [];
  let xds: XdsHarness;
  let client: RpcClient;

  beforeAll(async () => {
    for (const [i, v] of ["v1", "v2", "v3"].entries()) backends.push(await startBackend(v, `127.0.0.${20 + i}`, PATHS));
    const objects: K8sObject[] = [
      { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "sy" }, spec: { controllerName: DEFAULT_CONTROLLER_NAME } } as K8sObject,
      ...load("base-manifests.yaml"),
      ...load("tests/grpcroute-exact-method-matching.yaml"),
      ...load("tests/grpcroute-header-matching.yaml"),
      ...load("tests/grpcroute-weight.yaml"),
      ...backends.map(
        (b) =>
          ({
            apiVersion: "discovery.k8s.io/v1",
            kind: "EndpointSlice",
            metadata: { name: `grpc-infra-backend-${b.name}-1`, namespace: NS, labels: { "kubernetes.io/service-name": `grpc-infra-backend-${b.name}` } },
            addressType: "IPv4",
            ports: [{ port: b.port, protocol: "TCP" }],
            endpoints: [{ addresses: [b.host], conditions: { ready: true } }],
          }) as K8sObject,
      ),
    ];
    const result = translate(buildResourceSet(objects), { controllerName: DEFAULT_CONTROLLER_NAME });
    const gw = result.gateways.find((g) => g.key === `${NS}/same-namespace`);
    if (!gw) throw new Error("no snapshot for same-namespace");
    // The listener has no hostname and the routes none: the `*` virtual host answers any authority.
    xds = await serveSnapshot(clientSnapshot(gw.resources, "conformance.test", `${NS}/same-namespace/http`), `${NS}/same-namespace`);
    client = new RpcClient("conformance.test");
  });

  afterAll(() => {
    client?.close();
    xds?.stop();
    for (const b of backends) stopBackend(b);
  });

  it("GRPCExactMethodMatching: Echo -> v1, EchoTwo -> v2", async () => {
    expect(await client.call(`/${SVC}/Echo`)).toBe("v1");
    expect(await client.call(`/${SVC}/EchoTwo`)).toBe("v2");
  });

  it("GRPCRouteHeaderMatching: single, ANDed and ORed header matches", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ version: "one" }, "v1"],
      [{ version: "two" }, "v2"],
      [{ version: "two", color: "orange" }, "v1"],
      [{ color: "blue" }, "v1"],
      [{ color: "green" }, "v1"],
      [{ color: "red" }, "v2"],
      [{ color: "yellow" }, "v2"],
    ];
    // EchoThree matches no method rule, so only the header rules (and the weighted catch-all) apply.
    for (const [headers, want] of cases) expect(await client.call(`/${SVC}/EchoThree`, headers), JSON.stringify(headers)).toBe(want);
  });

  it("GRPCRouteWeight: 70/30 within 4 sigma, never the weight-0 backend", async () => {
    // N=400, p=0.7: mean 280, sd sqrt(400*0.7*0.3)=9.2; [243, 317] is ±4 sd.
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => client.call(`/${SVC}/EchoThree`, { color: "none" })));
      for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    expect(counts.get("v3")).toBeUndefined();
    const v1 = counts.get("v1") ?? 0;
    expect(v1).toBeGreaterThanOrEqual(243);
    expect(v1).toBeLessThanOrEqual(317);
  });

  it("no NACK", () => {
    expect(xds.events.filter((e) => e.kind === "nack")).toEqual([]);
  });
});
