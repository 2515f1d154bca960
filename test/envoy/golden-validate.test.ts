// Oracle: every golden translation output (Gateways and the mesh), as a static bootstrap, passes
// `envoy --mode validate`.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { parse } from "yaml";
import type { ResourcesJson } from "../../src/api/xds-json.ts";
import { describeEnvoy } from "./peer.ts";
import { meshAsSocketListeners, staticConfig } from "./static-config.ts";
import { validateConfigs } from "./validate.ts";

const GOLDEN = join(import.meta.dirname, "../golden");

function goldenSnapshots(): { name: string; key: string; resources: ResourcesJson }[] {
  const out = [];
  for (const feature of readdirSync(GOLDEN, { withFileTypes: true })) {
    if (!feature.isDirectory()) continue;
    for (const f of readdirSync(join(GOLDEN, feature.name)).sort()) {
      if (!f.endsWith(".out.yaml")) continue;
      const doc = parse(readFileSync(join(GOLDEN, feature.name, f), "utf8")) as { gateways?: { key: string; xds: ResourcesJson }[]; mesh?: ResourcesJson };
      for (const g of doc.gateways ?? []) out.push({ name: `${feature.name}/${f} ${g.key}`, key: g.key, resources: g.xds });
      // The mesh's api_listeners, as socket listeners: their route tables get checked too.
      if (doc.mesh) out.push({ name: `${feature.name}/${f} mesh`, key: "mesh", resources: meshAsSocketListeners(doc.mesh) });
    }
  }
  return out;
}

describeEnvoy("golden outputs pass envoy --mode validate", (envoy) => {
  it("every snapshot", { timeout: 300_000 }, async () => {
    const snaps = goldenSnapshots();
    expect(snaps.length).toBeGreaterThan(20);
    const configs = snaps.map((s) => ({ name: s.name, config: staticConfig(s.resources, s.key === "mesh" ? "mesh/mesh" : s.key) }));
    const bad = (await validateConfigs(envoy, configs)).filter((r) => !r.ok);
    expect(bad.map((b) => `${b.name}: ${b.reason}`)).toEqual([]);
  });
});
