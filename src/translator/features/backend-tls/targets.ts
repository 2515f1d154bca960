// Which clusters a BackendTLSPolicy will wrap: the core keeps TLS passthrough
// routes off them (ClusterCache.passthrough) and session splits do not merge them.
import type { ResourceSet } from "../../../api/resource-set.ts";
import type { IrCluster } from "../../ir.ts";

/** Whether a BackendTLSPolicy (winning or not) targets the cluster's Service port. */
export function policyTargets(rs: ResourceSet, c: IrCluster): boolean {
  if (!c.service) return false;
  const { namespace, name, port } = c.service;
  const portName = rs.get("Service", `${namespace}/${name}`)?.spec?.ports?.find((p) => p && p.port === port)?.name;
  return rs.list("BackendTLSPolicy").some(
    (p) =>
      (p.metadata.namespace ?? "default") === namespace &&
      (Array.isArray(p.spec?.targetRefs) ? p.spec.targetRefs : []).some(
        (t) => t && (t.group ?? "") === "" && t.kind === "Service" && t.name === name && (!t.sectionName || t.sectionName === portName),
      ),
  );
}
