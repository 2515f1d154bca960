// The Gateway API features switchyard claims in GatewayClass
// status.supportedFeatures: those of the core here, and those of each feature
// module in its ResolveHooks.supportedFeatures (resolve/hooks.ts).
// The official suite v1.7.0 infers what it tests from the claimed list (docs/conformance-suite.md); the
// v1.7.0 names (HTTPRoute30xRedirectStatusCode, HTTPRouteRetryCodes, ...) pass there.
export const SUPPORTED_FEATURES: readonly string[] = [
  // v1.7: caCertificateRefs to certificates.k8s.io ClusterTrustBundles (resolve/ca-refs.ts).
  "ClusterTrustBundle",
  "GRPCRoute",
  "GRPCRouteNamedRouteRule",
  "GRPCRouteRequestHeaderModifier",
  "Gateway",
  "GatewayHTTPListenerIsolation",
  // One route table per HTTPS listener on a shared port, 421 for another listener's host (https-route-tables.ts).
  "GatewayHTTPSListenerDetectMisdirectedRequests",
  "GatewayPort8080",
  "HTTPRoute",
  "HTTPRoute303RedirectStatusCode",
  "HTTPRoute307RedirectStatusCode",
  "HTTPRoute308RedirectStatusCode",
  "HTTPRouteBackendProtocolH2C",
  "HTTPRouteBackendProtocolWebSocket",
  "HTTPRouteBackendRequestHeaderModification",
  "HTTPRouteBackendURLRewrite",
  "HTTPRouteHostRewrite",
  "HTTPRouteMethodMatching",
  "HTTPRouteNamedRouteRule",
  "HTTPRouteParentRefPort",
  "HTTPRoutePathRedirect",
  "HTTPRoutePathRewrite",
  "HTTPRoutePortRedirect",
  "HTTPRouteQueryParamMatching",
  "HTTPRouteResponseHeaderModification",
  "HTTPRouteSchemeRedirect",
  "ListenerSet",
  "ReferenceGrant",
  "TCPRoute",
  "TLSRoute",
  "TLSRouteModeMixed",
  "TLSRouteModeTerminate",
  "UDPRoute",
];
