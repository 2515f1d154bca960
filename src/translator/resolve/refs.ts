// ReferenceGrant checks (v1beta1 and v1 share one shape): a reference from
// one namespace to another is allowed only when a grant in the target
// namespace names the source kind/namespace and the target kind (and name).
import type { ResourceSet } from "../../api/resource-set.ts";

export interface RefFrom {
  group: string;
  kind: string;
  namespace: string;
}

export interface RefTo {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

export function refAllowed(rs: ResourceSet, from: RefFrom, to: RefTo): boolean {
  if (from.namespace === to.namespace) return true;
  for (const grant of rs.list("ReferenceGrant")) {
    if (grant.metadata.namespace !== to.namespace) continue;
    const spec = grant.spec;
    if (!spec || !Array.isArray(spec.from) || !Array.isArray(spec.to)) continue;
    const fromOk = spec.from.some((f) => f && (f.group ?? "") === from.group && f.kind === from.kind && f.namespace === from.namespace);
    if (!fromOk) continue;
    const toOk = spec.to.some((t) => t && (t.group ?? "") === to.group && t.kind === to.kind && (!t.name || t.name === to.name));
    if (toOk) return true;
  }
  return false;
}
