// What the upstream conformance tests (sigs.k8s.io/gateway-api/conformance v1.7.0,
// conformance/tests/*.go) assert about status, per manifest. Unlisted objects
// get the default: every Gateway and listener Accepted/Programmed/ResolvedRefs
// True, every HTTPRoute parent Accepted/ResolvedRefs True. Routes of other
// kinds are checked where listed here with their `kind`.
//
// `coveredBy` names the test file that asserts the status of manifests whose
// objects another resolver owns; `skip` marks what is not implemented. Both
// still run through translate() for the generic checks (no throw, valid xDS,
// deterministic).

/** [type, status, reason?]; no reason means any reason. */
export type Cond = [string, "True" | "False", string?];

export interface ListenerExpect {
  name: string;
  attachedRoutes?: number;
  supportedKinds?: string[];
  conditions: Cond[];
}

export interface GatewayExpect {
  name: string;
  namespace?: string;
  conditions?: Cond[];
  listeners?: ListenerExpect[];
}

export interface RouteExpect {
  kind?: string;
  name: string;
  namespace?: string;
  /** Gateway name of the parentRef (and its sectionName/port, when the route sets them). */
  parent: string;
  conditions: Cond[];
}

/** A policy's ancestor entry for one of our Gateways (BackendTLSPolicy). */
export interface PolicyExpect {
  kind: "BackendTLSPolicy";
  name: string;
  ancestor: string;
  conditions: Cond[];
}

export interface FileExpect {
  skip?: string;
  coveredBy?: string;
  gateways?: GatewayExpect[];
  routes?: RouteExpect[];
  policies?: PolicyExpect[];
  /** Objects of the manifest that keep no default expectation (not ours, or not checked upstream). */
  ignore?: string[];
}

const OK: Cond[] = [
  ["Accepted", "True"],
  ["ResolvedRefs", "True"],
];

