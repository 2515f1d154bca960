// Gateway API objects, covering the v1.1 shapes and their v1.6 successors.
// Fields are optional wherever the API lets them be absent: the translator
// must cope with anything a user can write, so nothing here is trusted.
import type { Condition, K8sObject, ObjectRef } from "./meta.ts";

export const GATEWAY_GROUP = "gateway.networking.k8s.io";

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface BackendObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
}

export interface SecretObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

// ---------- GatewayClass ----------

export interface GatewayClass extends K8sObject {
  kind: "GatewayClass";
  spec: {
    controllerName: string;
    parametersRef?: ObjectRef & { group: string; kind: string };
    description?: string;
  };
  status?: {
    conditions?: Condition[];
    supportedFeatures?: { name: string }[];
  };
}

// ---------- Gateway ----------

export type ProtocolType = "HTTP" | "HTTPS" | "TLS" | "TCP" | "UDP" | (string & {});

export interface RouteGroupKind {
  group?: string;
  kind: string;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

export interface AllowedRoutes {
  namespaces?: { from?: "All" | "Same" | "Selector" | "None"; selector?: LabelSelector };
  kinds?: RouteGroupKind[];
}

/** v1.1 (GEP-91) per-listener client certificate validation. */
export interface FrontendTLSValidation {
  caCertificateRefs?: ObjectRef[];
  /** v1.4+: AllowValidOnly (default) or AllowInsecureFallback. */
  mode?: "AllowValidOnly" | "AllowInsecureFallback" | (string & {});
}

export interface GatewayTLSConfig {
  mode?: "Terminate" | "Passthrough";
  certificateRefs?: SecretObjectReference[];
  frontendValidation?: FrontendTLSValidation;
  options?: Record<string, string>;
}

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: ProtocolType;
  tls?: GatewayTLSConfig;
  allowedRoutes?: AllowedRoutes;
}

/** v1.4+ Gateway-level client certificate validation (spec.tls.frontend). */
export interface FrontendTLSConfig {
  default?: { validation?: FrontendTLSValidation };
  perPort?: { port: number; tls?: { validation?: FrontendTLSValidation } }[];
}

export interface Gateway extends K8sObject {
  kind: "Gateway";
  spec: {
    gatewayClassName: string;
    listeners?: Listener[];
    addresses?: { type?: string; value?: string }[];
    infrastructure?: {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
      parametersRef?: { group: string; kind: string; name: string };
    };
    tls?: {
      frontend?: FrontendTLSConfig;
      backend?: { clientCertificateRef?: SecretObjectReference };
    };
    allowedListeners?: { namespaces?: { from?: string; selector?: LabelSelector } };
  };
  status?: GatewayStatus;
}

export interface ListenerStatus {
  name: string;
  supportedKinds: RouteGroupKind[];
  attachedRoutes: number;
  conditions: Condition[];
}

export interface GatewayStatus {
  addresses?: { type?: string; value: string }[];
  conditions?: Condition[];
  listeners?: ListenerStatus[];
  /** ListenerSets attached to the Gateway and accepted (v1.5+). */
  attachedListenerSets?: number;
}

// ---------- ListenerSet (Standard since v1.5) ----------

/** A Gateway's listeners, added from another object (and often another namespace). */
export interface ListenerSet extends K8sObject {
  kind: "ListenerSet";
  spec: {
    parentRef: { group?: string; kind?: string; namespace?: string; name: string };
    listeners?: Listener[];
  };
}

export interface ListenerSetStatus {
  conditions?: Condition[];
  listeners?: ListenerStatus[];
}

// ---------- Routes ----------

export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions: Condition[];
}

export interface RouteStatus {
  parents?: RouteParentStatus[];
}

export interface HTTPHeader {
  name: string;
  value: string;
}

export interface HeaderModifier {
  set?: HTTPHeader[];
  add?: HTTPHeader[];
  remove?: string[];
}

