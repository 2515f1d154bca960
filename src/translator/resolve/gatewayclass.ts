// GatewayClass: which classes are ours, and their status.
import type { GatewayClass } from "../../api/gateway-api.ts";
import { gatewayClassParameters } from "../../api/proxy-parameters.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import type { StatusUpdate } from "../../api/translation.ts";
import { condition } from "./conditions.ts";
import type { ResolveHooks } from "./hooks.ts";
import { SUPPORTED_FEATURES } from "./supported-features.ts";
import { generationOf, type Verdict } from "./model.ts";

export interface OurClass {
  obj: GatewayClass;
  accepted: Verdict;
}

export function resolveGatewayClasses(
  rs: ResourceSet,
  controllerName: string,
  hooks: readonly ResolveHooks[],
): { classes: Map<string, OurClass>; statuses: StatusUpdate[] } {
  const supported = [...new Set([...SUPPORTED_FEATURES, ...hooks.flatMap((h) => h.supportedFeatures ?? [])])].sort();
  const classes = new Map<string, OurClass>();
  const statuses: StatusUpdate[] = [];
  for (const gc of rs.list("GatewayClass")) {
    if (gc.spec?.controllerName !== controllerName) continue;
    const accepted = checkParameters(rs, gc);
    classes.set(gc.metadata.name, { obj: gc, accepted });
    const gen = generationOf(gc);
    statuses.push({
      kind: "GatewayClass",
      target: { apiVersion: gc.apiVersion, name: gc.metadata.name },
      status: {
        conditions: [
          condition("Accepted", accepted.ok, accepted.reason, accepted.message, gen),
          condition("SupportedVersion", true, "SupportedVersion", "Gateway API v1.7 is supported", gen),
        ],
        supportedFeatures: supported.map((name) => ({ name })),
      },
    });
  }
  return { classes, statuses };
}

/** A parametersRef must name a ConfigMap whose data are valid proxy parameters (docs/provisioning.md). */
function checkParameters(rs: ResourceSet, gc: GatewayClass): Verdict {
  const params = gatewayClassParameters(rs, gc);
  if (params.ok) return { ok: true, reason: "Accepted", message: "GatewayClass is accepted" };
  return { ok: false, reason: "InvalidParameters", message: params.message };
}
