// Finds which Gateway API kinds are installed (and whether the cluster serves
// ClusterTrustBundles), and at which version to watch each one. Uses the API discovery endpoints (/apis/<group> and
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

interface ServedGroup {
  /** version -> plurals */
  served: Map<string, Set<string>>;
  preferred?: string;
}

/** What one API group serves; an absent group serves nothing. */
async function discoverGroup(client: KubeClient, name: string, timeoutMs: number | undefined): Promise<ServedGroup> {
  const out: ServedGroup = { served: new Map() };
  const groupRes = await client.request({ method: "GET", path: `/apis/${name}`, timeoutMs });
  if (groupRes.status === 404) return out;
  if (groupRes.status !== 200) throw apiError(groupRes);
  const group = (groupRes.body ?? {}) as APIGroup;
  const preferred = group.preferredVersion?.version;
  if (preferred) out.preferred = preferred;
  for (const v of group.versions ?? []) {
    const version = v.version;
    if (!version) continue;
    const res = await client.request({ method: "GET", path: `/apis/${name}/${version}`, timeoutMs });
    if (res.status === 404) continue;
    if (res.status !== 200) throw apiError(res);
    const list = (res.body ?? {}) as APIResourceList;
    // Subresources come as "httproutes/status"; only top-level names count.
    out.served.set(version, new Set((list.resources ?? []).map((r) => r.name ?? "").filter((n) => n && !n.includes("/"))));
  }
  return out;
}

export async function discoverResources(client: KubeClient, opts: { timeoutMs?: number } = {}): Promise<DiscoveryResult> {
  const timeoutMs = opts.timeoutMs;
  // The Gateway API group, and any other group with a kind whose presence is discovered
  // (certificates.k8s.io ClusterTrustBundle, a beta API that clusters may not serve).
  const names = [GATEWAY_GROUP, ...new Set(RESOURCES.filter((r) => r.crd && r.group !== GATEWAY_GROUP).map((r) => r.group))];
  const groups = new Map<string, ServedGroup>();
  for (const name of names) groups.set(name, await discoverGroup(client, name, timeoutMs));

  const watched: WatchedResource[] = [];
  const missing: ResourceInfo[] = [];
  for (const info of RESOURCES) {
    if (!info.crd) {
      watched.push({ ...info, version: info.versions[0] ?? "v1" });
      continue;
    }
    const g = groups.get(info.group);
    const version = g ? chooseVersion(info, g.served, g.preferred) : undefined;
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
