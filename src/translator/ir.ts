// The intermediate representation between Gateway API semantics (resolve/) and
// Envoy resources (envoy/). resolve/ decides *what* traffic does; envoy/ only
// decides *how Envoy spells it*. Nothing here is an Envoy type.
//
// Extension points (add fields, keep existing ones stable):
// - IrListener is one Envoy listener per Gateway port. `filterChains` carries
//   per-chain TLS (`tls`, from resolve/listener-tls.ts for HTTPS and TLS
//   Terminate) and SNI (`serverNames`). TLSRoute and TCP/UDP data paths go in
//   `l4Routes` (compiled by resolve/tlsroute.ts and resolve/l4routes.ts,
//   emitted by envoy/tls-passthrough.ts, envoy/tcp.ts and envoy/udp.ts).
// - IrRoute is protocol-neutral enough for GRPCRoute: resolve/grpcroute.ts
//   builds IrRoutes with header/path matches and the same actions.
// - Feature modules (src/translator/features/, docs/architecture.md) own the
//   fields of IrRouteFeatures, IrForwardFeatures and IrCluster.tls: a new
//   feature adds its field here, its module and its entry in FEATURES.
// - IrGateway.secrets holds SDS secrets (envoy/secrets.ts).

export type IrProtocol = "HTTP" | "HTTPS" | "TLS" | "TCP" | "UDP";

export interface IrGateway {
  /** `namespace/name` — the snapshot key. */
  key: string;
  namespace: string;
  name: string;
  /** Sorted by port. */
  listeners: IrListener[];
  /** Every cluster any route/listener refers to, keyed by Envoy cluster name. */
  clusters: Map<string, IrCluster>;
  /** SDS secrets by name (TLS). */
  secrets: Map<string, IrSecret>;
  /** features/backend-tls/: the client certificate presented to TLS backends (spec.tls.backend); added to secrets when used. */
  backendClientCertificate?: IrSecret;
}

export interface IrSecret {
  name: string;
  /** PEM certificate chain and key, or a CA bundle for validation contexts. */
  certificateChain?: string;
  privateKey?: string;
  trustedCa?: string;
}

export interface IrListener {
  /** Envoy listener name (names.listenerName). */
  name: string;
  /** Envoy route configuration name for HTTP(S) listeners. */
  routeConfigName: string;
  port: number;
  protocol: IrProtocol;
  /** HTTP and HTTPS: one chain for plain HTTP, one per TLS certificate set for HTTPS. */
  filterChains: IrFilterChain[];
  /** HTTP(S): the shared route table; virtual hosts sorted by name. */
  virtualHosts: IrVirtualHost[];
  /** TLS passthrough / TCP / UDP routes (filled by the L4 resolvers). */
  l4Routes: IrL4Route[];
}

export interface IrFilterChain {
  name: string;
  /** SNI names this chain serves (HTTPS/TLS); empty means any. */
  serverNames: string[];
  /** TLS termination (HTTPS, TLS Terminate); absent for plain HTTP. */
  tls?: IrTlsTermination;
  /** The chain of a TLS listener: its traffic is the port's TLSRoutes (l4Routes), never HTTP. */
  l4?: boolean;
  /**
   * HTTPS with several listeners on the port: this chain's own route table
   * (resolve/https-route-tables.ts); absent means the listener's shared table.
   */
  routeTable?: { name: string; virtualHosts: IrVirtualHost[] };
}

export interface IrTlsTermination {
  /** SDS secret names of the server certificates. */
  certificateSecrets: string[];
  /** features/client-cert-validation/: SDS secret of the CA for client certificate validation. */
  clientValidationSecret?: string;
  /** AllowInsecureFallback: accept clients without a valid certificate. */
  clientValidationOptional?: boolean;
  alpn?: string[];
}

export interface IrL4Route {
  name: string;
  /** TLS passthrough: SNI hostnames; empty means any. */
  hostnames: string[];
  backends: IrBackend[];
  /** Share of the total weight that belongs to invalid backends. */
  invalidWeight: number;
  /** TLS Terminate listener (TLSRoute): end TLS on this route's chain first. */
  tls?: IrTlsTermination;
  /** TCP/UDP: routes sharing a listener; the smallest order (oldest) carries traffic. */
  order?: string;
}

export interface IrVirtualHost {
  name: string;
  /** Envoy domains (exact, `*.suffix` or `*`). */
  domains: string[];
  /** In match precedence order. */
  routes: IrRoute[];
}

export type IrStringMatch =
  | { type: "Exact"; value: string }
  | { type: "RegularExpression"; value: string }
  | { type: "Prefix"; value: string };

export interface IrPathMatch {
  type: "Exact" | "PathPrefix" | "RegularExpression";
  value: string;
}

