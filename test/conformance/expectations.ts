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
  /** status.attachedListenerSets (absent counts as 0, as upstream's ptr.Deref). */
  attachedListenerSets?: number;
}

export interface ListenerSetExpect {
  name: string;
  namespace?: string;
  conditions: Cond[];
  /** The listed listeners only (ListenerSetListenersMustHaveConditions / ListenerSetStatusMustHaveListeners). */
  listeners?: ListenerExpect[];
}

export interface RouteExpect {
  kind?: string;
  name: string;
  namespace?: string;
  /** Gateway name of the parentRef (and its sectionName/port, when the route sets them). */
  parent: string;
  /** The parentRef's kind when it is not a Gateway. */
  parentKind?: "ListenerSet";
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
  listenerSets?: ListenerSetExpect[];
  policies?: PolicyExpect[];
  /** Objects of the manifest that keep no default expectation (not ours, or not checked upstream). */
  ignore?: string[];
}

const OK: Cond[] = [
  ["Accepted", "True"],
  ["ResolvedRefs", "True"],
];

// ---- ListenerSet (tests/listenerset-*.go) ----

const LISTENER_OK: Cond[] = [
  ["ResolvedRefs", "True"],
  ["Accepted", "True"],
  ["Programmed", "True"],
];
const conflicted = (reason: string): Cond[] => [
  ["Accepted", "False", reason],
  ["Programmed", "False", reason],
  ["Conflicted", "True", reason],
];
const LS_ACCEPTED: Cond[] = [
  ["Accepted", "True", "Accepted"],
  ["Programmed", "True", "Programmed"],
];
const lsRefused = (reason: string): Cond[] => [
  ["Accepted", "False", reason],
  ["Programmed", "False", reason],
];
const httpListener = (name: string, attachedRoutes?: number): ListenerExpect => ({ name, attachedRoutes, supportedKinds: ["HTTPRoute", "GRPCRoute"], conditions: LISTENER_OK });
const gwAccepted = (name: string, attachedListenerSets: number, listeners?: ListenerExpect[]): GatewayExpect => ({ name, conditions: [["Accepted", "True"]], attachedListenerSets, listeners });
const onSet = (name: string, parent: string, conditions: Cond[] = OK, namespace?: string): RouteExpect => ({ name, parent, parentKind: "ListenerSet", conditions, namespace });

const conflictCase = (kind: "hostname" | "protocol", reason: string): FileExpect => ({
  gateways: [gwAccepted(`gateway-with-listenerset-${kind}-conflict`, 2, [httpListener("gateway-listener"), httpListener(`${kind}-conflict-with-gateway-listener`)])],
  listenerSets: [
    {
      name: `listenerset-with-${kind}-conflict-with-gateway-1`,
      conditions: [["Accepted", "True"], ["Programmed", "True", "Programmed"]],
      listeners: [
        { name: "listener-set-1-listener", conditions: LISTENER_OK },
        { name: `${kind}-conflict-with-gateway-listener`, conditions: conflicted(reason) },
        { name: `${kind}-conflict-with-listener-set-listener`, conditions: LISTENER_OK },
      ],
    },
    { name: `listenerset-with-${kind}-conflict-with-gateway-2`, conditions: lsRefused("ListenersNotValid"), listeners: [{ name: `${kind}-conflict-with-gateway-listener`, conditions: conflicted(reason) }] },
    {
      name: `listenerset-with-${kind}-conflict-with-listener-set-1`,
      conditions: [["Accepted", "True"], ["Programmed", "True", "Programmed"]],
      listeners: [
        { name: "listener-set-2-listener", conditions: LISTENER_OK },
        { name: `${kind}-conflict-with-listener-set-listener`, conditions: conflicted(reason) },
      ],
    },
    { name: `listenerset-with-${kind}-conflict-with-listener-set-2`, conditions: lsRefused("ListenersNotValid"), listeners: [{ name: `${kind}-conflict-with-listener-set-listener`, conditions: conflicted(reason) }] },
  ],
});

