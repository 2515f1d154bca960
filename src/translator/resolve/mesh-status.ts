// Merges the Service-parent entries of mesh routes into the route's one
// StatusUpdate: the status writer replaces all of our controllerName's
// entries of an object with one update, so a route with Gateway and Service
// parents must carry both in the same update.
import type { StatusUpdate } from "../../api/translation.ts";
import type { MeshRouteStatus } from "./mesh.ts";
import { compareStatus } from "./status-order.ts";

function keyOf(u: { kind: string; target: { namespace?: string; name: string } }): string {
  return `${u.kind}|${u.target.namespace ?? ""}/${u.target.name}`;
}

export function mergeMeshStatuses(statuses: readonly StatusUpdate[], mesh: readonly MeshRouteStatus[]): StatusUpdate[] {
  if (mesh.length === 0) return [...statuses];
  const out = statuses.map((s) => ("parents" in s ? { ...s, parents: [...s.parents] } : s));
  const index = new Map<string, StatusUpdate>();
  for (const s of out) index.set(keyOf(s), s);
  for (const m of mesh) {
    const existing = index.get(keyOf(m));
    if (existing && "parents" in existing) existing.parents.push(...m.parents);
    else out.push({ kind: m.kind, target: m.target, parents: [...m.parents] });
  }
  return out.sort(compareStatus);
}
