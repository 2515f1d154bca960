// Oracle: every golden translation output (Gateways and the mesh), as a static bootstrap, passes
// `envoy --mode validate`.
import { expect, it } from "vitest";
import type { ResourcesJson } from "../../src/api/xds-json.ts";
import { MESH_SNAPSHOT_KEY } from "../../src/api/xds.ts";
import { goldenCases, readXds } from "../golden/files.ts";
import { describeEnvoy } from "./peer.ts";
import { meshAsSocketListeners, staticConfig } from "./static-config.ts";
import { validateConfigs } from "./validate.ts";

function goldenSnapshots(): { name: string; key: string; resources: ResourcesJson }[] {
  const out = [];
  for (const c of goldenCases()) {
    for (const [key, resources] of readXds(c)) {
      // The mesh's api_listeners, as socket listeners: their route tables get checked too.
      if (key === MESH_SNAPSHOT_KEY) out.push({ name: `${c.feature}/${c.name} mesh`, key, resources: meshAsSocketListeners(resources) });
      else out.push({ name: `${c.feature}/${c.name} ${key}`, key, resources });
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
