// Test helper: YAML manifests -> ResourceSet.
import { parseAllDocuments } from "yaml";
import { buildResourceSet, type ResourceSet } from "../../src/api/resource-set.ts";
import type { K8sObject } from "../../src/api/meta.ts";

export function parseManifests(text: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`YAML error: ${doc.errors[0]?.message ?? ""}`);
    const v: unknown = doc.toJS();
    if (v && typeof v === "object" && "kind" in v && "metadata" in v) out.push(v as K8sObject);
  }
  return out;
}

export function loadResourceSet(text: string): ResourceSet {
  return buildResourceSet(parseManifests(text));
}