export interface HTTPPathModifier {
  type: "ReplaceFullPath" | "ReplacePrefixMatch" | (string & {});
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

export interface HTTPRequestMirrorFilter {
  backendRef: BackendObjectReference;
  percent?: number;
  fraction?: { numerator: number; denominator?: number };
}

export interface HTTPCORSFilter {
  allowOrigins?: string[];
  allowCredentials?: boolean;
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAge?: number;
}

export interface LocalObjectReference {
  group: string;
  kind: string;
  name: string;
}

export interface HTTPRouteFilter {
  type:
    | "RequestHeaderModifier"
    | "ResponseHeaderModifier"
    | "RequestRedirect"
    | "URLRewrite"
    | "RequestMirror"
    | "CORS"
    | "ExternalAuth"
    | "ExtensionRef"
    | (string & {});
  requestHeaderModifier?: HeaderModifier;
  responseHeaderModifier?: HeaderModifier;
  requestRedirect?: {
    scheme?: string;
    hostname?: string;
    path?: HTTPPathModifier;
    port?: number;
    statusCode?: number;
  };
  urlRewrite?: { hostname?: string; path?: HTTPPathModifier };
  requestMirror?: HTTPRequestMirrorFilter;
  cors?: HTTPCORSFilter;
  extensionRef?: LocalObjectReference;
}

export interface HTTPPathMatch {
  type?: "Exact" | "PathPrefix" | "RegularExpression" | (string & {});
  value?: string;
}

export interface HTTPHeaderMatch {
  type?: "Exact" | "RegularExpression" | (string & {});
  name: string;
  value: string;
}

export interface HTTPRouteMatch {
  path?: HTTPPathMatch;
  headers?: HTTPHeaderMatch[];
  queryParams?: HTTPHeaderMatch[];
  method?: string;
}

export interface HTTPBackendRef extends BackendObjectReference {
  weight?: number;
  filters?: HTTPRouteFilter[];
}

/** GEP-1619 session persistence, on route rules and on BackendLBPolicy. */
/** GEP-1619: the v1.1-v1.6 shape (sessionName, cookieConfig) and the v1.7 one (cookie, header). */
export interface SessionPersistence {
  sessionName?: string;
  absoluteTimeout?: string;
  idleTimeout?: string;
  type?: "Cookie" | "Header" | (string & {});
  cookieConfig?: { lifetimeType?: "Session" | "Permanent" | (string & {}) };
  /** v1.7: cookie settings; the CRD defaults `path` to `/`. */
  cookie?: { name?: string; path?: string; lifetimeType?: "Session" | "Permanent" | (string & {}) };
  /** v1.7: header settings (required for type Header in that shape). */
  header?: { name?: string };
}

export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: HTTPBackendRef[];
  timeouts?: { request?: string; backendRequest?: string };
  retry?: { codes?: number[]; attempts?: number; backoff?: string };
  sessionPersistence?: SessionPersistence;
}

export interface HTTPRoute extends K8sObject {
  kind: "HTTPRoute";
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: HTTPRouteRule[] };
  status?: RouteStatus;
}

export interface GRPCMethodMatch {
  type?: "Exact" | "RegularExpression" | (string & {});
  service?: string;
  method?: string;
}

export interface GRPCRouteMatch {
  method?: GRPCMethodMatch;
  headers?: HTTPHeaderMatch[];
}

export interface GRPCRouteRule {
  name?: string;
  matches?: GRPCRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: HTTPBackendRef[];
  sessionPersistence?: SessionPersistence;
}

export interface GRPCRoute extends K8sObject {
  kind: "GRPCRoute";
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: GRPCRouteRule[] };
  status?: RouteStatus;
}

export interface L4BackendRef extends BackendObjectReference {
  weight?: number;
}

export interface TLSRoute extends K8sObject {
  kind: "TLSRoute";
  spec: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: { name?: string; backendRefs?: L4BackendRef[] }[] };
  status?: RouteStatus;
}

export interface TCPRoute extends K8sObject {
  kind: "TCPRoute";
  spec: { parentRefs?: ParentReference[]; rules?: { name?: string; backendRefs?: L4BackendRef[] }[] };
  status?: RouteStatus;
}

export interface UDPRoute extends K8sObject {
  kind: "UDPRoute";
  spec: { parentRefs?: ParentReference[]; rules?: { name?: string; backendRefs?: L4BackendRef[] }[] };
  status?: RouteStatus;
}

export type Route = HTTPRoute | GRPCRoute | TLSRoute | TCPRoute | UDPRoute;

// ---------- ReferenceGrant ----------

export interface ReferenceGrant extends K8sObject {
  kind: "ReferenceGrant";
  spec: {
    from: { group: string; kind: string; namespace: string }[];
    to: { group: string; kind: string; name?: string }[];
  };
}

// ---------- Policies ----------

export interface PolicyTargetReference {
  group: string;
  kind: string;
  name: string;
  sectionName?: string;
}

export interface PolicyAncestorStatus {
  ancestorRef: ParentReference;
  controllerName: string;
  conditions: Condition[];
}

export interface PolicyStatus {
  ancestors?: PolicyAncestorStatus[];
}

export interface SubjectAltName {
  type: "Hostname" | "URI" | (string & {});
  hostname?: string;
  uri?: string;
}

/** v1alpha3 (Gateway API v1.1) and v1 (v1.4+) share this shape. */
export interface BackendTLSPolicy extends K8sObject {
  kind: "BackendTLSPolicy";
  spec: {
    targetRefs: PolicyTargetReference[];
    validation: {
      caCertificateRefs?: LocalObjectReference[];
      wellKnownCACertificates?: "System" | (string & {});
      hostname: string;
      subjectAltNames?: SubjectAltName[];
    };
    options?: Record<string, string>;
  };
  status?: PolicyStatus;
}

/** v1alpha2, Gateway API v1.1 experimental (removed upstream in v1.3). */
export interface BackendLBPolicy extends K8sObject {
  kind: "BackendLBPolicy";
  spec: {
    targetRefs: { group: string; kind: string; name: string }[];
    sessionPersistence?: SessionPersistence;
  };
  status?: PolicyStatus;
}
