// What should exist after a translation: the rendered objects of every Gateway
// of ours whose parameters resolve. Pure.
//   - A Gateway of ours is one the translation produced a snapshot for.
//   - Its parameters are its GatewayClass's ConfigMap overridden by its own.
//   - Invalid parameters (the translator reports Accepted=False
//     InvalidParameters) leave that Gateway's existing objects as they are:
//     a typo in a ConfigMap must not take a working proxy down. Such a
//     Gateway still counts as ours, so garbage collection keeps its objects.
import { effectiveProxyParameters } from "../../api/proxy-parameters.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import type { TranslationResult } from "../../api/translation.ts";
import type { Gateway } from "../../api/gateway-api.ts";
import { renderGatewayInfra, type InfraObject, type RenderOptions } from "./render.ts";

export interface DesiredGateway {
  key: string;
  gateway: Gateway;
  /** Absent when the Gateway could not be rendered (see `problem`). */
  objects?: InfraObject[];
  problem?: string;
}

export interface DesiredState {
  /** Every Gateway of ours, by key. */
  gateways: Map<string, DesiredGateway>;
}

export function desiredState(result: Pick<TranslationResult, "gateways">, rs: ResourceSet, opts: Omit<RenderOptions, "parameters">): DesiredState {
  const gateways = new Map<string, DesiredGateway>();
  for (const snap of result.gateways) {
    const gw = rs.get("Gateway", snap.key);
    if (!gw) continue;
    const gc = rs.get("GatewayClass", gw.spec?.gatewayClassName ?? "");
    const params = effectiveProxyParameters(rs, gw, gc);
    if (!params.ok) {
      gateways.set(snap.key, { key: snap.key, gateway: gw, problem: params.message });
      continue;
    }
    try {
      gateways.set(snap.key, { key: snap.key, gateway: gw, objects: renderGatewayInfra(gw, { ...opts, parameters: params.params }) });
    } catch (err) {
      // bootstrapJson rejects keys that are not namespace/name; the API server would have too.
      gateways.set(snap.key, { key: snap.key, gateway: gw, problem: err instanceof Error ? err.message : String(err) });
    }
  }
  return { gateways };
}
