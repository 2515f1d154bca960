// The translator option meshSidecars: socket listeners on Service cluster IPs for Envoy sidecars, and the
// per-namespace view a namespace's sidecars read (sidecarView), on the v1.7.0 mesh manifests.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME, type TranslationResult } from "../../src/api/translation.ts";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import { hasSidecarListeners, sidecarView } from "../../src/translator/envoy/mesh-sidecar.ts";
import { translate } from "../../src/translator/translate.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { parseManifests } from "./load.ts";

const DIR = join(import.meta.dirname, "..", "conformance", "manifests");
const NS = "gateway-conformance-mesh";
const CONSUMER = "gateway-conformance-mesh-consumer";
const IPS: Record<string, string> = { echo: "10.96.0.10", "echo-v1": "10.96.0.11", "echo-v2": "10.96.0.12" };

function run(files: string[], meshSidecars: boolean): TranslationResult {
  const objects = [readFileSync(join(DIR, "mesh-manifests.yaml"), "utf8"), ...files.map((f) => readFileSync(join(DIR, "tests", "mesh", f), "utf8"))]
    .flatMap(parseManifests)
    .map((o) => {
      const withGen = o.metadata.generation === undefined ? { ...o, metadata: { ...o.metadata, generation: 1 } } : o;
      // The API server allocates cluster IPs; the manifests have none.
      if (o.kind !== "Service" || o.metadata.namespace !== NS) return withGen;
      const svc = withGen as unknown as { spec: Record<string, unknown> };
      return { ...withGen, spec: { ...svc.spec, clusterIP: IPS[o.metadata.name] } } as typeof withGen;
    });
  return translate(buildResourceSet(objects), { controllerName: DEFAULT_CONTROLLER_NAME, ...(meshSidecars ? { meshSidecars: true } : {}) });
}

interface JsonListener {
  name: string;
  address?: { socketAddress: { address: string; portValue: number } };
  freebind?: boolean;
  apiListener?: unknown;
  filterChains?: { filters: { typedConfig: { rds: { routeConfigName: string } } }[] }[];
}

function listeners(r: TranslationResult["mesh"]): JsonListener[] {
  return (resourcesToJson(r ?? { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] }) as unknown as { listener: JsonListener[] }).listener;
}

const rdsOf = (l: JsonListener | undefined) => l?.filterChains?.[0]?.filters[0]?.typedConfig.rds.routeConfigName;

describe("mesh sidecars", () => {
  it("gives every Service port a listener on its cluster IP reading the port's route table, without any route", () => {
    const r = run([], true);
    expect(r.mesh).toBeDefined();
    const ls = listeners(r.mesh);
    const l = ls.find((x) => x.name === "sidecar/10.96.0.10:7070");
    expect(l?.address?.socketAddress).toEqual({ address: "10.96.0.10", portValue: 7070 });
    expect(l?.freebind).toBe(true);
    expect(rdsOf(l)).toBe(`echo.${NS}.svc.cluster.local:7070`);
    // 3 Services x 5 ports, each an api_listener and a sidecar listener.
    expect(ls.filter((x) => x.name.startsWith("sidecar/"))).toHaveLength(15);
    expect(validateResources(r.mesh!).failures).toEqual([]);
  });

  it("changes nothing without the option: no sidecar listeners, and no mesh snapshot without mesh routes", () => {
    expect(run([], false).mesh).toBeUndefined();
    const withRoute = run(["mesh-consumer-route.yaml"], false);
    expect(hasSidecarListeners(withRoute.mesh!)).toBe(false);
  });

  it("serves a consumer namespace its own listener where it has a consumer route, the producer's elsewhere", () => {
    const mesh = run(["mesh-consumer-route.yaml"], true).mesh!;
    const consumer = listeners(sidecarView(mesh, CONSUMER));
    const producer = listeners(sidecarView(mesh, NS));
    // One listener per Service port in each view, and no api_listener.
    expect(consumer).toHaveLength(15);
    expect(producer).toHaveLength(15);
    expect(consumer.every((l) => l.apiListener === undefined && l.address !== undefined)).toBe(true);
    const port80 = (ls: JsonListener[]) => ls.find((l) => l.address?.socketAddress.address === "10.96.0.11" && l.address.socketAddress.portValue === 80);
    expect(rdsOf(port80(consumer))).toBe(`mesh/ns/${CONSUMER}/echo-v1.${NS}.svc.cluster.local:80`);
    expect(rdsOf(port80(producer))).toBe(`echo-v1.${NS}.svc.cluster.local:80`);
    // The consumer view's other ports read the producer's route tables.
    const other = (ls: JsonListener[]) => ls.find((l) => l.name.endsWith("10.96.0.12:80"));
    expect(rdsOf(other(consumer))).toBe(`echo-v2.${NS}.svc.cluster.local:80`);
    expect(other(producer)?.name).toBe("sidecar/10.96.0.12:80");
  });
});
