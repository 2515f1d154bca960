// The parameters of a Gateway's provisioned Envoy, read from a ConfigMap that a
// GatewayClass `spec.parametersRef` or a Gateway `spec.infrastructure.parametersRef`
// names. Pure, so the translator (status: InvalidParameters) and the
// provisioner (what to render) read the same keys the same way.
// docs/provisioning.md lists the keys.
import { parse } from "yaml";
import type { ConfigMap } from "./core.ts";
import type { Gateway, GatewayClass } from "./gateway-api.ts";
import type { ResourceSet } from "./resource-set.ts";

export type ServiceType = "LoadBalancer" | "NodePort" | "ClusterIP";

export interface ResourceRequirements {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** Every field is optional: absent means "the provisioner's default". */
export interface ProxyParameters {
  replicas?: number;
  image?: string;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  logLevel?: string;
  concurrency?: number;
  serviceType?: ServiceType;
  externalTrafficPolicy?: "Cluster" | "Local";
  loadBalancerClass?: string;
  serviceAnnotations?: Record<string, string>;
  resources?: ResourceRequirements;
  nodeSelector?: Record<string, string>;
  drainSeconds?: number;
}

export type ParametersResult = { ok: true; params: ProxyParameters } | { ok: false; message: string };

const LOG_LEVELS = ["trace", "debug", "info", "warning", "warn", "error", "critical", "off"];
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

type KeyParser = (raw: string, out: ProxyParameters) => string | undefined;

function int(min: number, max: number, set: (o: ProxyParameters, n: number) => void): KeyParser {
  return (raw, out) => {
    if (!/^\d+$/.test(raw.trim())) return `must be an integer, got ${JSON.stringify(raw)}`;
    const n = Number(raw.trim());
    if (n < min || n > max) return `must be between ${min} and ${max}, got ${n}`;
    set(out, n);
    return undefined;
  };
}

function oneOf<T extends string>(values: readonly T[], set: (o: ProxyParameters, v: T) => void): KeyParser {
  return (raw, out) => {
    const v = raw.trim();
    if (!(values as readonly string[]).includes(v)) return `must be one of ${values.join(", ")}, got ${JSON.stringify(raw)}`;
    set(out, v as T);
    return undefined;
  };
}

function stringMap(what: "label" | "annotation", set: (o: ProxyParameters, m: Record<string, string>) => void): KeyParser {
  return (raw, out) => {
    const m = parseYamlMap(raw);
    if (typeof m === "string") return m;
    for (const [k, v] of Object.entries(m)) {
      if (!LABEL_KEY.test(k)) return `key ${JSON.stringify(k)} is not a valid ${what} key`;
      if (what === "label" && !LABEL_VALUE.test(v)) return `value ${JSON.stringify(v)} of ${k} is not a valid label value`;
    }
    set(out, m);
    return undefined;
  };
}

const PARSERS: Record<string, KeyParser> = {
  replicas: int(0, 1000, (o, n) => (o.replicas = n)),
  image: (raw, out) => {
    const v = raw.trim();
    if (v === "" || /\s/.test(v)) return `must be a container image reference, got ${JSON.stringify(raw)}`;
    out.image = v;
    return undefined;
  },
  imagePullPolicy: oneOf(["Always", "IfNotPresent", "Never"] as const, (o, v) => (o.imagePullPolicy = v)),
  logLevel: oneOf(LOG_LEVELS, (o, v) => (o.logLevel = v)),
  concurrency: int(1, 1024, (o, n) => (o.concurrency = n)),
  serviceType: oneOf(["LoadBalancer", "NodePort", "ClusterIP"] as const, (o, v) => (o.serviceType = v)),
  externalTrafficPolicy: oneOf(["Cluster", "Local"] as const, (o, v) => (o.externalTrafficPolicy = v)),
  loadBalancerClass: (raw, out) => {
    const v = raw.trim();
    if (!LABEL_KEY.test(v)) return `must be a label-style name such as example.com/lb, got ${JSON.stringify(raw)}`;
    out.loadBalancerClass = v;
    return undefined;
  },
  serviceAnnotations: stringMap("annotation", (o, m) => (o.serviceAnnotations = m)),
  nodeSelector: stringMap("label", (o, m) => (o.nodeSelector = m)),
  resources: (raw, out) => {
    let doc: unknown;
    try {
      doc = parse(raw);
    } catch (err) {
      return `is not valid YAML: ${(err as Error).message.split("\n")[0]}`;
    }
    if (!isPlainObject(doc)) return "must be a map with requests and/or limits";
    const res: ResourceRequirements = {};
    for (const [k, v] of Object.entries(doc)) {
      if (k !== "requests" && k !== "limits") return `has unknown field ${JSON.stringify(k)} (only requests and limits)`;
      if (!isPlainObject(v)) return `${k} must be a map of resource name to quantity`;
      const q: Record<string, string> = {};
      for (const [name, amount] of Object.entries(v)) {
        const s = typeof amount === "number" ? String(amount) : amount;
        if (typeof s !== "string" || !QUANTITY.test(s)) return `${k}.${name} is not a quantity: ${JSON.stringify(amount)}`;
        q[name] = s;
      }
      res[k] = q;
    }
    out.resources = res;
    return undefined;
  },
  drainSeconds: int(0, 3600, (o, n) => (o.drainSeconds = n)),
};

/** The keys a parameters ConfigMap may have. */
export const PROXY_PARAMETER_KEYS: readonly string[] = Object.keys(PARSERS).sort();

/** Parses a parameters ConfigMap's data. Unknown keys are errors, so that typos do not pass silently. */
export function parseProxyParameters(data: Readonly<Record<string, string>> | undefined): ParametersResult {
  const params: ProxyParameters = {};
  for (const key of Object.keys(data ?? {}).sort()) {
    const parser = PARSERS[key];
    if (!parser) return { ok: false, message: `unknown key ${JSON.stringify(key)} (known: ${PROXY_PARAMETER_KEYS.join(", ")})` };
    const raw = data?.[key];
    if (typeof raw !== "string") return { ok: false, message: `${key} must be a string` };
    const err = parser(raw, params);
    if (err) return { ok: false, message: `${key} ${err}` };
  }
  return { ok: true, params };
}

/** A Gateway's parameters override its GatewayClass's, key by key. */
export function mergeProxyParameters(base: ProxyParameters, override: ProxyParameters): ProxyParameters {
  return { ...base, ...override };
}

/**
 * Resolves a parametersRef: only core ConfigMaps are supported. `namespace` is
 * where the ConfigMap must be (the ref's own for a GatewayClass, the Gateway's
 * for a Gateway). The message says what is wrong, for an InvalidParameters condition.
 */
export function resolveParametersRef(
  rs: ResourceSet,
  ref: { group?: string; kind?: string; name?: string } | undefined,
  namespace: string | undefined,
  field: string,
): ParametersResult {
  if (!ref) return { ok: true, params: {} };
  const what = `${field} ${ref.group ? `${ref.group}/` : ""}${ref.kind ?? ""} ${ref.name ?? ""}`.trim();
  if ((ref.group ?? "") !== "" || ref.kind !== "ConfigMap") return { ok: false, message: `${what}: only core ConfigMaps are supported as parameters` };
  if (!namespace) return { ok: false, message: `${what}: a namespace is required` };
  const cm: ConfigMap | undefined = rs.get("ConfigMap", `${namespace}/${ref.name ?? ""}`);
  if (!cm) return { ok: false, message: `${what}: ConfigMap ${namespace}/${ref.name ?? ""} does not exist` };
  const parsed = parseProxyParameters(cm.data);
  return parsed.ok ? parsed : { ok: false, message: `${what}: ${parsed.message}` };
}

/** GatewayClass parameters (namespace from the ref, as the API requires for namespaced kinds). */
export function gatewayClassParameters(rs: ResourceSet, gc: GatewayClass): ParametersResult {
  const ref = gc.spec?.parametersRef;
  return resolveParametersRef(rs, ref, ref?.namespace, "parametersRef");
}

/** A Gateway's own parameters (a LocalParametersReference: the Gateway's namespace). */
export function gatewayParameters(rs: ResourceSet, gw: Gateway): ParametersResult {
  return resolveParametersRef(rs, gw.spec?.infrastructure?.parametersRef, gw.metadata.namespace ?? "default", "infrastructure.parametersRef");
}

/** The merged parameters of a Gateway: its class's, overridden by its own. */
export function effectiveProxyParameters(rs: ResourceSet, gw: Gateway, gc: GatewayClass | undefined): ParametersResult {
  const base = gc ? gatewayClassParameters(rs, gc) : { ok: true as const, params: {} };
  if (!base.ok) return base;
  const own = gatewayParameters(rs, gw);
  if (!own.ok) return own;
  return { ok: true, params: mergeProxyParameters(base.params, own.params) };
}

function parseYamlMap(raw: string): Record<string, string> | string {
  let doc: unknown;
  try {
    doc = parse(raw);
  } catch (err) {
    return `is not valid YAML: ${(err as Error).message.split("\n")[0]}`;
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) return "must be a YAML map of strings";
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (typeof v === "string") out[k] = v;
    else if (typeof v === "number" || typeof v === "boolean") out[k] = String(v);
    else return `value of ${JSON.stringify(k)} must be a string`;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
