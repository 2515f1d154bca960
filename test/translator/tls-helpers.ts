// Shared pieces of the TLS translator tests: base manifests and lookups into
// a translation result.
import { fromBinary } from "@bufbuild/protobuf";
import { DEFAULT_CONTROLLER_NAME, type StatusUpdate, type TranslationResult } from "../../src/api/translation.ts";
import type { Condition } from "../../src/api/meta.ts";
import type { XdsResources } from "../../src/api/xds.ts";
import type { TransportSocket } from "../../src/gen/envoy/config/core/v3/base_pb.js";
import { DownstreamTlsContextSchema, type DownstreamTlsContext } from "../../src/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { translate } from "../../src/translator/translate.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { loadResourceSet } from "./load.ts";

export const BASE = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: switchyard, generation: 1}
spec: {controllerName: ${DEFAULT_CONTROLLER_NAME}}
---
apiVersion: v1
kind: Service
metadata: {name: backend, namespace: default}
spec:
  ports: [{name: https, port: 443, targetPort: 8443}, {name: http, port: 8080, targetPort: 3000}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: backend-1, namespace: default, labels: {kubernetes.io/service-name: backend}}
addressType: IPv4
ports: [{name: https, port: 8443, protocol: TCP}, {name: http, port: 3000, protocol: TCP}]
endpoints:
- addresses: [10.0.0.1]
  conditions: {ready: true}
`;

/** Translates BASE plus `docs`; every emitted resource must pass Envoy's validate.rules. */
export function run(...docs: string[]): TranslationResult {
  const r = translate(loadResourceSet([BASE, ...docs].join("\n---\n")), { controllerName: DEFAULT_CONTROLLER_NAME });
  for (const g of r.gateways) {
    const { failures } = validateResources(g.resources);
    if (failures.length > 0) throw new Error(`${g.key}: invalid Envoy resources: ${JSON.stringify(failures)}`);
  }
  return r;
}

export function statusOf<K extends StatusUpdate["kind"]>(r: TranslationResult, kind: K, key: string): StatusUpdate & { kind: K } {
  const s = r.statuses.find((x) => x.kind === kind && `${x.target.namespace}/${x.target.name}` === key);
  if (!s) throw new Error(`no ${kind} status for ${key}`);
  return s as StatusUpdate & { kind: K };
}

export function cond(conds: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conds?.find((c) => c.type === type);
}

export function listenerConds(r: TranslationResult, gw: string, listener: string): Condition[] {
  const st = statusOf(r, "Gateway", gw).status;
  const l = st.listeners?.find((x) => x.name === listener);
  if (!l) throw new Error(`no listener ${listener} in ${gw}`);
  return l.conditions;
}

export function snapshot(r: TranslationResult, key: string): XdsResources {
  const g = r.gateways.find((x) => x.key === key);
  if (!g) throw new Error(`no snapshot ${key}`);
  return g.resources;
}

/** A Gateway manifest with the given listeners (YAML flow/maps) and extra spec YAML. */
export function gateway(name: string, listeners: string, extraSpec = "", namespace = "default"): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: ${namespace}, generation: 1}
spec:
  gatewayClassName: switchyard
  listeners:
${listeners}
${extraSpec}`;
}

/** HTTPRoute default/web on Gateway eg, to Service backend on `port`. */
export function httpRoute(port: number): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs: [{name: eg}]
  rules: [{backendRefs: [{name: backend, port: ${port}}]}]
`;
}

/** The DownstreamTlsContext of a filter chain's transport socket. */
export function downstreamTls(ts: TransportSocket | undefined): DownstreamTlsContext {
  if (ts?.configType.case !== "typedConfig") throw new Error("no TLS transport socket");
  return fromBinary(DownstreamTlsContextSchema, ts.configType.value.value);
}
