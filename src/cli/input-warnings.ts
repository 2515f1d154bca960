// Warnings for `translate` about inputs that are valid but probably not what
// the user meant: nothing to translate, or routes attached to parents that are
// not among the inputs (a missing -f, a typo in parentRefs).
import type { K8sObject } from "../api/meta.ts";
import type { ParentReference } from "../api/gateway-api.ts";
import type { ResourceSet } from "../api/resource-set.ts";
import type { Inputs } from "./inputs.ts";

const ROUTE_KINDS = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"] as const;
const GATEWAY_GROUP = "gateway.networking.k8s.io";

export function inputWarnings(inputs: Inputs, rs: ResourceSet): string[] {
  if (inputs.objects.length === 0) return ["no Gateway API or core objects in the inputs; nothing to translate"];
  const warnings: string[] = [];
  for (const kind of ROUTE_KINDS) {
    for (const route of rs.list(kind) as (K8sObject & { spec: { parentRefs?: ParentReference[] } })[]) {
      const ns = route.metadata.namespace ?? "default";
      const origin = inputs.origins.get(route);
      const where = origin ? `${origin.file}:${origin.line}: ` : "";
      (route.spec.parentRefs ?? []).forEach((ref, i) => {
        const missing = missingParent(ref, ns, rs);
        if (missing) warnings.push(`${where}${kind} ${ns}/${route.metadata.name}: spec.parentRefs[${i}]: ${missing} is not among the inputs`);
      });
    }
  }
  return warnings;
}

/** The parent a reference names when it is a Gateway or Service missing from the inputs. */
function missingParent(ref: ParentReference, routeNamespace: string, rs: ResourceSet): string | undefined {
  const group = ref.group ?? GATEWAY_GROUP;
  const kind = ref.kind ?? "Gateway";
  const key = `${ref.namespace ?? routeNamespace}/${ref.name}`;
  if (group === GATEWAY_GROUP && kind === "Gateway") return rs.get("Gateway", key) ? undefined : `Gateway ${key}`;
  if (group === "" && kind === "Service") return rs.get("Service", key) ? undefined : `Service ${key}`;
  return undefined; // another kind of parent: not ours to judge
}
