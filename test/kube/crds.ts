// Installs a Gateway API CRD bundle (the copies in this repository) into a real API server and waits until
// every CRD's kinds are in API discovery (which needs the CRD Established; our informers read it first).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeClient } from "../../src/watch/kubernetes/kube-http.ts";
import { waitFor } from "../watch/kubernetes/helpers.ts";

/** The bundles tests use: the newest release's experimental channel (a superset of standard), its standard channel, and the seed-era one. */
export type CrdSet = "v1.7.0" | "v1.7.0-standard" | "v1.1.0";

const ROOT = new URL("../../", import.meta.url).pathname;
/** Where each bundle lives in this repository: v1.7.0 in deploy/crds (what users install), v1.1.0 beside the file source's schemas. */
const BUNDLES: Record<CrdSet, string> = {
  "v1.7.0": join(ROOT, "deploy/crds/gateway-api-v1.7.0/experimental"),
  "v1.7.0-standard": join(ROOT, "deploy/crds/gateway-api-v1.7.0/standard"),
  "v1.1.0": join(ROOT, "src/api/crds/v1.1.0"),
};

export interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { group: string; names: { plural: string; kind: string }; versions: { name: string; served: boolean }[] };
}

export function crdDir(set: CrdSet): string {
  const dir = BUNDLES[set];
  if (!existsSync(dir)) throw new Error(`Gateway API CRDs ${set} not found at ${dir}`);
  return dir;
}

/**
 * The CustomResourceDefinitions of a bundle in the gateway.networking.k8s.io group. Left out: the bundle's
 * other objects (admission policies) and the x-k8s.io kinds, which switchyard does not read; every CRD costs
 * the API server seconds of schema and CEL compilation, and the tests' start time is what CI pays.
 */
export function loadCrds(set: CrdSet): Crd[] {
  const dir = crdDir(set);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), "utf8")).map((d) => d.toJS() as Crd))
    .filter((o) => o?.kind === "CustomResourceDefinition" && o.spec.group === GROUP);
}

const GROUP = "gateway.networking.k8s.io";
const CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

export async function installCrds(client: KubeClient, set: CrdSet, timeoutMs = 30_000): Promise<Crd[]> {
  const crds = loadCrds(set);
  await Promise.all(crds.map((crd) => client.json({ method: "POST", path: CRD_PATH, body: crd, timeoutMs })));
  // A CRD's kinds enter discovery once it is Established, and discovery is what the source reads. (Polling
  // the CRD list instead would fetch every full schema on each poll.)
  const byGroupVersion = new Map<string, string[]>();
  for (const c of crds) for (const v of c.spec.versions.filter((x) => x.served)) byGroupVersion.set(`${c.spec.group}/${v.name}`, [...(byGroupVersion.get(`${c.spec.group}/${v.name}`) ?? []), c.spec.names.plural]);
  await waitFor(
    async () => {
      for (const [gv, plurals] of byGroupVersion) {
        const res = await client.request({ method: "GET", path: `/apis/${gv}` });
        if (res.status !== 200) return false;
        const names = new Set(((res.body as { resources?: { name: string }[] }).resources ?? []).map((r) => r.name));
        if (!plurals.every((p) => names.has(p))) return false;
      }
      return true;
    },
    `discovery of ${set}`,
    timeoutMs,
  );
  return crds;
}
