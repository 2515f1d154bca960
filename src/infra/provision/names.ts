// Names and labels of a Gateway's provisioned objects, in one place.
//   name:   envoy-<ns>-<name>-<hash8>, at most 63 characters (a DNS-1035 label,
//           as a Service name must be); the hash keeps `a-b/c` and `a/b-c` apart
//           and keeps truncated names unique.
//   labels: gateway.networking.k8s.io/gateway-name and gateway-namespace (what
//           Gateway API tooling and Envoy Gateway users look for), plus our own.
//   annotation switchyard.dev/gateway = namespace/name: the exact Gateway key,
//           since label values are cut at 63 characters; garbage collection reads it.
import { createHash } from "node:crypto";

export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
export const GATEWAY_NAMESPACE_LABEL = "gateway.networking.k8s.io/gateway-namespace";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "switchyard";
export const COMPONENT_LABEL = "app.kubernetes.io/component";
export const COMPONENT = "proxy";
export const APP_NAME_LABEL = "app.kubernetes.io/name";
export const APP_NAME = "envoy";
/** Selects the pods of one proxy Deployment; its value is the object name. */
export const PROXY_LABEL = "switchyard.dev/proxy";
export const GATEWAY_KEY_ANNOTATION = "switchyard.dev/gateway";
/** On the pod template: a hash of the bootstrap, so a changed bootstrap rolls the pods. */
export const BOOTSTRAP_HASH_ANNOTATION = "switchyard.dev/bootstrap-hash";

/** The label selector of every object the provisioner owns (for listing and garbage collection). */
export const OWNED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY},${COMPONENT_LABEL}=${COMPONENT}`;

export function shortHash(s: string): string {
  return createHash("sha256").update(s).digest("hex").slice(0, 8);
}

/** The name every object of a Gateway's proxy shares (Deployment, Service, ServiceAccount, ConfigMap). */
export function proxyName(namespace: string, name: string): string {
  const readable = `envoy-${namespace}-${name}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  return `${readable.slice(0, 54).replace(/-+$/, "")}-${shortHash(`${namespace}/${name}`)}`;
}

/** A label value (at most 63 characters, alphanumeric at both ends) from any string. */
export function labelValue(s: string): string {
  return s.slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** Labels on every object of a Gateway's proxy; the ones we own win over the Gateway's infrastructure labels. */
export function ownedLabels(namespace: string, name: string, objectName: string): Record<string, string> {
  return {
    [APP_NAME_LABEL]: APP_NAME,
    [COMPONENT_LABEL]: COMPONENT,
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [GATEWAY_NAME_LABEL]: labelValue(name),
    [GATEWAY_NAMESPACE_LABEL]: labelValue(namespace),
    [PROXY_LABEL]: objectName,
  };
}

/** The Deployment's selector: stable for the object's life (a selector cannot change). */
export function selectorLabels(objectName: string): Record<string, string> {
  return { [APP_NAME_LABEL]: APP_NAME, [MANAGED_BY_LABEL]: MANAGED_BY, [PROXY_LABEL]: objectName };
}
