// What the upstream conformance tests (sigs.k8s.io/gateway-api/conformance v1.7.0, tests/*.go) send
// and expect, per manifest, as data: the request, and the response and what the backend must see.
// Defaults follow the upstream helpers: status 200; a 200 must come from namespace
// gateway-conformance-infra unless `namespace` says otherwise; the backend must see the request's
// own path and method unless `request` says otherwise; a redirect keeps the request's scheme and
// path, and leaves out the port of its scheme, unless `redirect` says otherwise.
import { corsCases } from "./conformance-cases-cors.ts";

export interface Req {
  path: string;
  host?: string;
  method?: string;
  headers?: Record<string, string>;
  /** Gateway in gateway-conformance-infra; default the test's. */
  gateway?: string;
  /** Listener port; default 80, or 443 with `sni`. */
  port?: number;
  /** HTTPS with this SNI, trusting the suite's certificate. */
  sni?: string;
  /** HTTP/2: with prior knowledge on plain HTTP, or by ALPN with `sni`. */
  h2?: boolean;
  /** Headers the echo adds to its answer (upstream X-Echo-Set-Header). */
  backendSetsHeaders?: Record<string, string>;
}

export interface Want {
  status?: number;
  /** Any of these statuses (CORS preflights: 200 or 204). */
  statuses?: number[];
  /** The gateway answers itself: no backend sees the request (a CORS preflight). */
  byGateway?: boolean;
  /** Response header -> the values any of which is right, whitespace ignored. */
  oneOf?: Record<string, string[]>;
  /** The Deployment (pod name prefix) that answers. */
  backend?: string;
  namespace?: string;
  /** What the backend receives, when it differs from the request. */
  request?: { path?: string; host?: string; headers?: Record<string, string>; absent?: string[] };
  redirect?: { scheme?: string; host?: string; port?: string; path?: string };
  headers?: Record<string, string>;
  absentHeaders?: string[];
  /** Deployments in gateway-conformance-infra that get a copy of the request. */
  mirroredTo?: string[];
}

export interface Case {
  req: Req;
  want: Want;
}

export interface Distribution {
  requests: number;
  req: Req;
  /** Deployment -> share of requests. */
  weights?: Record<string, number>;
  /** Each answer's `backend` request header names the Deployment that answered. */
  backendHeaderNamesAnswer?: boolean;
  /** Deployment -> share of requests mirrored to it. */
  mirrorShare?: Record<string, number>;
}

export interface ConformanceTest {
  name: string;
  manifest: string;
  gateway: string;
  cases: Case[];
  /** Then delete these objects (`Kind/namespace/name`) from the manifest and expect `cases`. */
  then?: { remove: string[]; cases: Case[] };
  distributions?: Distribution[];
  /** A WebSocket exchange: a text frame sent on `path` comes back from `backend` (the echo prefixes its endpoint). */
  websocket?: { path: string; text: string; backend: string };
  /** A known failure through a real Envoy, with its reason: run as `it.fails`. */
  fails?: string;
}

const INFRA = "gateway-conformance-infra";
const V1 = "infra-backend-v1";
const V2 = "infra-backend-v2";
const V3 = "infra-backend-v3";

const get = (path: string, backend: string, more: Omit<Want, "backend"> = {}, req: Omit<Req, "path"> = {}): Case => ({ req: { path, ...req }, want: { backend, ...more } });
const code = (path: string, status: number, req: Omit<Req, "path"> = {}): Case => ({ req: { path, ...req }, want: { status } });
const at = (host: string, path: string, backend: string | number): Case => (typeof backend === "number" ? code(path, backend, { host }) : get(path, backend, {}, { host }));
const hdr = (headers: Record<string, string>, backend: string | number): Case => (typeof backend === "number" ? code("/", backend, { headers }) : get("/", backend, {}, { headers }));
const redirect = (path: string, status: number, r: Want["redirect"] = {}, req: Omit<Req, "path"> = {}): Case => ({ req: { path, ...req }, want: { status, redirect: r } });

/** Headers that rewrite and mirror tests modify alongside their main filter. */
const MODIFY_IN = { "X-Header-Remove": "remove-val", "X-Header-Add-Append": "append-val-1" };
const MODIFIED = { headers: { "X-Header-Add": "header-val-1", "X-Header-Add-Append": "append-val-1,header-val-2", "X-Header-Set": "set-overwrites-values" }, absent: ["X-Header-Remove"] };

const ISOLATION_PATHS = ["/empty-hostname", "/wildcard-example-com", "/wildcard-foo-example-com", "/abc-foo-example-com"];
const ISOLATION_HOSTS: [string, string][] = [
  ["bar.com", "/empty-hostname"],
  ["bar.example.com", "/wildcard-example-com"],
  ["bar.foo.example.com", "/wildcard-foo-example-com"],
  ["abc.foo.example.com", "/abc-foo-example-com"],
];
const isolation = ISOLATION_HOSTS.flatMap(([host, ok]) => ISOLATION_PATHS.map((p) => at(host, p, p === ok ? V1 : 404)));

