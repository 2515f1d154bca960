// Renders a whole translation as one YAML document: every Gateway's xDS
// (proto3 JSON) and every status update. Tests compare two translations with
// it; the golden files split it in two stages (files.ts).
import { stringify } from "yaml";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import type { TranslationResult } from "../../src/api/translation.ts";

export function renderGolden(r: TranslationResult): string {
  const doc: Record<string, unknown> = {
    gateways: r.gateways.map((g) => ({ key: g.key, xds: resourcesToJson(g.resources) })),
  };
  // The mesh (GAMMA) snapshot, only when the translation has one.
  if (r.mesh) doc.mesh = resourcesToJson(r.mesh);
  doc.statuses = r.statuses;
  return stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}