export interface IrHeaderMatch {
  name: string;
  match: IrStringMatch;
}

export interface IrMatch {
  path: IrPathMatch;
  headers: IrHeaderMatch[];
  queryParams: { name: string; match: IrStringMatch }[];
  method?: string;
}

export interface IrHeaderOps {
  set: { name: string; value: string }[];
  add: { name: string; value: string }[];
  remove: string[];
}

export interface IrRedirect {
  /** Always set (the listener's scheme when the filter has none). */
  scheme?: string;
  hostname?: string;
  /** Always set: the spec derives it from the scheme or the listener when unset. */
  port: number;
  path?: IrPathRewrite;
  statusCode: number;
}

export type IrPathRewrite =
  | { type: "ReplaceFullPath"; value: string }
  /** `prefix` is the matched prefix (already without trailing slashes). */
  | { type: "ReplacePrefixMatch"; prefix: string; value: string };

export interface IrMirror {
  cluster: string;
  /** Parts per million of requests to mirror. */
  perMillion: number;
}

export interface IrCors {
  allowOrigins: string[];
  allowCredentials: boolean;
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge?: number;
}

export interface IrBackend {
  cluster: string;
  weight: number;
  /** Backend-level header modifiers. */
  requestHeaders?: IrHeaderOps;
  responseHeaders?: IrHeaderOps;
}

/** What feature modules add to a forwarding action. */
export interface IrForwardFeatures {
  /** Always present, empty without mirrors (features/request-mirror.ts). */
  mirrors: IrMirror[];
  /** features/timeouts.ts: the rule's timeouts and retry. */
  timeoutSeconds?: number;
  perTryTimeoutSeconds?: number;
  retry?: { codes: number[]; attempts: number; backoffSeconds?: number };
}

export type IrForwardAction = IrForwardFeatures & {
  kind: "forward";
  backends: IrBackend[];
  /** Weight going to invalid backends: answered with HTTP 500. */
  invalidWeight: number;
  rewrite?: { hostname?: string; path?: IrPathRewrite };
};

export type IrRouteAction = IrForwardAction | { kind: "redirect"; redirect: IrRedirect } | { kind: "direct"; status: number };

/** What feature modules add to a route, each its own optional field. */
export interface IrRouteFeatures {
  /** features/cors.ts */
  cors?: IrCors;
  /** features/session-persistence/: stateful_session per route. */
  session?: IrSessionPersistence;
}

export interface IrRoute extends IrRouteFeatures {
  /** Envoy route name: `<kind>/<ns>/<name>/rule/<i>/match/<j>`. */
  name: string;
  match: IrMatch;
  action: IrRouteAction;
  requestHeaders?: IrHeaderOps;
  responseHeaders?: IrHeaderOps;
}

export interface IrSessionPersistence {
  type: "Cookie" | "Header";
  name: string;
  ttlSeconds?: number;
  path?: string;
}

export type IrUpstreamProtocol = "http1" | "http2" | "auto";

export interface IrCluster {
  name: string;
  /** Where the endpoints come from (for debugging / names). */
  service?: { namespace: string; name: string; port: number };
  protocol: IrUpstreamProtocol;
  /** Locality groups sorted by zone; addresses sorted. */
  localities: IrLocality[];
  /** BackendLBPolicy / session hashing (filled by its resolver). */
  lb?: { policy: "RoundRobin" | "RingHash" };
  /** TLS passthrough: the client's TLS goes through; BackendTLSPolicy never applies. */
  passthrough?: boolean;
  /** BackendTLSPolicy (features/backend-tls/). */
  tls?: { sni: string; caSecret?: string; useSystemCa?: boolean; subjectAltNames: { type: "Hostname" | "URI"; value: string }[] };
}

export interface IrLocality {
  zone: string;
  endpoints: IrEndpoint[];
  /** Locality weight; when any locality has one, the cluster balances by locality weight. */
  weight?: number;
  /** Envoy priority (0 when absent). */
  priority?: number;
}

export interface IrEndpoint {
  address: string;
  port: number;
  /** ready → healthy; serving but terminating → draining. */
  health: "Healthy" | "Draining";
}

/**
 * GAMMA mesh outputs (resolve/mesh.ts -> envoy/mesh.ts): one api_listener per
 * Service port and view, each pointing over RDS at a RouteConfiguration with
 * one catch-all virtual host. Views: the producer view every client gets, and
 * one per namespace that has consumer routes (docs/mesh.md).
 */
export interface IrMesh {
  /** Sorted by name. */
  listeners: { name: string; routeConfigName: string; sidecar?: { name: string; ip: string; port: number } }[];
  /** Sorted by name; routes in match precedence order. */
  routeConfigs: { name: string; routes: IrRoute[] }[];
  clusters: Map<string, IrCluster>;
}
