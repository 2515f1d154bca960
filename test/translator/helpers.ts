// Shared setup of the translator tests built on one GatewayClass `sy` (ours)
// and one Gateway default/gw: the manifests, translating them, and reading
// a route's parent statuses back.
import { expect } from "vitest";
import { DEFAULT_CONTROLLER_NAME, type StatusUpdate } from "../../src/api/translation.ts";
import { translate } from "../../src/translator/translate.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { loadResourceSet } from "./load.ts";

/**
 * GatewayClass `sy` and Gateway default/gw; `listeners` is YAML list items (`  - {...}`), one a line;
 * `extraSpec` more lines of the Gateway's spec (indented two spaces), e.g. `  allowedListeners: ...`.
 */
export function classAndGateway(listeners: string, extraSpec = ""): string {
  return `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: sy}
spec: {controllerName: ${DEFAULT_CONTROLLER_NAME}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: sy
  listeners:
${listeners}
${extraSpec.replace(/\n?$/, "\n")}`;
}

/** Translates `yaml` and returns the result with default/gw's resources; `validate`: they must pass Envoy's rules. */
export function translateGw(yaml: string, validate: boolean) {
  const r = translate(loadResourceSet(yaml), { controllerName: DEFAULT_CONTROLLER_NAME });
  const gw = r.gateways.find((g) => g.key === "default/gw");
  if (!gw) throw new Error("no gateway snapshot");
  if (validate) expect(validateResources(gw.resources).failures).toEqual([]);
  return { r, gw: gw.resources };
}

/** The parent entries of a route's status (throws when the route has none). */
export function routeParents(statuses: StatusUpdate[], kind: string, name: string) {
  const s = statuses.find((x) => x.kind === kind && x.target.name === name);
  if (!s || !("parents" in s)) throw new Error(`no status for ${kind} ${name}`);
  return s.parents;
}
