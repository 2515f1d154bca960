// The golden files of a case, and how each stage's output is written and read.
//
//   <feature>/<case>.in.yaml         input manifests (the only file a new case needs)
//   <feature>/<case>.ir.yaml         stage one: the IR of every Gateway and the mesh, and every status
//   <feature>/<case>.<type>s.yaml    stage two, one file per xDS type that has resources
//                                    (listeners, routes, clusters, endpoints, secrets):
//                                    snapshot key -> that type's resources as proto3 JSON
//
// Stage two reads the IR golden, not the input: each stage is checked on its own.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { MESH_SNAPSHOT_KEY, type ResourceType } from "../../src/api/xds.ts";
import { resourcesToJson, type ResourcesJson } from "../../src/api/xds-json.ts";
import type { TranslationResult } from "../../src/api/translation.ts";
import type { IrCluster, IrGateway, IrMesh, IrSecret } from "../../src/translator/ir.ts";
import type { ResolvedTranslation } from "../../src/translator/translate.ts";
import { DESCRIPTORS, RESOURCE_TYPES } from "../../src/xds/resource-types.ts";

export const GOLDEN_ROOT = import.meta.dirname;

export interface GoldenCase {
  feature: string;
  name: string;
  /** Path of a file of this case: `<feature>/<case><suffix>`. */
  file(suffix: string): string;
}

/** Every case with an input, sorted. */
export function goldenCases(root = GOLDEN_ROOT): GoldenCase[] {
  const out: GoldenCase[] = [];
  for (const feature of readdirSync(root, { withFileTypes: true })) {
    if (!feature.isDirectory()) continue;
    for (const f of readdirSync(join(root, feature.name)).sort()) {
      if (!f.endsWith(".in.yaml")) continue;
      const name = f.slice(0, -".in.yaml".length);
      out.push({ feature: feature.name, name, file: (suffix) => join(root, feature.name, `${name}${suffix}`) });
    }
  }
  return out.sort((a, b) => (a.file("") < b.file("") ? -1 : 1));
}

/** The suffix of a type's stage-two file. */
export const typeSuffix = (type: ResourceType): string => `.${DESCRIPTORS[type].field}.yaml`;

/** Every file of a feature directory that belongs to `c` but is not its input. */
export function outputFiles(c: GoldenCase): string[] {
  const dir = join(GOLDEN_ROOT, c.feature);
  const prefix = `${c.name}.`;
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f !== `${c.name}.in.yaml` && /^[a-z]+\.yaml$|^out\.yaml$/.test(f.slice(prefix.length)))
    .sort();
}

const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

// The IR holds Maps (clusters and secrets by name); in YAML they are mappings in the same order.
const fromMap = <V>(m: ReadonlyMap<string, V>): Record<string, V> => Object.fromEntries(m);
const toMap = <V>(o: Record<string, V> | undefined): Map<string, V> => new Map(Object.entries(o ?? {}));

/** Stage one's golden text. */
export function renderIr(r: ResolvedTranslation): string {
  const doc: Record<string, unknown> = {
    gateways: r.gateways.map((g) => ({ ...g, clusters: fromMap(g.clusters), secrets: fromMap(g.secrets) })),
  };
  if (r.mesh) doc.mesh = { ...r.mesh, clusters: fromMap(r.mesh.clusters) };
  doc.statuses = r.statuses;
  return stringify(doc, YAML_OPTIONS);
}

type Serialized<T, K extends keyof T> = Omit<T, K> & { [P in K]: Record<string, unknown> };

/** Stage one's golden text read back: the input of stage two. */
export function parseIr(text: string): ResolvedTranslation {
  const doc = parse(text) as {
    gateways?: Serialized<IrGateway, "clusters" | "secrets">[];
    mesh?: Serialized<IrMesh, "clusters">;
    statuses?: ResolvedTranslation["statuses"];
  };
  const out: ResolvedTranslation = {
    gateways: (doc.gateways ?? []).map((g) => ({ ...g, clusters: toMap(g.clusters as Record<string, IrCluster>), secrets: toMap(g.secrets as Record<string, IrSecret>) })),
    statuses: doc.statuses ?? [],
  };
  if (doc.mesh) out.mesh = { ...doc.mesh, clusters: toMap(doc.mesh.clusters as Record<string, IrCluster>) };
  return out;
}

/** Stage two's golden texts: suffix -> text, for each type that has resources. */
export function renderXds(r: Omit<TranslationResult, "statuses">): Map<string, string> {
  const snapshots: [string, ResourcesJson][] = r.gateways.map((g) => [g.key, resourcesToJson(g.resources)]);
  if (r.mesh) snapshots.push([MESH_SNAPSHOT_KEY, resourcesToJson(r.mesh)]);
  const out = new Map<string, string>();
  for (const type of RESOURCE_TYPES) {
    const doc: Record<string, unknown> = {};
    for (const [key, json] of snapshots) if (json[type].length > 0) doc[key] = json[type];
    if (Object.keys(doc).length > 0) out.set(typeSuffix(type), stringify(doc, YAML_OPTIONS));
  }
  return out;
}

/** A case's stage-two goldens read back: the resources of each snapshot, by key (the mesh is `mesh`). */
export function readXds(c: GoldenCase): Map<string, ResourcesJson> {
  const out = new Map<string, ResourcesJson>();
  for (const type of RESOURCE_TYPES) {
    const path = c.file(typeSuffix(type));
    if (!existsSync(path)) continue;
    const doc = (parse(readFileSync(path, "utf8")) ?? {}) as Record<string, ResourcesJson[ResourceType]>;
    for (const [key, list] of Object.entries(doc)) {
      let r = out.get(key);
      if (!r) out.set(key, (r = { listener: [], route: [], cluster: [], endpoint: [], secret: [] }));
      r[type] = list;
    }
  }
  // Gateways with nothing of some type still appear once they have anything; keys stay in file order.
  return out;
}
