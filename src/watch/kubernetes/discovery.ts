// Finds which Gateway API kinds are installed, and at which version to watch
// each one. Uses the API discovery endpoints (/apis/<group> and
// /apis/<group>/<version>), which every authenticated client may read, so no
// RBAC on CustomResourceDefinitions is needed.
import { GATEWAY_GROUP } from "../../api/gateway-api.ts";
import { apiError, type KubeClient } from "./kube-http.ts";
import { RESOURCES, type ResourceInfo } from "./resources.ts";

export interface WatchedResource extends ResourceInfo {
  /** The version we list and watch. */
  version: string;
}

export interface DiscoveryResult {
  /** Kinds to watch, with their chosen version. Core kinds are always present. */
  watched: WatchedResource[];
  /** Gateway API kinds whose CRD is not installed (or serves no version we read). */
  missing: ResourceInfo[];
}

interface APIGroup {
  versions?: { groupVersion?: string; version?: string }[];
  preferredVersion?: { version?: string };
}

interface APIResourceList {
  resources?: { name?: string; kind?: string }[];
}

export async function discoverResources(client: KubeClient, opts: { timeoutMs?: number } = {}): Promise<DiscoveryResult> {
  const timeoutMs = opts.timeoutMs;
  const served = new Map<string, Set<string>>(); // version -> plurals
  let preferred: string | undefined;

  const groupRes = await client.request({ method: "GET", path: `/apis/${GATEWAY_GROUP}`, timeoutMs });
  if (groupRes.status === 200) {
    const group = (groupRes.body ?? {}) as APIGroup;
    preferred = group.preferredVersion?.version;
    for (const v of group.versions ?? []) {
      const version = v.version;
      if (!version) continue;
      const res = await client.request({ method: "GET", path: `/apis/${GATEWAY_GROUP}/${version}`, timeoutMs });
      if (res.status === 404) continue;
      if (res.status !== 200) throw apiError(res);
      const list = (res.body ?? {}) as APIResourceList;
      // Subresources come as "httproutes/status"; only top-level names count.
      served.set(version, new Set((list.resources ?? []).map((r) => r.name ?? "").filter((n) => n && !n.includes("/"))));
    }
  } else if (groupRes.status !== 404) {
    throw apiError(groupRes);
  }

  const watched: WatchedResource[] = [];
  const missing: ResourceInfo[] = [];
  for (const info of RESOURCES) {
    if (!info.crd) {
      watched.push({ ...info, version: info.versions[0] ?? "v1" });
      continue;
    }
    const version = chooseVersion(info, served, preferred);
    if (version) watched.push({ ...info, version });
    else missing.push(info);
  }
  return { watched, missing };
}

/** The group's preferred version if it serves this kind, else our best served version. */
function chooseVersion(info: ResourceInfo, served: Map<string, Set<string>>, preferred: string | undefined): string | undefined {
  if (preferred && info.versions.includes(preferred) && served.get(preferred)?.has(info.plural)) return preferred;
  return info.versions.find((v) => served.get(v)?.has(info.plural));
}
