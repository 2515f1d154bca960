// The feature-module rule of docs/architecture.md ("Features"), checked on the
// import graph of src/ and on FEATURES itself.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FEATURES } from "../src/translator/features/index.ts";
import { importGraph, type Edge } from "./helpers/import-graph.ts";

const T = "src/translator";
const FEATURES_DIR = `${T}/features`;
const LIST = `${FEATURES_DIR}/index.ts`;
const SHAPE = `${FEATURES_DIR}/feature.ts`;

/** The feature a file belongs to (its folder under features/), or undefined. */
function featureOf(file: string): string | undefined {
  const rest = file.startsWith(`${FEATURES_DIR}/`) ? file.slice(FEATURES_DIR.length + 1) : undefined;
  const parts = rest?.split("/") ?? [];
  return parts.length >= 2 ? parts[0] : undefined;
}

const stage = (file: string): "resolve" | "envoy" | undefined => (file.startsWith(`${T}/resolve/`) ? "resolve" : file.startsWith(`${T}/envoy/`) ? "envoy" : undefined);

/** Every edge that breaks the rule, explained. */
function featureRuleViolations(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  const at = (e: Edge): string => `${e.from}:${e.line} imports ${e.spec}`;
  const stagesOf = new Map<string, Set<string>>();
  for (const e of edges) {
    const from = featureOf(e.from);
    const to = featureOf(e.to);
    // The list is named by translate.ts alone; the stages get the hooks from it.
    if (e.to === LIST && e.from !== `${T}/translate.ts`) out.push(`${at(e)}: only translate.ts imports the list of features`);
    // A feature is named by the list alone, and only through its index.ts.
    if (to !== undefined && from !== to) {
      if (e.from !== LIST) out.push(`${at(e)}: only ${LIST} imports a feature module`);
      else if (e.to !== `${FEATURES_DIR}/${to}/index.ts`) out.push(`${at(e)}: the list imports a feature's index.ts`);
    }
    // resolve/ and envoy/ know the hook interfaces (resolve/hooks.ts, envoy/hooks.ts), no feature and not the list.
    if (stage(e.from) && e.to.startsWith(`${FEATURES_DIR}/`)) out.push(`${at(e)}: resolve/ and envoy/ do not import features/`);
    // A feature file is on one side: its resolve half never reaches envoy/, its emit half never resolve/.
    const s = stage(e.to);
    if (from !== undefined && s) {
      const set = stagesOf.get(e.from) ?? new Set();
      set.add(s);
      stagesOf.set(e.from, set);
      if (set.size > 1) out.push(`${at(e)}: a feature file imports from resolve/ or from envoy/, not both`);
    }
    if (e.from.startsWith(`${FEATURES_DIR}/`) && from === undefined && e.from !== LIST && e.from !== SHAPE) out.push(`${e.from}: feature modules are folders under features/`);
  }
  return out;
}

const edge = (from: string, to: string): Edge => ({ from, to, spec: to, typeOnly: false, line: 1 });

describe("feature modules", () => {
  const graph = importGraph("src");

  it("are named only in the list, which only translate.ts imports; no feature imports another; each file is resolve or emit", () => {
    expect(featureRuleViolations(graph)).toEqual([]);
  });

  it("every folder under features/ is one entry of FEATURES, of the folder's name", () => {
    const folders = readdirSync(FEATURES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(FEATURES.map((f) => f.name).sort()).toEqual(folders);
    expect(new Set(FEATURES.map((f) => f.name)).size).toBe(FEATURES.length);
    // The graph sees the features: a walk that found no feature folder would pass the rule vacuously.
    expect(graph.filter((e) => e.from === LIST && featureOf(e.to)).length).toBe(folders.length);
  });

  it("the rule catches each way of breaking it", () => {
    const cors = `${FEATURES_DIR}/cors/index.ts`;
    const corsEmit = `${FEATURES_DIR}/cors/emit.ts`;
    expect(featureRuleViolations([edge(`${T}/resolve/httproute.ts`, cors)])).toHaveLength(2);
    expect(featureRuleViolations([edge(`${T}/envoy/route.ts`, LIST)])).toHaveLength(2);
    expect(featureRuleViolations([edge(`${FEATURES_DIR}/timeouts/index.ts`, cors)])).toHaveLength(1);
    expect(featureRuleViolations([edge(LIST, corsEmit)])).toEqual([`${LIST}:1 imports ${corsEmit}: the list imports a feature's index.ts`]);
    expect(featureRuleViolations([edge(corsEmit, `${T}/envoy/common.ts`), edge(corsEmit, `${T}/resolve/values.ts`)])).toHaveLength(1);
    expect(featureRuleViolations([edge(`${FEATURES_DIR}/loose.ts`, `${T}/ir.ts`)])).toHaveLength(1);
    expect(featureRuleViolations([edge(LIST, cors), edge(`${T}/translate.ts`, LIST), edge(cors, corsEmit), edge(corsEmit, `${T}/envoy/common.ts`)])).toEqual([]);
  });
});
