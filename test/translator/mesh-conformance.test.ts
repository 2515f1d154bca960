// The Gateway API v1.7.0 Mesh conformance manifests (tests/mesh/*.yaml with
// mesh-manifests.yaml) through translate(). The upstream Mesh tests check
// traffic through a sidecar; here the same expectations are checked on the
// mesh snapshot's route configurations, and every Service parent must be
// Accepted with its references resolved (the suite waits for that before
// sending traffic).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RouteParentStatus } from "../../src/api/gateway-api.ts";
import { buildResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME, type TranslationResult } from "../../src/api/translation.ts";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import { translate } from "../../src/translator/translate.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { parseManifests } from "./load.ts";

const DIR = join(import.meta.dirname, "..", "conformance", "manifests");
const NS = "gateway-conformance-mesh";
const host = (svc: string, port: number): string => `${svc}.${NS}.svc.cluster.local:${port}`;

function run(file: string): TranslationResult {
  const objects = [
    ...parseManifests(readFileSync(join(DIR, "mesh-manifests.yaml"), "utf8")),
    ...parseManifests(readFileSync(join(DIR, "tests", "mesh", file), "utf8")),
  ].map((o) => (o.metadata.generation === undefined ? { ...o, metadata: { ...o.metadata, generation: 1 } } : o));
  return translate(buildResourceSet(objects), { controllerName: DEFAULT_CONTROLLER_NAME });
}

function serviceParents(r: TranslationResult): { route: string; parent: RouteParentStatus }[] {
  return r.statuses.flatMap((s) =>
    "parents" in s ? s.parents.filter((p) => p.parentRef.kind === "Service").map((parent) => ({ route: `${s.kind}/${s.target.name}`, parent })) : [],
  );
}

interface JsonRoute {
  name: string;
  match: Record<string, unknown>;
  route?: { cluster?: string; weightedClusters?: { clusters: { name: string; weight: number }[] } };
  redirect?: Record<string, unknown>;
  responseHeadersToAdd?: { header: { key: string; value: string } }[];
}

/** The routes of the route configuration a client of `listener` reads. */
function routesOf(r: TranslationResult, listener: string): JsonRoute[] {
  const json = resourcesToJson(r.mesh ?? { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] }) as unknown as {
    listener: { name: string; apiListener: { apiListener: { rds: { routeConfigName: string } } } }[];
    route: { name: string; virtualHosts: { routes: JsonRoute[] }[] }[];
  };
  const l = json.listener.find((x) => x.name === listener);
  if (!l) throw new Error(`no mesh listener ${listener}`);
  const rc = json.route.find((x) => x.name === l.apiListener.apiListener.rds.routeConfigName);
  return rc?.virtualHosts[0]?.routes ?? [];
}

const headerSet = (route: JsonRoute | undefined): string | undefined => route?.responseHeadersToAdd?.find((h) => h.header.key === "x-header-set")?.header.value;

const FILES = readdirSync(join(DIR, "tests", "mesh")).filter((f) => f.endsWith(".yaml")).sort();

describe("Mesh conformance manifests", () => {
  for (const file of FILES) {
    it(`${file}: Service parents accepted, mesh snapshot valid`, () => {
      const r = run(file);
      const parents = serviceParents(r);
      expect(parents.length).toBeGreaterThan(0);
      for (const { route, parent } of parents) {
        const accepted = parent.conditions.find((c) => c.type === "Accepted");
        expect({ route, status: accepted?.status, reason: accepted?.reason }).toEqual({ route, status: "True", reason: "Accepted" });
        expect(parent.controllerName).toBe(DEFAULT_CONTROLLER_NAME);
        const refs = parent.conditions.find((c) => c.type === "ResolvedRefs");
        // grpcroute-weight.yaml names echo-v3 (weight 0), which mesh-manifests.yaml does not create.
        const expectRefs = file === "grpcroute-weight.yaml" ? ["False", "BackendNotFound"] : ["True", "ResolvedRefs"];
        expect([route, refs?.status, refs?.reason]).toEqual([route, ...expectRefs]);
      }
      expect(r.mesh).toBeDefined();
      expect(validateResources(r.mesh ?? { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] }).failures).toEqual([]);
    });
  }

  it("MeshPorts: a route with parentRef.port applies to that port only; without port to every port", () => {
    const r = run("mesh-ports.yaml");
    expect(headerSet(routesOf(r, host("echo-v1", 80))[0])).toBe("v1");
    expect(routesOf(r, host("echo-v1", 8080)).map((x) => x.name)).toEqual([`service/${NS}/echo-v1/8080/default`]);
    expect(headerSet(routesOf(r, host("echo-v2", 80))[0])).toBe("v2");
    expect(headerSet(routesOf(r, host("echo-v2", 8080))[0])).toBe("v2");
  });

  it("MeshTrafficSplit: /v1 and /v2 of echo go to echo-v1 and echo-v2", () => {
    const routes = routesOf(run("mesh-split.yaml"), host("echo", 80));
    expect(routes.map((x) => [x.match.path, x.route?.cluster])).toEqual([
      ["/v1", `service/${NS}/echo-v1/80`],
      ["/v2", `service/${NS}/echo-v2/80`],
    ]);
  });

  it("MeshFrontend: the route applies to the echo-v2 frontend only, not to other Services", () => {
    const r = run("mesh-frontend.yaml");
    expect(headerSet(routesOf(r, host("echo-v2", 80))[0])).toBe("set");
    expect(headerSet(routesOf(r, host("echo-v1", 80))[0])).toBeUndefined();
  });

  it("MeshConsumerRoute: the consumer namespace's view sets the header, the producer view does not", () => {
    const r = run("mesh-consumer-route.yaml");
    expect(headerSet(routesOf(r, `mesh/ns/gateway-conformance-mesh-consumer/${host("echo-v1", 80)}`)[0])).toBe("set");
    expect(headerSet(routesOf(r, host("echo-v1", 80))[0])).toBeUndefined();
    expect(routesOf(r, host("echo-v1", 80)).map((x) => x.route?.cluster)).toEqual([`service/${NS}/echo-v1/80`]);
  });

  it("MeshHTTPRouteWeight / MeshGRPCRouteWeight: weights as written, the missing weight-0 backend left out", () => {
    const http = routesOf(run("httproute-weight.yaml"), host("echo", 80));
    expect(http[0]?.route?.weightedClusters?.clusters).toEqual([
      { name: `service/${NS}/echo-v1/8080`, weight: 70 },
      { name: `service/${NS}/echo-v2/8080`, weight: 30 },
    ]);
    // The gRPC port declares no appProtocol, so a GRPCRoute gets the port's HTTP/2 cluster (docs/translator.md).
    const grpc = routesOf(run("grpcroute-weight.yaml"), host("echo", 7070));
    expect(grpc[0]?.route?.weightedClusters?.clusters).toEqual([
      { name: `service/${NS}/echo-v1/7070/http2`, weight: 70 },
      { name: `service/${NS}/echo-v2/7070/http2`, weight: 30 },
    ]);
  });

  it("MeshHTTPRouteRedirectPort: a redirect keeps its explicit port", () => {
    const routes = routesOf(run("httproute-redirect-port.yaml"), host("echo", 80));
    expect(routes.length).toBeGreaterThan(0);
    for (const x of routes) expect(x.redirect?.portRedirect).toBe(8083);
  });
});
