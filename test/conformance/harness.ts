// Loads a Gateway API conformance manifest the way the upstream suite applies
// it: base manifests + the objects the suite creates at run time + the test's
// own manifest, with our GatewayClass standing in for {GATEWAY_CLASS_NAME}.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { K8sObject } from "../../src/api/meta.ts";
import { buildResourceSet, type ResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME, type StatusUpdate, type TranslationResult } from "../../src/api/translation.ts";
import type { Condition } from "../../src/api/meta.ts";
import { translate } from "../../src/translator/translate.ts";
import { parseManifests } from "../translator/load.ts";

export const CLASS = "switchyard-conformance";
const DIR = import.meta.dirname;

function load(file: string): K8sObject[] {
  return parseManifests(readFileSync(file, "utf8").replaceAll("{GATEWAY_CLASS_NAME}", CLASS));
}

/** Every object gets generation 1 unless it has one, so observedGeneration is checked too. */
function withGeneration(o: K8sObject): K8sObject {
  return o.metadata.generation === undefined ? { ...o, metadata: { ...o.metadata, generation: 1 } } : o;
}

export interface Loaded {
  rs: ResourceSet;
  testObjects: K8sObject[];
  result: TranslationResult;
}

export function translateConformance(testFile: string): Loaded {
  const gatewayClass: K8sObject = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "GatewayClass",
    metadata: { name: CLASS, generation: 1 },
    spec: { controllerName: DEFAULT_CONTROLLER_NAME },
  } as K8sObject;
  const testObjects = load(join(DIR, "manifests", "tests", testFile)).map(withGeneration);
  const objects = [gatewayClass, ...load(join(DIR, "manifests", "base-manifests.yaml")), ...load(join(DIR, "suite-objects.yaml")), ...testObjects].map(withGeneration);
  const rs = buildResourceSet(objects);
  return { rs, testObjects, result: translate(rs, { controllerName: DEFAULT_CONTROLLER_NAME }) };
}

export function gatewayStatusOf(r: TranslationResult, ns: string, name: string): Extract<StatusUpdate, { kind: "Gateway" }>["status"] | undefined {
  const s = r.statuses.find((u) => u.kind === "Gateway" && u.target.namespace === ns && u.target.name === name);
  return s?.kind === "Gateway" ? s.status : undefined;
}

export function routeParentsOf(r: TranslationResult, kind: string, ns: string, name: string): Extract<StatusUpdate, { parents: unknown }>["parents"] | undefined {
  const s = r.statuses.find((u) => u.kind === kind && u.target.namespace === ns && u.target.name === name);
  return s && "parents" in s ? s.parents : undefined;
}

export function listenerSetStatusOf(r: TranslationResult, ns: string, name: string): Extract<StatusUpdate, { kind: "ListenerSet" }>["status"] | undefined {
  const s = r.statuses.find((u) => u.kind === "ListenerSet" && u.target.namespace === ns && u.target.name === name);
  return s?.kind === "ListenerSet" ? s.status : undefined;
}

export function policyAncestorsOf(r: TranslationResult, kind: string, ns: string, name: string): Extract<StatusUpdate, { ancestors: unknown }>["ancestors"] | undefined {
  const s = r.statuses.find((u) => u.kind === kind && u.target.namespace === ns && u.target.name === name);
  return s && "ancestors" in s ? s.ancestors : undefined;
}

export function cond(list: readonly Condition[] | undefined, type: string): Condition | undefined {
  return list?.find((c) => c.type === type);
}
