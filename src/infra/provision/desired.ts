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
import { canonicalJson } from "../../util/canonical-json.ts";
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

/**
 * Remembers each Gateway's rendered objects by what they are made of (the
 * Gateway's identity and spec, and its parameters), so that the translations
 * that do not touch a Gateway (endpoint churn) do not render it again. The
 * render options must not change between calls that share a cache.
 */
export class RenderCache {
  private entries = new Map<string, { fingerprint: string; objects: InfraObject[] }>();

  get(key: string, fingerprint: string, render: () => InfraObject[]): InfraObject[] {
    const hit = this.entries.get(key);
    if (hit && hit.fingerprint === fingerprint) return hit.objects;
    const objects = render();
    this.entries.set(key, { fingerprint, objects });
    return objects;
  }

  /** Drops the Gateways not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const key of [...this.entries.keys()]) if (!keep.has(key)) this.entries.delete(key);
  }
}

export function desiredState(
  result: Pick<TranslationResult, "gateways">,
  rs: ResourceSet,
  opts: Omit<RenderOptions, "parameters">,
  cache?: RenderCache,
): DesiredState {
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
      const render = () => renderGatewayInfra(gw, { ...opts, parameters: params.params });
      const fingerprint = canonicalJson([gw.apiVersion, gw.metadata.name, gw.metadata.namespace, gw.metadata.uid, gw.spec, params.params]);
      gateways.set(snap.key, { key: snap.key, gateway: gw, objects: cache ? cache.get(snap.key, fingerprint, render) : render() });
    } catch (err) {
      // bootstrapJson rejects keys that are not namespace/name; the API server would have too.
      gateways.set(snap.key, { key: snap.key, gateway: gw, problem: err instanceof Error ? err.message : String(err) });
    }
  }
  cache?.retain(new Set(gateways.keys()));
  return { gateways };
}