const LISTENERSET_EXPECTATIONS: Record<string, FileExpect> = {
  "listenerset-allowed-namespace-none.yaml": {
    gateways: [gwAccepted("gateway-does-not-allow-listenerset", 0)],
    listenerSets: [{ name: "listenerset-not-allowed", conditions: lsRefused("NotAllowed") }],
  },
  "listenerset-default-not-allowed.yaml": {
    gateways: [gwAccepted("gateway-default-does-not-allow-listenerset", 0)],
    listenerSets: [{ name: "listenerset-default-not-allowed", conditions: lsRefused("NotAllowed") }],
  },
  "listenerset-allowed-namespace-same.yaml": {
    gateways: [gwAccepted("gateway-allows-listenerset-in-same-namespace", 1)],
    listenerSets: [
      { name: "listenerset-in-same-namespace", conditions: LS_ACCEPTED, listeners: [{ name: "listenerset-in-same-namespace-listener", conditions: LISTENER_OK }] },
      { name: "listenerset-in-different-namespace", namespace: "gateway-api-listenerset-not-allowed-ns", conditions: lsRefused("NotAllowed") },
    ],
  },
  "listenerset-allowed-namespace-selector.yaml": {
    gateways: [gwAccepted("gateway-allows-listenerset-in-selected-namespace", 1)],
    listenerSets: [
      { name: "listenerset-in-selected-namespace", namespace: "gateway-api-listenerset-selector-allowed-ns", conditions: LS_ACCEPTED, listeners: [{ name: "listenerset-in-selected-namespace-listener", conditions: LISTENER_OK }] },
      { name: "listenerset-not-in-selected-namespace", namespace: "gateway-api-listenerset-selector-not-allowed-ns", conditions: lsRefused("NotAllowed") },
    ],
  },
  "listenerset-allowed-routes-namespaces.yaml": {
    gateways: [gwAccepted("gateway-with-listener-sets-test-allowed-routes", 2)],
    listenerSets: [
      {
        name: "listenerset-test-allowed-routes-namespaces",
        conditions: [["Accepted", "True"], ["Programmed", "True"]],
        listeners: [
          httpListener("listener-set-listener-allowed-routes-all", 3),
          httpListener("listener-set-listener-allowed-routes-same", 1),
          httpListener("listener-set-listener-allowed-routes-selector", 1),
        ],
      },
      { name: "listenerset-test-allowed-routes-cross-ns", namespace: "gateway-api-ls-cross-ns", conditions: [["Accepted", "True"], ["Programmed", "True"]], listeners: [httpListener("listener-set-listener-allowed-routes-cross-ns-same", 1)] },
    ],
    routes: [
      onSet("route-in-same-namespace", "listenerset-test-allowed-routes-namespaces"),
      onSet("route-in-selected-namespace", "listenerset-test-allowed-routes-namespaces", OK, "gateway-api-routes-allowed-ns"),
      onSet("route-not-in-selected-namespace", "listenerset-test-allowed-routes-namespaces", OK, "gateway-api-routes-not-allowed-ns"),
      onSet("route-in-listenerset-namespace", "listenerset-test-allowed-routes-cross-ns", OK, "gateway-api-ls-cross-ns"),
      // allowedRoutes `Same` of a ListenerSet listener is the ListenerSet's namespace, not the Gateway's.
      onSet("route-in-gateway-namespace", "listenerset-test-allowed-routes-cross-ns", [["Accepted", "False", "NotAllowedByListeners"]]),
    ],
  },
  "listenerset-allowed-routes-supported-kinds.yaml": {
    gateways: [{ name: "gateway-with-listener-sets-test-supported-route-kinds", conditions: [["Accepted", "True"]] }],
    listenerSets: [{ name: "listenerset-test-allowed-routes-supported-kinds", conditions: [], listeners: [{ name: "listener-set-listener-allowed-routes-tls-only", conditions: [["ResolvedRefs", "False", "InvalidRouteKinds"]] }] }],
  },
  "listenerset-dual-parentref-independence.yaml": {
    gateways: [gwAccepted("gateway-dual-parentref", 1)],
    listenerSets: [{ name: "ls-dual-parentref", conditions: LS_ACCEPTED, listeners: [httpListener("ls-dual-parentref-listener", 2)] }],
    routes: [
      { name: "route-dual-parentref-both", parent: "gateway-dual-parentref", conditions: [["Accepted", "True"]] },
      onSet("route-dual-parentref-both", "ls-dual-parentref", [["Accepted", "True"]]),
      // sectionName names the ListenerSet's listener: no such listener on the Gateway itself.
      { name: "route-dual-parentref-one", parent: "gateway-dual-parentref", conditions: [["Accepted", "False", "NoMatchingParent"]] },
      onSet("route-dual-parentref-one", "ls-dual-parentref"),
    ],
  },
  "listenerset-gateway-parent-section-name-not-found.yaml": {
    gateways: [gwAccepted("gateway-section-name", 1)],
    routes: [
      onSet("route-via-listenerset", "listenerset-section-name"),
      { name: "route-via-gateway", parent: "gateway-section-name", conditions: [["Accepted", "False", "NoMatchingParent"]] },
    ],
  },
  "listenerset-hostname-conflict.yaml": conflictCase("hostname", "HostnameConflict"),
  "listenerset-protocol-conflict.yaml": conflictCase("protocol", "ProtocolConflict"),
  "listenerset-http-routing.yaml": {
    gateways: [gwAccepted("gateway-with-listener-sets-http-routing", 2)],
    listenerSets: [
      { name: "listener-set-http-routing-1", conditions: [["Accepted", "True"]], listeners: [httpListener("listener-set-http-routing-1-listener-1", 3), httpListener("listener-set-http-routing-1-listener-2", 2)] },
      { name: "listener-set-http-routing-2", conditions: [["Accepted", "True"]], listeners: [httpListener("listener-set-http-routing-2-listener-1", 2), httpListener("listener-set-http-routing-2-listener-2", 2)] },
    ],
  },
  "listenerset-reference-grant.yaml": {
    gateways: [{ name: "gateway-with-listener-sets-test-reference-grant", conditions: [["Accepted", "True"]] }],
    listenerSets: [
      { name: "listenerset-with-reference-grant", conditions: [["Accepted", "True"], ["Programmed", "True"]], listeners: [{ name: "listenerset-with-reference-grant-listener", conditions: [["ResolvedRefs", "True"]] }] },
      {
        name: "listenerset-without-reference-grant",
        namespace: "gateway-api-listener-sets-test-reference-grant-ns",
        conditions: lsRefused("ListenersNotValid"),
        listeners: [{ name: "listenerset-without-reference-grant-listener", conditions: [["ResolvedRefs", "False", "RefNotPermitted"]] }],
      },
    ],
  },
  "listenerset-route-status-scoped-to-parentref.yaml": {
    gateways: [gwAccepted("gateway-parentref", 1)],
    listenerSets: [{ name: "listenerset-parentref", conditions: [["Accepted", "True"]], listeners: [httpListener("listenerset-parentref-listener", 1)] }],
  },
};

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
  ...LISTENERSET_EXPECTATIONS,
  // GatewayClass-level: the class in the manifest is ours only when it names our controller.
  "gatewayclass-observed-generation-bump.yaml": { ignore: ["GRPCRoute"] },
};

const NOT_IMPLEMENTED: [RegExp, string][] = [];

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