const retry = (route: string, responseCode: number, succeedAfter: number, status: number, more = ""): Case => ({
  req: { path: `/retry/${route}?responseCode=${responseCode}&succeedAfter=${succeedAfter}${more}&uuid={uuid}` },
  want: { status, ...(status === 200 ? { backend: V3 } : {}) },
});

export const TESTS: ConformanceTest[] = [
  { name: "HTTPRouteSimpleSameNamespace", manifest: "httproute-simple-same-namespace.yaml", gateway: "same-namespace", cases: [get("/", V1)] },
  { name: "HTTPRouteCrossNamespace", manifest: "httproute-cross-namespace.yaml", gateway: "backend-namespaces", cases: [get("/", "web-backend", { namespace: "gateway-conformance-web-backend" })] },
  {
    name: "HTTPRouteExactPathMatching",
    manifest: "httproute-exact-path-matching.yaml",
    gateway: "same-namespace",
    cases: [get("/one", V1), get("/two", V2), code("/", 404), code("/one/example", 404), code("/two/", 404), code("/Two", 404)],
  },
  {
    name: "HTTPRouteMatching",
    manifest: "httproute-matching.yaml",
    gateway: "same-namespace",
    cases: [
      get("/", V1),
      get("/example", V1),
      get("/", V1, {}, { headers: { Version: "one" } }),
      get("/v2", V2),
      get("/v2/example", V2),
      get("/", V2, {}, { headers: { Version: "two" } }),
      get("/v2/", V2),
      get("/v2example", V1),
      get("/foo/v2/example", V1),
    ],
  },
  {
    name: "HTTPRouteHeaderMatching",
    manifest: "httproute-header-matching.yaml",
    gateway: "same-namespace",
    cases: [
      hdr({ Version: "one" }, V1),
      hdr({ Version: "two" }, V2),
      hdr({ Version: "two", Color: "orange" }, V1),
      hdr({ Version: "two", Color: "blue" }, V2),
      hdr({ Color: "orange" }, 404),
      hdr({ "Some-Other-Header": "one" }, 404),
      hdr({ Color: "blue" }, V1),
      hdr({ Color: "green" }, V1),
      hdr({ Color: "red" }, V2),
      hdr({ Color: "yellow" }, V2),
      hdr({ Color: "purple" }, 404),
    ],
  },
  {
    name: "HTTPRouteMethodMatching",
    manifest: "httproute-method-matching.yaml",
    gateway: "same-namespace",
    cases: [
      get("/", V1, {}, { method: "POST" }),
      get("/", V2, {}, { method: "GET" }),
      code("/", 404, { method: "HEAD" }),
      get("/path1", V1, {}, { method: "GET" }),
      get("/", V2, {}, { method: "PUT", headers: { version: "one" } }),
      get("/path2", V3, {}, { method: "POST", headers: { version: "two" } }),
      get("/path3", V1, {}, { method: "PATCH" }),
      get("/path4", V1, {}, { method: "DELETE", headers: { version: "three" } }),
      code("/", 404, { method: "PUT" }),
      code("/path4", 404, { method: "DELETE" }),
      get("/path5", V1, {}, { method: "PATCH" }),
      get("/", V2, {}, { method: "PATCH", headers: { version: "four" } }),
    ],
  },
  {
    name: "HTTPRouteQueryParamMatching",
    manifest: "httproute-query-param-matching.yaml",
    gateway: "same-namespace",
    cases: [
      get("/?animal=whale", V1),
      get("/?animal=dolphin", V2),
      get("/?animal=dolphin&color=blue", V3),
      get("/?ANIMAL=Whale", V3),
      get("/?animal=whale&otherparam=irrelevant", V1),
      get("/?animal=dolphin&color=yellow", V2),
      code("/?color=blue", 404),
      code("/?animal=dog", 404),
      code("/?animal=whaledolphin", 404),
      code("/", 404),
      get("/path1?animal=whale", V1),
      get("/?animal=whale", V2, {}, { headers: { version: "one" } }),
      get("/path2?animal=whale", V3, {}, { headers: { version: "two" } }),
      get("/path3?animal=shark", V1),
      get("/path4?animal=kraken", V1, {}, { headers: { version: "three" } }),
      code("/?animal=shark", 404),
      code("/path4?animal=kraken", 404),
      get("/path5?animal=hydra", V1),
      get("/?animal=hydra", V3, {}, { headers: { version: "four" } }),
    ],
  },
  {
    name: "HTTPRouteMatchingAcrossRoutes",
    manifest: "httproute-matching-across-routes.yaml",
    gateway: "same-namespace",
    cases: [
      at("example.com", "/", V1),
      at("example.com", "/example", V1),
      at("example.net", "/example", V1),
      get("/example", V1, {}, { host: "example.com", headers: { Version: "one" } }),
      at("example.com", "/v2", V2),
      at("example.net", "/v2", V1),
      at("example.com", "/v2/example", V2),
      get("/", V2, {}, { host: "example.com", headers: { Version: "two" } }),
    ],
  },
  {
    name: "HTTPRoutePathMatchOrder",
    manifest: "httproute-path-match-order.yaml",
    gateway: "same-namespace",
    cases: [get("/match/exact/one", V3), get("/match/exact", V2), get("/match", V1), get("/match/prefix/one/any", V2), get("/match/prefix/any", V1), get("/match/any", V3)],
  },
  {
    name: "HTTPRouteHostnameIntersection",
    manifest: "httproute-hostname-intersection.yaml",
    gateway: "httproute-hostname-intersection",
    cases: [
      at("very.specific.com", "/s1", V1),
      at("very.specific.com:1234", "/s1", V1),
      at("non.matching.com", "/s1", 404),
      at("foo.nonmatchingwildcard.io", "/s1", 404),
      at("foo.wildcard.io", "/s1", 404),
      at("very.specific.com", "/non-matching-prefix", 404),
      at("foo.wildcard.io", "/s2", V2),
      at("bar.wildcard.io", "/s2", V2),
      at("foo.bar.wildcard.io", "/s2", V2),
      at("non.matching.com", "/s2", 404),
      at("wildcard.io", "/s2", 404),
      at("very.specific.com", "/s2", 404),
      at("foo.wildcard.io", "/non-matching-prefix", 404),
      at("very.specific.com", "/s3", V3),
      at("non.matching.com", "/s3", 404),
      at("foo.specific.com", "/s3", 404),
      at("foo.wildcard.io", "/s3", 404),
      at("foo.anotherwildcard.io", "/s4", V1),
      at("bar.anotherwildcard.io", "/s4", V1),
      at("foo.bar.anotherwildcard.io", "/s4", V1),
      at("anotherwildcard.io", "/s4", 404),
      at("foo.wildcard.io", "/s4", 404),
      at("very.specific.com", "/s4", 404),
      at("foo.anotherwildcard.io", "/non-matching-prefix", 404),
      at("specific.but.wrong.com", "/s5", 404),
      at("wildcard.io", "/s5", 404),
      ...(
        [
          ["first.com", V2],
          ["sub.first.com", V2],
          ["second.com", V2],
          ["sub.second.com", V2],
          ["third.com", 404],
          ["sub.third.com", 404],
        ] as const
      ).map(([host, b]) => ({ ...at(host, "/", b), req: { path: "/", host, gateway: "httproute-hostname-intersection-all" } })),
    ],
  },
  {
    name: "HTTPRouteListenerHostnameMatching",
    manifest: "httproute-listener-hostname-matching.yaml",
    gateway: "httproute-listener-hostname-matching",
    cases: [
      at("bar.com", "/", V1),
      at("foo.bar.com", "/", V2),
      at("baz.bar.com", "/", V3),
      at("boo.bar.com", "/", V3),
      at("multiple.prefixes.bar.com", "/", V3),
      at("multiple.prefixes.foo.com", "/", V3),
      at("foo.com", "/", 404),
      at("no.matching.host", "/", 404),
    ],
  },
  {
    name: "HTTPRouteListenerPortMatching",
    manifest: "httproute-listener-port-matching.yaml",
    gateway: "httproute-listener-port-matching",
    cases: [
      at("foo.com", "/", V1),
      { ...at("foo.com:8080", "/", V2), req: { path: "/", host: "foo.com:8080", port: 8080 } },
      { ...at("bar.com:8080", "/", V2), req: { path: "/", host: "bar.com:8080", port: 8080 } },
      { ...at("foo.com:8090", "/", V3), req: { path: "/", host: "foo.com:8090", port: 8090 } },
      { ...at("bar.com:8090", "/", 404), req: { path: "/", host: "bar.com:8090", port: 8090 } },
    ],
  },
  { name: "GatewayHTTPListenerIsolation", manifest: "gateway-http-listener-isolation.yaml", gateway: "http-listener-isolation", cases: isolation },
  {
    name: "GatewayHTTPListenerIsolation (hostname intersection)",
    manifest: "gateway-http-listener-isolation-with-hostname-intersection.yaml",
    gateway: "http-listener-isolation-with-hostname-intersection",
    cases: isolation,
  },
  {
    name: "HTTPRouteMultipleGateways",
    manifest: "httproute-multiple-gateways.yaml",
    gateway: "same-namespace",
    cases: [get("/shared", V1), get("/", V2), get("/shared", V1, {}, { gateway: "all-namespaces" }), get("/", V3, {}, { gateway: "all-namespaces" })],
  },
  { name: "HTTPRouteInvalidNonExistentBackendRef", manifest: "httproute-invalid-nonexistent-backendref.yaml", gateway: "same-namespace", cases: [code("/", 500)] },
  { name: "HTTPRouteInvalidBackendRefUnknownKind", manifest: "httproute-invalid-backendref-unknown-kind.yaml", gateway: "same-namespace", cases: [code("/v2", 500)] },
  { name: "HTTPRouteInvalidCrossNamespaceBackendRef", manifest: "httproute-invalid-cross-namespace-backend-ref.yaml", gateway: "same-namespace", cases: [code("/", 500)] },
  { name: "HTTPRouteInvalidReferenceGrant", manifest: "httproute-invalid-reference-grant.yaml", gateway: "same-namespace", cases: [code("/", 500)] },
  {
    name: "HTTPRoutePartiallyInvalidViaInvalidReferenceGrant",
    manifest: "httproute-partially-invalid-via-invalid-reference-grant.yaml",
    gateway: "same-namespace",
    cases: [code("/v2", 500), get("/", "app-backend-v1", { namespace: "gateway-conformance-app-backend" })],
  },
  {
    name: "HTTPRouteReferenceGrant",
    manifest: "httproute-reference-grant.yaml",
    gateway: "same-namespace",
    cases: [get("/", "web-backend", { namespace: "gateway-conformance-web-backend" })],
    then: { remove: ["ReferenceGrant/gateway-conformance-web-backend/reference-grant"], cases: [code("/", 500)] },
  },
  { name: "HTTPRouteNoBackendRefs", manifest: "httproute-omitted-backendrefs.yaml", gateway: "same-namespace", cases: [get("/forward", V1), code("/omitted-no-forward", 500), code("/empty-no-forward", 500)] },
  { name: "HTTPRouteNamedRule", manifest: "httproute-named-rule.yaml", gateway: "same-namespace", cases: [get("/named", ""), get("/unnamed", "")] },
  {
    name: "HTTPRouteServiceTypes",
    manifest: "httproute-service-types.yaml",
    gateway: "same-namespace",
    cases: [get("/manual-endpointslices", V1), get("/headless-manual-endpointslices", V1), get("/headless", V1)],
  },
  { name: "HTTPRouteBackendProtocolH2C", manifest: "httproute-backend-protocol-h2c.yaml", gateway: "same-namespace", cases: [get("/", V1, {}, { h2: true })] },
  {
    name: "HTTPRouteBackendProtocolWebSocket",
    manifest: "httproute-backend-protocol-websocket.yaml",
    gateway: "same-namespace",
    cases: [],
    websocket: { path: "/ws", text: "Websocket Support!", backend: V1 },
  },
  { name: "HTTPRoute303Redirect", manifest: "httproute-303-redirect.yaml", gateway: "same-namespace", cases: [redirect("/see-other", 303, {}, { method: "POST" })] },
  { name: "HTTPRoute307Redirect", manifest: "httproute-307-redirect.yaml", gateway: "same-namespace", cases: [redirect("/temporary", 307)] },
  { name: "HTTPRoute308Redirect", manifest: "httproute-308-redirect.yaml", gateway: "same-namespace", cases: [redirect("/permanent", 308)] },
  {
    name: "HTTPRouteRedirectHostAndStatus",
    manifest: "httproute-redirect-host-and-status.yaml",
    gateway: "same-namespace",
    cases: [redirect("/hostname-redirect", 302, { host: "example.org" }), redirect("/host-and-status", 301, { host: "example.org" })],
  },
  {
    name: "HTTPRouteRedirectPath",
    manifest: "httproute-redirect-path.yaml",
    gateway: "same-namespace",
    cases: [
      redirect("/original-prefix/lemon", 302, { path: "/replacement-prefix/lemon" }),
      redirect("/full/path/original", 302, { path: "/full-path-replacement" }),
      redirect("/path-and-host", 302, { host: "example.org", path: "/replacement-prefix" }),
      redirect("/path-and-status", 301, { path: "/replacement-prefix" }),
      redirect("/full-path-and-host", 302, { host: "example.org", path: "/replacement-full" }),
      redirect("/full-path-and-status", 301, { path: "/replacement-full" }),
    ],
  },
  {
    name: "HTTPRouteRedirectPort",
    manifest: "httproute-redirect-port.yaml",
    gateway: "same-namespace",
    cases: [
      redirect("/port", 302, { port: "8083" }),
      redirect("/port-and-host", 302, { host: "example.org", port: "8083" }),
      redirect("/port-and-status", 301, { port: "8083" }),
      redirect("/port-and-host-and-status", 302, { host: "example.org", port: "8083" }),
    ],
  },
  {
    name: "HTTPRouteRedirectScheme",
    manifest: "httproute-redirect-scheme.yaml",
    gateway: "same-namespace",
    cases: [
      redirect("/scheme", 302, { scheme: "https" }),
      redirect("/scheme-and-host", 302, { host: "example.org", scheme: "https" }),
      redirect("/scheme-and-status", 301, { scheme: "https" }),
      redirect("/scheme-and-host-and-status", 302, { scheme: "https", host: "example.org" }),
    ],
  },
  {
    name: "HTTPRouteRedirectPortAndScheme",
    manifest: "httproute-redirect-port-and-scheme.yaml",
    gateway: "same-namespace",
    cases: [
      ...(
        [
          ["/scheme-nil-and-port-nil", "http", ""],
          ["/scheme-nil-and-port-80", "http", ""],
          ["/scheme-nil-and-port-8080", "http", "8080"],
          ["/scheme-https-and-port-nil", "https", ""],
          ["/scheme-https-and-port-443", "https", ""],
          ["/scheme-https-and-port-8443", "https", "8443"],
        ] as const
      ).map(([p, scheme, port]) => redirect(p, 302, { scheme, host: "example.org", ...(port ? { port } : {}) })),
      ...(
        [
          ["/scheme-nil-and-port-nil", "http", "8080"],
          ["/scheme-nil-and-port-80", "http", ""],
          ["/scheme-https-and-port-nil", "https", ""],
        ] as const
      ).map(([p, scheme, port]) => redirect(p, 302, { scheme, host: "example.org", ...(port ? { port } : {}) }, { gateway: "same-namespace-with-http-listener-on-8080", port: 8080 })),
      ...(
        [
          ["/scheme-nil-and-port-nil", "https", ""],
          ["/scheme-nil-and-port-443", "https", ""],
          ["/scheme-nil-and-port-8443", "https", "8443"],
          ["/scheme-http-and-port-nil", "http", ""],
          ["/scheme-http-and-port-80", "http", ""],
          ["/scheme-http-and-port-8080", "http", "8080"],
        ] as const
      ).map(([p, scheme, port]) => redirect(p, 302, { scheme, host: "example.org", ...(port ? { port } : {}) }, { gateway: "same-namespace-with-https-listener", host: "example.org", sni: "example.org" })),
    ],
  },
  {
    name: "HTTPRouteRewriteHost",
    manifest: "httproute-rewrite-host.yaml",
    gateway: "same-namespace",
    cases: [
      get("/one", V1, { request: { host: "one.example.org" } }, { host: "rewrite.example" }),
      get("/two", V2, { request: { host: "example.org" } }, { host: "rewrite.example" }),
      get("/rewrite-host-and-modify-headers", V2, { request: { host: "test.example.org", ...MODIFIED } }, { host: "rewrite.example", headers: MODIFY_IN }),
    ],
  },
  {
    name: "HTTPRouteRewritePath",
    manifest: "httproute-rewrite-path.yaml",
    gateway: "same-namespace",
    cases: [
      get("/prefix/one/two", V1, { request: { path: "/one/two" } }),
      get("/strip-prefix/three", V1, { request: { path: "/three" } }),
      get("/strip-prefix", V1, { request: { path: "/" } }),
      get("/full/one/two", V1, { request: { path: "/one" } }),
      get("/full/rewrite-path-and-modify-headers/test", V1, { request: { path: "/test", ...MODIFIED } }, { headers: { ...MODIFY_IN, "X-Header-Set": "set-val" } }),
      get("/prefix/rewrite-path-and-modify-headers/one", V1, { request: { path: "/prefix/one", ...MODIFIED } }, { headers: { ...MODIFY_IN, "X-Header-Set": "set-val" } }),
    ],
  },
  {
    name: "HTTPRouteRequestHeaderModifier",
    manifest: "httproute-request-header-modifier.yaml",
    gateway: "same-namespace",
    cases: [
      get("/set", V1, { request: { headers: { "Some-Other-Header": "val", "X-Header-Set": "set-overwrites-values" } } }, { headers: { "Some-Other-Header": "val" } }),
      get("/set", V1, { request: { headers: { "Some-Other-Header": "val", "X-Header-Set": "set-overwrites-values" } } }, { headers: { "Some-Other-Header": "val", "X-Header-Set": "some-other-value" } }),
      get("/add", V1, { request: { headers: { "Some-Other-Header": "val", "X-Header-Add": "add-appends-values" } } }, { headers: { "Some-Other-Header": "val" } }),
      get("/add", V1, { request: { headers: { "Some-Other-Header": "val", "X-Header-Add": "some-other-value,add-appends-values" } } }, { headers: { "Some-Other-Header": "val", "X-Header-Add": "some-other-value" } }),
      get("/remove", V1, { request: { absent: ["X-Header-Remove"] } }, { headers: { "X-Header-Remove": "val" } }),
      get(
        "/multiple",
        V1,
        {
          request: {
            headers: { "X-Header-Set-1": "header-set-1", "X-Header-Set-2": "header-set-2", "X-Header-Add-1": "header-add-1", "X-Header-Add-2": "add-val-2,header-add-2", "X-Header-Add-3": "header-add-3", "Another-Header": "another-header-val" },
            absent: ["X-Header-Remove-1", "X-Header-Remove-2"],
          },
        },
        { headers: { "X-Header-Set-2": "set-val-2", "X-Header-Add-2": "add-val-2", "X-Header-Remove-2": "remove-val-2", "Another-Header": "another-header-val" } },
      ),
      get(
        "/case-insensitivity",
        V1,
        { request: { headers: { "X-Header-Set": "header-set", "X-Header-Add": "original-val-add,header-add", "Another-Header": "another-header-val" }, absent: ["x-header-remove"] } },
        { headers: { "x-header-set": "original-val-set", "x-header-add": "original-val-add", "x-header-remove": "original-val-remove", "Another-Header": "another-header-val" } },
      ),
    ],
  },
  {
    name: "HTTPRouteResponseHeaderModifier",
    manifest: "httproute-response-header-modifier.yaml",
    gateway: "same-namespace",
    cases: [
      get("/set", V1, { headers: { "Some-Other-Header": "val", "X-Header-Set": "set-overwrites-values" } }, { backendSetsHeaders: { "Some-Other-Header": "val" } }),
      get("/set", V1, { headers: { "Some-Other-Header": "val", "X-Header-Set": "set-overwrites-values" } }, { backendSetsHeaders: { "Some-Other-Header": "val", "X-Header-Set": "some-other-value" } }),
      get("/add", V1, { headers: { "Some-Other-Header": "val", "X-Header-Add": "add-appends-values" } }, { backendSetsHeaders: { "Some-Other-Header": "val" } }),
      get("/add", V1, { headers: { "Some-Other-Header": "val", "X-Header-Add": "some-other-value,add-appends-values" } }, { backendSetsHeaders: { "Some-Other-Header": "val", "X-Header-Add": "some-other-value" } }),
      get("/remove", V1, { absentHeaders: ["X-Header-Remove"] }, { backendSetsHeaders: { "X-Header-Remove": "val" } }),
      get(
        "/multiple",
        V1,
        {
          headers: { "X-Header-Set-1": "header-set-1", "X-Header-Set-2": "header-set-2", "X-Header-Add-1": "header-add-1", "X-Header-Add-2": "add-val-2,header-add-2", "X-Header-Add-3": "header-add-3", "Another-Header": "another-header-val" },
          absentHeaders: ["X-Header-Remove-1", "X-Header-Remove-2"],
        },
        { backendSetsHeaders: { "X-Header-Set-2": "set-val-2", "X-Header-Add-2": "add-val-2", "X-Header-Remove-2": "remove-val-2", "Another-Header": "another-header-val", "X-Header-Remove-1": "val" } },
      ),
      get(
        "/case-insensitivity",
        V1,
        {
          headers: {
            "X-Header-Set": "header-set",
            "X-Header-Add": "original-val-add,header-add",
            "X-Lowercase-Add": "lowercase-add",
            "X-Mixedcase-Add-1": "mixedcase-add-1",
            "X-Mixedcase-Add-2": "mixedcase-add-2",
            "X-Uppercase-Add": "uppercase-add",
            "Another-Header": "another-header-val",
          },
          absentHeaders: ["x-header-remove"],
        },
        { backendSetsHeaders: { "x-header-set": "original-val-set", "x-header-add": "original-val-add", "x-header-remove": "original-val-remove", "Another-Header": "another-header-val" } },
      ),
      get(
        "/response-and-request-header-modifiers",
        V1,
        {
          request: { headers: { "X-Header-Add": "header-val-1", "X-Header-Set": "set-overwrites-values", "X-Header-Add-Append": "append-val-1,header-val-2", "X-Header-Echo": "echo" }, absent: ["X-Header-Remove"] },
          headers: { "X-Header-Set-1": "header-set-1", "X-Header-Set-2": "header-set-2", "X-Header-Add-1": "header-add-1", "X-Header-Add-2": "add-val-2,header-add-2", "Another-Header": "another-header-val", "X-Header-Echo": "echo" },
          absentHeaders: ["X-Header-Remove-1", "X-Header-Remove-2"],
        },
        {
          headers: { ...MODIFY_IN, "X-Header-Echo": "echo" },
          backendSetsHeaders: { "X-Header-Set-2": "set-val-2", "X-Header-Add-2": "add-val-2", "X-Header-Remove-2": "remove-val-2", "Another-Header": "another-header-val", "X-Header-Remove-1": "remove-val-1", "X-Header-Echo": "echo" },
        },
      ),
    ],
  },
  {
    name: "HTTPRouteRequestMirror",
    manifest: "httproute-request-mirror.yaml",
    gateway: "same-namespace",
    cases: [get("/mirror", V1, { mirroredTo: [V2] }), get("/mirror-and-modify-headers", V1, { request: MODIFIED, mirroredTo: [V2] }, { headers: MODIFY_IN })],
  },
  {
    name: "HTTPRouteRequestMultipleMirrors",
    manifest: "httproute-request-multiple-mirrors.yaml",
    gateway: "same-namespace",
    cases: [get("/multi-mirror", V1, { mirroredTo: [V2, V3] }), get("/multi-mirror-and-modify-request-headers", V1, { request: MODIFIED, mirroredTo: [V2, V3] }, { headers: MODIFY_IN })],
  },
  {
    name: "HTTPRouteRequestPercentageMirror",
    manifest: "httproute-request-percentage-mirror.yaml",
    gateway: "same-namespace",
    cases: [get("/percent-mirror", V1), get("/percent-mirror-fraction", V1), get("/percent-mirror-and-modify-headers", V1, { request: MODIFIED }, { headers: MODIFY_IN })],
    distributions: [
      { requests: 300, req: { path: "/percent-mirror" }, mirrorShare: { [V2]: 0.2 } },
      { requests: 300, req: { path: "/percent-mirror-fraction" }, mirrorShare: { [V2]: 0.5 } },
      { requests: 300, req: { path: "/percent-mirror-and-modify-headers" }, mirrorShare: { [V2]: 0.35 } },
    ],
  },
  {
    name: "HTTPRouteTimeoutRequest",
    manifest: "httproute-timeout-request.yaml",
    gateway: "same-namespace",
    cases: [get("/request-timeout", ""), code("/request-timeout?delay=1s", 504), get("/disable-request-timeout?delay=1s", "")],
  },
  {
    name: "HTTPRouteTimeoutBackendRequest",
    manifest: "httproute-timeout-backend-request.yaml",
    gateway: "same-namespace",
    cases: [get("/backend-timeout", ""), code("/backend-timeout?delay=1s", 504), get("/disable-backend-timeout?delay=1s", "")],
  },
  {
    name: "HTTPRouteRetry",
    manifest: "httproute-retry.yaml",
    gateway: "same-namespace",
    cases: [
      retry("code-500-attempts-3", 500, 2, 200),
      retry("code-500-attempts-3", 500, 4, 500),
      retry("code-500-attempts-3", 503, 2, 503),
      retry("code-all-attempts-2", 500, 1, 200),
      retry("code-all-attempts-2", 500, 3, 500),
      retry("code-all-attempts-2", 502, 1, 200),
      retry("code-all-attempts-2", 502, 3, 502),
      retry("code-all-attempts-2", 503, 1, 200),
      retry("code-all-attempts-2", 503, 3, 503),
      retry("code-all-attempts-2", 504, 1, 200),
      retry("code-all-attempts-2", 504, 3, 504),
      // v1.7.0: attempts 0 turns retries off.
      retry("code-all-attempts-0", 500, 1, 500),
    ],
  },
  {
    name: "HTTPRouteRetryWithRequestTimeout + HTTPRouteRetryWithBackendTimeout",
    manifest: "httproute-retry-with-timeouts.yaml",
    gateway: "same-namespace",
    cases: [
      retry("request-timeout-500ms", 500, 1, 200),
      retry("request-timeout-500ms", 500, 2, 504, "&delayRetry=300ms"),
      retry("backend-timeout-500ms", 500, 2, 200, "&delayRetry=100ms&delay=100ms"),
      retry("request-timeout-500ms", 500, 2, 504, "&delayRetry=1s&delay=1s"),
    ],
  },
  {
    name: "HTTPRouteRuleOrder",
    manifest: "httproute-rule-order.yaml",
    gateway: "same-namespace",
    cases: [get("/rule-order", V1, {}, { headers: { "x-color": "blue", "x-version": "one" } }), code("/rule-order-invalid-backend", 500)],
  },
  {
    name: "HTTPRouteBackendURLRewrite",
    manifest: "httproute-backend-url-rewrite.yaml",
    gateway: "same-namespace",
    cases: [get("/full/original", V1, { request: { path: "/rewritten-full" } }), get("/prefix/original", V1, { request: { path: "/rewritten-prefix/original" } })],
  },
  {
    name: "HTTPRouteWeight",
    manifest: "httproute-weight.yaml",
    gateway: "same-namespace",
    cases: [get("/", "")],
    distributions: [{ requests: 300, req: { path: "/" }, weights: { [V1]: 0.7, [V2]: 0.3, [V3]: 0 } }],
  },
  {
    name: "HTTPRouteRequestHeaderModifierBackendWeights",
    manifest: "httproute-request-header-modifier-backend-weights.yaml",
    gateway: "same-namespace",
    cases: [get("/", "")],
    distributions: [{ requests: 100, req: { path: "/" }, backendHeaderNamesAnswer: true }],
  },
  { name: "HTTPRouteCORS", manifest: "httproute-cors.yaml", gateway: "same-namespace", cases: corsCases },
  {
    name: "HTTPRouteHTTPSListener",
    manifest: "httproute-https-listener.yaml",
    gateway: "same-namespace-with-https-listener",
    cases: [
      get("/", V1, {}, { host: "example.org", sni: "example.org" }),
      code("/", 404, { host: "unknown-example.org", sni: "unknown-example.org" }),
      get("/", V2, {}, { host: "second-example.org", sni: "second-example.org" }),
    ],
  },
  {
    name: "HTTPRouteHTTPSListenerDetectMisdirectedRequests",
    manifest: "httproute-https-listener-detect-misdirected-requests.yaml",
    gateway: "same-namespace-with-https-listener",
    cases: (
      [
        ["example.org", "example.org", V1],
        ["example.org", "second-example.org", 421],
        ["example.org", "unknown-example.org", 404],
        ["second-example.org", "second-example.org", V2],
        ["second-example.org", "example.org", 421],
        ["second-example.org", "unknown-example.org", 421],
        ["third-example.wildcard.org", "third-example.wildcard.org", V3],
        ["third-example.wildcard.org", "fith-example.wildcard.org", V3],
        ["third-example.wildcard.org", "fourth-example.wildcard.org", 421],
        ["third-example.wildcard.org", "second-example.org", 421],
        ["third-example.wildcard.org", "unknown-example.org", 421],
        ["fourth-example.wildcard.org", "fourth-example.wildcard.org", V1],
        ["fourth-example.wildcard.org", "fith-example.wildcard.org", 421],
        ["unknown-example.org", "example.org", V1],
        ["unknown-example.org", "unknown-example.org", 404],
      ] as const
    ).map(([sni, host, b]): Case => {
      const req: Req = { path: "/detect-misdirected-requests", host, sni, h2: true };
      return typeof b === "number" ? { req, want: { status: b } } : { req, want: { backend: b } };
    }),
  },
  // ListenerSet (tests/listenerset-*.go): requests through the listeners ListenerSets add to a Gateway.
  {
    name: "ListenerSetHTTPRouting",
    manifest: "listenerset-http-routing.yaml",
    gateway: "gateway-with-listener-sets-http-routing",
    cases: (() => {
      const GW = ["gateway-listener-1.com", "gateway-listener-2.com"];
      const LS1 = ["listener-set-http-routing-1-listener-1.com", "listener-set-http-routing-1-listener-2.com"];
      const LS2 = ["listener-set-http-routing-2-listener-1.com", "listener-set-http-routing-2-listener-2.com"];
      const all = [...GW, ...LS1, ...LS2];
      const only = (path: string, backend: string, hosts: string[]) => all.map((h) => at(h, path, hosts.includes(h) ? backend : 404));
      return [
        ...only("/route", V1, all),
        ...only("/gateway-route", V2, GW),
        ...only("/gateway-section-route", V3, [GW[0]!]),
        ...only("/listener-set-http-routing-1-route", V2, LS1),
        ...only("/listener-set-http-routing-1-section-route", V3, [LS1[0]!]),
        ...only("/listener-set-http-routing-2-route", V2, LS2),
      ];
    })(),
  },
  {
    name: "ListenerSetAllowedRoutesNamespaces",
    manifest: "listenerset-allowed-routes-namespaces.yaml",
    gateway: "gateway-with-listener-sets-test-allowed-routes",
    cases: [
      at("listener-set-listener-allowed-routes-all.com", "/route-in-same-namespace", V1),
      at("listener-set-listener-allowed-routes-all.com", "/route-in-selected-namespace", V2),
      at("listener-set-listener-allowed-routes-all.com", "/route-not-in-selected-namespace", V3),
      at("listener-set-listener-allowed-routes-same.com", "/route-in-same-namespace", V1),
      at("listener-set-listener-allowed-routes-same.com", "/route-in-selected-namespace", 404),
      at("listener-set-listener-allowed-routes-same.com", "/route-not-in-selected-namespace", 404),
      at("listener-set-listener-allowed-routes-selector.com", "/route-in-same-namespace", 404),
      at("listener-set-listener-allowed-routes-selector.com", "/route-in-selected-namespace", V2),
      at("listener-set-listener-allowed-routes-selector.com", "/route-not-in-selected-namespace", 404),
      at("listener-set-listener-allowed-routes-cross-ns-same.com", "/route-in-listenerset-namespace", V1),
      at("listener-set-listener-allowed-routes-cross-ns-same.com", "/route-in-gateway-namespace", 404),
    ],
  },
  {
    name: "ListenerSetDualParentRefIndependence",
    manifest: "listenerset-dual-parentref-independence.yaml",
    gateway: "gateway-dual-parentref",
    cases: [at("gw-dual.com", "/dualboth", V1), at("ls-dual.com", "/dualboth", V1), at("ls-dual.com", "/dualone", V2), at("gw-dual.com", "/dualone", 404)],
  },
  {
    name: "ListenerSetGatewayParentSectionNameNotFound",
    manifest: "listenerset-gateway-parent-section-name-not-found.yaml",
    gateway: "gateway-section-name",
    cases: [at("ls-section-name.com", "/goodsection", V1), at("gw-section.com", "/badsection", 404)],
  },
];

export const NAMESPACE_DEFAULT = INFRA;
