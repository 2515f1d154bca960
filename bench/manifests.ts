// Writes the translate fixture (bench/translate-fixture.ts) as YAML manifests,
// so benchmarks can run the CLI and the file source as users do.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { benchObjects } from "./translate-fixture.ts";

const yamlOf = (objs: readonly object[]) => objs.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");

/**
 * Writes the fixture with `routes` HTTPRoutes into `dir`: base.yaml (class,
 * Gateway, Services, EndpointSlices) and the routes spread over `files` files
 * (routes-000.yaml, ...), attached to `gateways` Gateways. Returns the route files' paths.
 */
export function writeBenchManifests(dir: string, routes: number, files = 1, gateways = 1): string[] {
  mkdirSync(dir, { recursive: true });
  const objs = benchObjects(routes, gateways);
  const base = objs.filter((o) => o.kind !== "HTTPRoute");
  const rs = objs.filter((o) => o.kind === "HTTPRoute");
  writeFileSync(join(dir, "base.yaml"), yamlOf(base));
  const per = Math.ceil(rs.length / files);
  const paths: string[] = [];
  for (let f = 0; f < files; f++) {
    const path = join(dir, `routes-${String(f).padStart(3, "0")}.yaml`);
    writeFileSync(path, yamlOf(rs.slice(f * per, (f + 1) * per)));
    paths.push(path);
  }
  return paths;
}
