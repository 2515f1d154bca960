// Shared bits of the provisioning tests: inputs from YAML, and the part of a
// translation result the provisioner reads (which Gateways are ours).
import { parseAllDocuments } from "yaml";
import type { K8sObject } from "../../src/api/meta.ts";
import { buildResourceSet, type ResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME, type TranslationResult } from "../../src/api/translation.ts";
import { emptyResources } from "../../src/api/xds.ts";
import type { RenderOptions } from "../../src/infra/provision/render.ts";

export const BASE_OPTIONS: Omit<RenderOptions, "parameters"> = {
  controllerNamespace: "switchyard-system",
  xdsHost: "switchyard.switchyard-system.svc.cluster.local",
  xdsPort: 18000,
};

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === "object");
}

/** What translate() says about which Gateways are ours: one snapshot per Gateway of one of our classes. */
export function oursResult(rs: ResourceSet, controllerName = DEFAULT_CONTROLLER_NAME): Pick<TranslationResult, "gateways"> {
  const classes = new Set(rs.list("GatewayClass").filter((gc) => gc.spec?.controllerName === controllerName).map((gc) => gc.metadata.name));
  return {
    gateways: rs
      .list("Gateway")
      .filter((gw) => classes.has(gw.spec?.gatewayClassName))
      .map((gw) => ({ key: `${gw.metadata.namespace}/${gw.metadata.name}`, resources: emptyResources() })),
  };
}

export function resourceSetOf(text: string): ResourceSet {
  return buildResourceSet(parseObjects(text));
}
