// Oracle: the translation of every Gateway API conformance manifest (HTTP, TLS,
// GRPCRoute, L4 and mesh), as static bootstraps, passes `envoy --mode validate`.
// Gateway snapshots are checked whole. The mesh snapshot is made of api_listeners
// for proxyless gRPC clients, which a release Envoy cannot load ("missing the
// API listener extension": only Envoy Mobile has it). The route tables, clusters
// and endpoints are what an Envoy sidecar would consume too, so each api_listener
// is checked as a socket listener on its own loopback port with the same
// connection manager. Identical configs (the base manifests' Gateways recur in
// every file) are validated once.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { JsonObject } from "@bufbuild/protobuf";
import { expect, it } from "vitest";
import { buildResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { resourcesToJson, type ResourcesJson } from "../../src/api/xds-json.ts";
import { translate } from "../../src/translator/translate.ts";
import { translateConformance } from "../conformance/harness.ts";
import { parseManifests } from "../translator/load.ts";
import { describeEnvoy } from "./peer.ts";
import { staticConfig } from "./static-config.ts";
import { validateConfigs } from "./validate.ts";

const DIR = join(import.meta.dirname, "../conformance/manifests");
const yamls = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();

function meshResult(file: string) {
  const objects = [
    ...parseManifests(readFileSync(join(DIR, "mesh-manifests.yaml"), "utf8")),
    ...parseManifests(readFileSync(join(DIR, "tests", "mesh", file), "utf8")),
  ].map((o) => (o.metadata.generation === undefined ? { ...o, metadata: { ...o.metadata, generation: 1 } } : o));
  return translate(buildResourceSet(objects), { controllerName: DEFAULT_CONTROLLER_NAME });
}

/** The mesh snapshot with each api_listener turned into a socket listener of the same HCM. */
function meshConfig(name: string, mesh: ResourcesJson): { name: string; config: JsonObject } {
  const listener = mesh.listener.map((l, i) => {
    const { apiListener, ...rest } = l as { apiListener?: { apiListener?: JsonObject } } & JsonObject;
    const hcm = apiListener?.apiListener;
    if (!hcm) throw new Error(`${name}: mesh listener ${String(l["name"])} is not an api_listener`);
    const { ["@type"]: _t, ...config } = hcm;
    return {
      ...rest,
      address: { socketAddress: { address: "127.0.0.1", portValue: 20000 + i } },
      filterChains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typedConfig: { "@type": _t, ...config } }] }],
    } as JsonObject;
  });
  return { name, config: staticConfig({ ...mesh, listener }, "mesh/mesh") };
}

function configs(): { name: string; config: JsonObject }[] {
  const out: { name: string; config: JsonObject }[] = [];
  for (const file of yamls(join(DIR, "tests"))) {
    const { result } = translateConformance(file);
    for (const g of result.gateways) out.push({ name: `${file} ${g.key}`, config: staticConfig(resourcesToJson(g.resources), g.key) });
    if (result.mesh) out.push(meshConfig(`${file} mesh`, resourcesToJson(result.mesh)));
  }
  for (const file of yamls(join(DIR, "tests", "mesh"))) {
    const { mesh } = meshResult(file);
    if (mesh) out.push(meshConfig(`mesh/${file}`, resourcesToJson(mesh)));
  }
  return out;
}

describeEnvoy("conformance translations pass envoy --mode validate", (envoy) => {
  it("every Gateway snapshot and mesh listener", { timeout: 900_000 }, async () => {
    const all = configs();
    expect(all.filter((c) => c.name.startsWith("mesh/")).length).toBeGreaterThan(10);
    expect(all.filter((c) => /^tlsroute-|^grpcroute-|^tcproute-|^udproute-/.test(c.name)).length).toBeGreaterThan(10);
    const secrets = (c: { config: JsonObject }) => ((c.config["staticResources"] as { secrets?: unknown[] }).secrets ?? []).length;
    expect(all.filter((c) => secrets(c) > 0).length, "TLS snapshots with certificates").toBeGreaterThan(10);
    // Validate each distinct config once; report every name that shares a failing one.
    const byText = Map.groupBy(all, (c) => JSON.stringify(c.config));
    const unique = [...byText.values()].map((group) => group[0]!);
    expect(unique.length).toBeGreaterThan(150);
    const bad = (await validateConfigs(envoy, unique)).filter((r) => !r.ok);
    const names = (r: { name: string }) => byText.get(JSON.stringify(unique.find((u) => u.name === r.name)!.config))!.map((c) => c.name).join(", ");
    expect(bad.map((b) => `${names(b)}: ${b.reason}`)).toEqual([]);
  });
});