export const EXPECTATIONS: Record<string, FileExpect> = {
  "gateway-invalid-listeners-unsupported-protocol.yaml": {
    gateways: [
      {
        name: "gateway-only-unsupported-protocols",
        conditions: [["Accepted", "False", "ListenersNotValid"]],
        listeners: [{ name: "invalid", attachedRoutes: 0, supportedKinds: [], conditions: [["Accepted", "False", "UnsupportedProtocol"]] }],
      },
      {
        name: "gateway-supported-and-unsupported-protocols",
        conditions: [["Accepted", "True", "ListenersNotValid"]],
        listeners: [
          { name: "http", attachedRoutes: 0, supportedKinds: ["HTTPRoute"], conditions: [["Accepted", "True", "Accepted"]] },
          { name: "invalid", attachedRoutes: 0, supportedKinds: [], conditions: [["Accepted", "False", "UnsupportedProtocol"]] },
        ],
      },
    ],
  },
  "gateway-invalid-parameters-ref.yaml": {
    gateways: [{ name: "gateway-invalid-parameters-ref", conditions: [["Accepted", "False", "InvalidParameters"]], listeners: [] }],
  },
  "gateway-invalid-route-kind.yaml": {
    gateways: [
      {
        name: "gateway-only-invalid-route-kind",
        listeners: [{ name: "http", attachedRoutes: 0, supportedKinds: [], conditions: [["ResolvedRefs", "False", "InvalidRouteKinds"]] }],
      },
      {
        name: "gateway-supported-and-invalid-route-kind",
        listeners: [{ name: "http", attachedRoutes: 0, supportedKinds: ["HTTPRoute"], conditions: [["ResolvedRefs", "False", "InvalidRouteKinds"]] }],
      },
    ],
  },
  // TLSRouteListenerPassthroughSupportedKinds: TCPRoute is not a kind a TLS listener takes.
  "tlsroute-listener-passthrough-supported-kinds.yaml": {
    gateways: [
      {
        name: "gateway-tlsroute-passthrough-supported-kind",
        listeners: [{ name: "tls-passthrough", attachedRoutes: 0, supportedKinds: ["TLSRoute"], conditions: [["ResolvedRefs", "False", "InvalidRouteKinds"]] }],
      },
    ],
  },
  "gateway-invalid-tls-configuration.yaml": {
    gateways: ["nonexistent-secret", "unsupported-group", "unsupported-kind", "malformed-secret"].map((n) => ({
      name: `gateway-certificate-${n}`,
      listeners: [{ name: "https", attachedRoutes: 0, supportedKinds: ["HTTPRoute"], conditions: [["ResolvedRefs", "False", "InvalidCertificateRef"]] }],
    })),
  },
  "gateway-secret-invalid-reference-grant.yaml": {
    gateways: [{ name: "gateway-secret-invalid-reference-grant", listeners: [{ name: "https", attachedRoutes: 0, supportedKinds: ["HTTPRoute"], conditions: [["ResolvedRefs", "False", "RefNotPermitted"]] }] }],
  },
  // GatewaySecretMissingReferenceGrant: a Secret in another namespace is not permitted, whether it exists or not.
  "gateway-secret-missing-reference-grant.yaml": {
    gateways: [
      {
        name: "gateway-secret-missing-reference-grant",
        listeners: ["https", "https-nonexistent-secret"].map((name) => ({ name, attachedRoutes: 0, supportedKinds: ["HTTPRoute"], conditions: [["ResolvedRefs", "False", "RefNotPermitted"]] as Cond[] })),
      },
    ],
  },
  "gateway-secret-reference-grant-all-in-namespace.yaml": {
    gateways: [{ name: "gateway-secret-reference-grant-all-in-namespace", listeners: [{ name: "https", attachedRoutes: 0, supportedKinds: ["HTTPRoute"], conditions: [["ResolvedRefs", "True", "ResolvedRefs"], ["Programmed", "True"]] }] }],
  },
  "gateway-secret-reference-grant-specific.yaml": {
    gateways: [{ name: "gateway-secret-reference-grant-specific", listeners: [{ name: "https", attachedRoutes: 0, supportedKinds: ["HTTPRoute"], conditions: [["ResolvedRefs", "True", "ResolvedRefs"], ["Programmed", "True"]] }] }],
  },
  "gateway-static-addresses.yaml": {
    // Only the first step can be checked here: usable/unusable addresses are substituted by the suite at run time.
    gateways: [{ name: "gateway-static-addresses", conditions: [["Accepted", "False", "UnsupportedAddress"]], listeners: [] }],
  },
  "gateway-with-attached-routes.yaml": {
    gateways: [
      { name: "gateway-with-one-attached-route", listeners: [{ name: "http", attachedRoutes: 1, supportedKinds: ["HTTPRoute"], conditions: OK }] },
      { name: "gateway-with-two-attached-routes", listeners: [{ name: "http", attachedRoutes: 2, supportedKinds: ["HTTPRoute"], conditions: OK }] },
      {
        name: "unresolved-gateway-with-one-attached-unresolved-route",
        listeners: [{ name: "tls", attachedRoutes: 1, supportedKinds: ["HTTPRoute"], conditions: [["ResolvedRefs", "False", "InvalidCertificateRef"], ["Programmed", "False"]] }],
      },
    ],
    routes: [
      { name: "http-route-not-accepted", parent: "gateway-with-two-attached-routes", conditions: [["Accepted", "False", "NoMatchingListenerHostname"]] },
      { name: "http-route-4", parent: "unresolved-gateway-with-one-attached-unresolved-route", conditions: [["Accepted", "True"], ["ResolvedRefs", "False", "BackendNotFound"]] },
    ],
  },
  "gateway-with-attached-routes-with-port-8080.yaml": {
    gateways: [
      {
        name: "gateway-with-two-listeners-and-one-attached-route",
        listeners: [
          { name: "http-unattached", attachedRoutes: 0, supportedKinds: ["HTTPRoute"], conditions: OK },
          { name: "http", attachedRoutes: 1, supportedKinds: ["HTTPRoute"], conditions: OK },
        ],
      },
    ],
  },
  "httproute-disallowed-kind.yaml": {
    gateways: [{ name: "tlsroutes-only", listeners: [{ name: "tls", attachedRoutes: 0, conditions: [] }] }],
    routes: [{ name: "disallowed-kind", parent: "tlsroutes-only", conditions: [["Accepted", "False", "NotAllowedByListeners"]] }],
  },
  // TLSRouteHostnameIntersection: every route shares a hostname with its listener, so each is
  // Accepted with ResolvedRefs True (GatewayAndTLSRoutesMustBeAccepted,
  // TLSRouteMustHaveResolvedRefsConditionsTrue); the SNI routing is in traffic.test.ts.
  "tlsroute-hostname-intersection.yaml": {
    routes: [
      ["tlsroute-more-specific-wc-hostname-x-1", "gw-tlsroute-exact-hostname-x-1"],
      ["tlsroute-exact-hostname-x-2", "gw-tlsroute-more-specific-wc-hostname-x-2"],
      ["tlsroute-less-specific-wc-hostname-x-2", "gw-tlsroute-more-specific-wc-hostname-x-2"],
      ["tlsroute-exact-hostname-x-3", "gw-tlsroute-less-specific-wc-hostname-x-3"],
      ["tlsroute-more-specific-wc-hostname-x-3", "gw-tlsroute-less-specific-wc-hostname-x-3"],
      ["tlsroute-exact-hostname-x-4", "gw-tlsroute-empty-hostname-x-4"],
      ["tlsroute-less-specific-wc-hostname-x-4", "gw-tlsroute-empty-hostname-x-4"],
    ].map(([name, parent]): RouteExpect => ({ kind: "TLSRoute", name: name!, parent: parent!, conditions: [["Accepted", "True", "Accepted"], ["ResolvedRefs", "True", "ResolvedRefs"]] })),
  },
  "httproute-hostname-intersection.yaml": {
    routes: [{ name: "no-intersecting-hosts", parent: "httproute-hostname-intersection", conditions: [["Accepted", "False", "NoMatchingListenerHostname"]] }],
  },
  "httproute-invalid-backendref-unknown-kind.yaml": {
    routes: [{ name: "invalid-backend-ref-unknown-kind", parent: "same-namespace", conditions: [["Accepted", "True"], ["ResolvedRefs", "False", "InvalidKind"]] }],
  },
  "httproute-invalid-cross-namespace-backend-ref.yaml": {
    routes: [{ name: "invalid-cross-namespace-backend-ref", parent: "same-namespace", conditions: [["Accepted", "True"], ["ResolvedRefs", "False", "RefNotPermitted"]] }],
  },
  "httproute-invalid-cross-namespace-parent-ref.yaml": {
    routes: [{ name: "invalid-cross-namespace-parent-ref", parent: "same-namespace", conditions: [["Accepted", "False", "NotAllowedByListeners"]] }],
  },
  "httproute-invalid-nonexistent-backendref.yaml": {
    routes: [{ name: "invalid-nonexistent-backend-ref", parent: "same-namespace", conditions: [["Accepted", "True"], ["ResolvedRefs", "False", "BackendNotFound"]] }],
  },
  "httproute-invalid-parentref-not-matching-listener-port.yaml": {
    routes: [{ name: "httproute-listener-not-matching-route-port", parent: "same-namespace", conditions: [["Accepted", "False", "NoMatchingParent"]] }],
  },
  "httproute-invalid-parentref-not-matching-section-name.yaml": {
    routes: [{ name: "httproute-listener-not-matching-section-name", parent: "same-namespace", conditions: [["Accepted", "False", "NoMatchingParent"]] }],
  },
  "httproute-invalid-parentref-section-name-not-matching-port.yaml": {
    routes: [
      { name: "httproute-listener-section-name-not-matching-port", parent: "gateway-with-one-not-matching-port-and-section-name-route", conditions: [["Accepted", "False", "NoMatchingParent"]] },
    ],
  },
  "httproute-invalid-reference-grant.yaml": {
    routes: [{ name: "reference-grant", parent: "same-namespace", conditions: [["Accepted", "True"], ["ResolvedRefs", "False", "RefNotPermitted"]] }],
  },
  "httproute-partially-invalid-via-invalid-reference-grant.yaml": {
    routes: [{ name: "invalid-reference-grant", parent: "same-namespace", conditions: [["Accepted", "True"], ["ResolvedRefs", "False", "RefNotPermitted"]] }],
  },
  "httproute-listener-port-matching.yaml": {
    gateways: [
      {
        name: "httproute-listener-port-matching",
        listeners: [1, 2, 3, 4, 5].map((i) => ({ name: `listener-${i}`, attachedRoutes: i === 5 ? 0 : 1, conditions: OK })),
      },
    ],
  },
  // HTTPRouteRuleOrder: the route whose first rule has no backend is still accepted.
  "httproute-rule-order.yaml": {
    routes: [{ name: "rule-order-invalid-backend", parent: "same-namespace", conditions: [["Accepted", "True"], ["ResolvedRefs", "False", "BackendNotFound"]] }],
  },
  // BackendTLSPolicyGRPCRoute: both GRPCRoutes accepted; every policy Accepted and ResolvedRefs
  // (a hostname or CA mismatch shows only in traffic).
  "backendtlspolicy-grpcroute.yaml": {
    routes: ["backendtlspolicy-grpcroute", "backendtlspolicy-grpcroute-cert-mismatch"].map((name): RouteExpect => ({ kind: "GRPCRoute", name, parent: "same-namespace", conditions: OK })),
    policies: ["grpc-normative-test", "grpc-host-mismatch", "grpc-cert-mismatch"].map((name): PolicyExpect => ({ kind: "BackendTLSPolicy", name, ancestor: "same-namespace", conditions: [["Accepted", "True", "Accepted"], ["ResolvedRefs", "True", "ResolvedRefs"]] })),
  },
  "backendtlspolicy-tlsroute-terminate.yaml": {
    routes: [{ kind: "TLSRoute", name: "backendtlspolicy-tlsroute-terminate", parent: "gateway-btls-tlsroute-terminate", conditions: OK }],
    policies: [{ kind: "BackendTLSPolicy", name: "btls-tlsroute-terminate-test", ancestor: "gateway-btls-tlsroute-terminate", conditions: [["Accepted", "True", "Accepted"], ["ResolvedRefs", "True", "ResolvedRefs"]] }],
  },
  "backendtlspolicy-preserve-foreign-status.yaml": {
    policies: [{ kind: "BackendTLSPolicy", name: "backendtlspolicy-preserve-foreign-status", ancestor: "same-namespace", conditions: [["Accepted", "True"]] }],
  },
  // TLSRouteMultipleRoutesAttachmentSameHostnameIntersection: the older routes are accepted (the
  // newer ones are created by the Go test at run time).
  "tlsroute-multiple-routes-attachment-same-hostname-intersection.yaml": {
    routes: [
      ["tlsroute-wc-hostname-x-older", "gw-tlsroute-exact-hostname-x"],
      ["tlsroute-less-specific-wc-hostname-x-older", "gw-tlsroute-wc-hostname-x"],
    ].map(([name, parent]): RouteExpect => ({ kind: "TLSRoute", name: name!, parent: parent!, conditions: OK })),
  },
  // GatewayClass-level: the class in the manifest is ours only when it names our controller.
  "gatewayclass-observed-generation-bump.yaml": { ignore: ["GRPCRoute"] },
};

const NOT_IMPLEMENTED: [RegExp, string][] = [[/^listenerset-/, "ListenerSet (XListenerSet) is not implemented"]];

const OTHER_PARTS: [RegExp, string][] = [
  [/^grpcroute-|^tcproute-|^udproute-/, "test/translator/l4-grpc-conformance.test.ts"],
  [/^tlsroute-(invalid|mixed|simple|terminate-simple)|^backendtlspolicy(-conflict|-invalid|-san|\.yaml)|clientcertificate-validation|frontend-client-certificate|tls-backend/, "test/translator/tls-conformance.test.ts"],
];

export function expectationFor(file: string): FileExpect {
  const own = EXPECTATIONS[file];
  if (own) return own;
  for (const [re, why] of NOT_IMPLEMENTED) if (re.test(file)) return { skip: why };
  for (const [re, where] of OTHER_PARTS) if (re.test(file)) return { coveredBy: where };
  return {};
}
