// ReferenceGrant checks (v1beta1 and v1 share one shape): a reference from
// one namespace to another is allowed only when a grant in the target
// namespace names the source kind/namespace and the target kind (and name).
import type { ReferenceGrant } from "../../api/gateway-api.ts";
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
  for (const grant of grantsIn(rs, to.namespace)) {
    const spec = grant.spec;
    if (!spec || !Array.isArray(spec.from) || !Array.isArray(spec.to)) continue;
    const fromOk = spec.from.some((f) => f && (f.group ?? "") === from.group && f.kind === from.kind && f.namespace === from.namespace);
    if (!fromOk) continue;
    const toOk = spec.to.some((t) => t && (t.group ?? "") === to.group && t.kind === to.kind && (!t.name || t.name === to.name));
    if (toOk) return true;
  }
  return false;
}

/** Grants by namespace, indexed once per (immutable) ResourceSet. */
const byNamespace = new WeakMap<ResourceSet, Map<string, ReferenceGrant[]>>();

function grantsIn(rs: ResourceSet, namespace: string): readonly ReferenceGrant[] {
  let index = byNamespace.get(rs);
  if (!index) {
    index = new Map();
    for (const g of rs.list("ReferenceGrant")) {
      const ns = g.metadata.namespace ?? "";
      const list = index.get(ns);
      if (list) list.push(g);
      else index.set(ns, [g]);
    }
    byNamespace.set(rs, index);
  }
  return index.get(namespace) ?? [];
}
