// fast-check arbitraries for Gateway API inputs: mostly well-formed, with
// malformed values mixed in at every level.
import fc from "fast-check";
import type { K8sObject } from "../../src/api/meta.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";

const G = "gateway.networking.k8s.io/v1";
const NAMESPACES = ["default", "other"];
const name = fc.constantFrom("a", "b", "eg", "svc", "x-1");
const ns = fc.constantFrom(...NAMESPACES);
/** Sometimes a sane value, sometimes anything at all. */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: arb }, { weight: 1, arbitrary: fc.anything() as fc.Arbitrary<unknown> });
const hostname = fc.constantFrom("example.com", "*.example.com", "foo.example.com", "a.b.example.com", "*", "", "BAD_host", "*.com", "a*.example.com", "10.0.0.1", "Foo.Example.com");
const path = fc.oneof({ weight: 4, arbitrary: fc.constantFrom("/", "/foo", "/foo/", "/foo/bar", "/v1/.*") }, { weight: 1, arbitrary: fc.constantFrom("foo", "/a?b", "", "(", "/x#y") });
const header = fc.oneof({ weight: 4, arbitrary: fc.constantFrom("x-a", "X-B") }, { weight: 1, arbitrary: fc.constantFrom("host", ":authority", "bad header", "") });

const pathMatch = fc.record({ type: fc.constantFrom("Exact", "PathPrefix", "PathPrefix", "RegularExpression", "Bogus"), value: path }, { requiredKeys: [] });
const headerMatch = fc.record({ type: fc.constantFrom("Exact", "Exact", "RegularExpression", "Nope"), name: header, value: fc.constantFrom("v", "v", ".*", "", "a\nb", "[") }, { requiredKeys: ["name", "value"] });
const match = fc.record(
  { path: maybe(pathMatch), headers: fc.array(headerMatch, { maxLength: 3 }), queryParams: fc.array(headerMatch, { maxLength: 2 }), method: fc.constantFrom("GET", "POST", "GET", "FETCH") },
  { requiredKeys: [] },
);
const backendRef = fc.record(
  {
    group: fc.constantFrom("", "", "", "example.com"),
    kind: fc.constantFrom("Service", "Service", "Service", "Other"),
    name: fc.constantFrom("svc", "svc", "svc", "a", "missing"),
    namespace: ns,
    port: fc.constantFrom(8080, 8080, 80, 9999),
    weight: fc.constantFrom(0, 1, 5, 100, -1),
    filters: fc.array(fc.record({ type: fc.constantFrom("RequestHeaderModifier", "RequestHeaderModifier", "RequestMirror"), requestHeaderModifier: fc.record({ set: fc.array(fc.record({ name: header, value: fc.constantFrom("1", "") })) }) }), { maxLength: 1 }),
  },
  { requiredKeys: ["name", "port"] },
);
const filter = fc.oneof(
  fc.record({ type: fc.constant("RequestHeaderModifier"), requestHeaderModifier: fc.record({ set: fc.array(fc.record({ name: header, value: fc.constantFrom("v", "a\r\nb") }), { maxLength: 2 }), remove: fc.array(header, { maxLength: 2 }) }, { requiredKeys: [] }) }),
  fc.record({ type: fc.constant("ResponseHeaderModifier"), responseHeaderModifier: fc.record({ add: fc.array(fc.record({ name: header, value: fc.constant("v") }), { maxLength: 2 }) }, { requiredKeys: [] }) }),
  fc.record({
    type: fc.constant("RequestRedirect"),
    requestRedirect: fc.record(
      { scheme: fc.constantFrom("http", "https", "ftp"), hostname: fc.constantFrom("example.org", "bad host"), port: fc.constantFrom(80, 443, 8443, 0, 70000), statusCode: fc.constantFrom(301, 302, 303, 307, 308, 200), path: fc.record({ type: fc.constantFrom("ReplaceFullPath", "ReplacePrefixMatch"), replaceFullPath: path, replacePrefixMatch: path }) },
      { requiredKeys: [] },
    ),
  }),
  fc.record({ type: fc.constant("URLRewrite"), urlRewrite: fc.record({ hostname: fc.constantFrom("rewrite.example", "x y"), path: fc.record({ type: fc.constantFrom("ReplaceFullPath", "ReplacePrefixMatch"), replaceFullPath: path, replacePrefixMatch: path }) }, { requiredKeys: [] }) }),
  fc.record({ type: fc.constant("RequestMirror"), requestMirror: fc.record({ backendRef, percent: fc.integer({ min: -5, max: 120 }), fraction: fc.record({ numerator: fc.integer({ min: 0, max: 10 }), denominator: fc.integer({ min: 0, max: 100 }) }) }, { requiredKeys: ["backendRef"] }) }),
  fc.record({ type: fc.constant("CORS"), cors: fc.record({ allowOrigins: fc.array(fc.constantFrom("*", "https://*.example.com", "http://a.b"), { maxLength: 2 }), allowCredentials: fc.boolean(), maxAge: fc.integer({ min: -1, max: 100 }), allowMethods: fc.array(fc.constantFrom("GET", "*")) }, { requiredKeys: [] }) }),
  fc.record({ type: fc.constantFrom("ExtensionRef", "Unknown"), extensionRef: fc.record({ group: fc.constant("x"), kind: fc.constant("Y"), name }) }),
);
const duration = fc.constantFrom("1s", "500ms", "0s", "1h2m", "1m30s", "1s", "10", "-1s");
const rule = fc.record(
  {
    name: fc.constantFrom("r1", "r2"),
    matches: fc.array(maybe(match), { maxLength: 2 }),
    filters: fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(filter, { maxLength: 2 }) }),
    backendRefs: fc.array(maybe(backendRef), { minLength: 1, maxLength: 3 }),
    timeouts: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.record({ request: duration, backendRequest: duration }, { requiredKeys: [] }) }),
    retry: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.record({ codes: fc.array(fc.constantFrom(500, 503, 200, 999)), attempts: fc.constantFrom(0, 1, 3, -1), backoff: duration }, { requiredKeys: [] }) }),
  },
  { requiredKeys: [] },
);
const gwName = fc.constantFrom("eg", "eg", "gw2", "missing");
const parentRef = fc.oneof(
  { weight: 4, arbitrary: fc.record({ name: fc.constant("eg") }) },
  { weight: 2, arbitrary: fc.record({ name: gwName, namespace: ns, sectionName: fc.constantFrom("http", "https", "other"), port: fc.constantFrom(80, 443, 8080), kind: fc.constantFrom("Gateway", "Gateway", "Service") }, { requiredKeys: ["name"] }) },
);
const listener = fc.record(
  {
    name: fc.constantFrom("http", "https", "other", "tcp"),
    port: fc.constantFrom(80, 80, 80, 443, 8080, 0, 70000),
    protocol: fc.constantFrom("HTTP", "HTTP", "HTTP", "HTTP", "HTTPS", "TLS", "TCP", "UDP", "example.com/Weird"),
    hostname: hostname,
    allowedRoutes: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.record({ namespaces: fc.record({ from: fc.constantFrom("All", "Same", "Selector", "None", "Bogus"), selector: fc.record({ matchLabels: fc.constant({ team: "a" }) }) }, { requiredKeys: [] }), kinds: fc.array(fc.record({ kind: fc.constantFrom("HTTPRoute", "TCPRoute", "Foo") }), { maxLength: 2 }) }, { requiredKeys: [] }) }),
    tls: fc.record({ mode: fc.constantFrom("Terminate", "Passthrough"), certificateRefs: fc.array(fc.record({ name: fc.constantFrom("cert", "missing") }), { maxLength: 2 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ["name", "port", "protocol"] },
);

const meta = (n: string, namespace?: string, extra: object = {}) => ({ name: n, ...(namespace ? { namespace } : {}), generation: 1, ...extra });

export const objects: fc.Arbitrary<K8sObject[]> = fc
  .tuple(
    fc.array(fc.record({ n: fc.constant("other"), controller: fc.constantFrom(DEFAULT_CONTROLLER_NAME, "other.io/ctrl") }), { maxLength: 1 }),
    fc.array(fc.record({ n: gwName, ns: fc.constantFrom("default", "default", "default", "other"), cls: fc.constantFrom("sw", "sw", "sw", "other"), listeners: fc.array(maybe(listener), { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 2 }),
    fc.array(fc.record({ n: name, ns: fc.constantFrom("default", "default", "default", "other"), created: fc.constantFrom("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", undefined), spec: maybe(fc.record({ parentRefs: fc.array(parentRef, { minLength: 1, maxLength: 2 }), hostnames: fc.array(hostname, { maxLength: 2 }), rules: fc.array(maybe(rule), { maxLength: 3 }) }, { requiredKeys: ["parentRefs"] })) }), { minLength: 1, maxLength: 4 }),
    fc.array(fc.record({ n: fc.constantFrom("svc", "svc", "a"), ns: fc.constantFrom("default", "default", "other"), ports: fc.array(fc.record({ name: fc.constantFrom("http", "", "grpc"), port: fc.constantFrom(80, 8080), appProtocol: fc.constantFrom("kubernetes.io/h2c", "kubernetes.io/ws", "http", undefined) }), { minLength: 1, maxLength: 2 }) }), { minLength: 1, maxLength: 4 }),
    fc.array(
      fc.record({
        svc: fc.constantFrom("svc", "svc", "a"),
        ns,
        addressType: fc.constantFrom("IPv4", "IPv6", "FQDN"),
        ports: fc.array(fc.record({ name: fc.constantFrom("http", "", "grpc"), port: fc.constantFrom(3000, 0, 70000) }), { maxLength: 2 }),
        endpoints: fc.array(fc.record({ addresses: fc.array(fc.constantFrom("10.0.0.1", "10.0.0.2", "fd00::1", "not-an-ip"), { maxLength: 2 }), zone: fc.constantFrom("a", "b", undefined), conditions: fc.record({ ready: fc.boolean(), serving: fc.boolean(), terminating: fc.boolean() }, { requiredKeys: [] }) }), { maxLength: 3 }),
      }),
      { maxLength: 3 },
    ),
    fc.array(fc.record({ ns, fromNs: ns, toName: fc.constantFrom(undefined, "svc", "a") }), { maxLength: 2 }),
  )
  .map(([classes, gateways, routes, services, slices, grants]) => {
    const out: K8sObject[] = [];
    out.push({ apiVersion: G, kind: "GatewayClass", metadata: meta("sw"), spec: { controllerName: DEFAULT_CONTROLLER_NAME } } as K8sObject);
    for (const c of classes) out.push({ apiVersion: G, kind: "GatewayClass", metadata: meta(c.n), spec: { controllerName: c.controller } } as K8sObject);
    for (const g of gateways) out.push({ apiVersion: G, kind: "Gateway", metadata: meta(g.n, g.ns), spec: { gatewayClassName: g.cls, listeners: g.listeners } } as K8sObject);
    for (const r of routes) out.push({ apiVersion: G, kind: "HTTPRoute", metadata: meta(r.n, r.ns, r.created ? { creationTimestamp: r.created } : {}), spec: r.spec } as K8sObject);
    for (const s of services) out.push({ apiVersion: "v1", kind: "Service", metadata: meta(s.n, s.ns), spec: { ports: s.ports } } as K8sObject);
    slices.forEach((s, i) =>
      out.push({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: meta(`${s.svc}-${i}`, s.ns, { labels: { "kubernetes.io/service-name": s.svc } }), addressType: s.addressType, ports: s.ports, endpoints: s.endpoints } as K8sObject),
    );
    grants.forEach((g, i) =>
      out.push({ apiVersion: "gateway.networking.k8s.io/v1beta1", kind: "ReferenceGrant", metadata: meta(`grant-${i}`, g.ns), spec: { from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: g.fromNs }], to: [{ group: "", kind: "Service", ...(g.toName ? { name: g.toName } : {}) }] } } as K8sObject),
    );
    out.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: "other", labels: { team: "a" } } } as K8sObject);
    return out;
  });


/**
 * Well-formed inputs only: one Gateway, Services with endpoints, and routes
 * whose every reference resolves. Every route must be accepted and programmed.
 */
export const wellFormed: fc.Arbitrary<K8sObject[]> = fc
  .record({
    listenerHosts: fc.uniqueArray(fc.constantFrom("a.example.com", "*.example.com", "b.example.com", undefined), { minLength: 1, maxLength: 3 }),
    services: fc.uniqueArray(fc.constantFrom("s1", "s2", "s3"), { minLength: 1, maxLength: 3 }),
    routes: fc.array(
      fc.record({
        hostnames: fc.array(fc.constantFrom("a.example.com", "b.example.com", "x.example.com"), { maxLength: 2 }),
        created: fc.constantFrom("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
        rules: fc.array(
          fc.record({
            matches: fc.array(
              fc.record({
                path: fc.record({ type: fc.constantFrom("Exact", "PathPrefix", "RegularExpression"), value: fc.constantFrom("/", "/api", "/api/v1", "/static/") }),
                headers: fc.array(fc.record({ name: fc.constantFrom("x-env", "x-user"), value: fc.constantFrom("prod", "dev") }), { maxLength: 2 }),
                queryParams: fc.array(fc.record({ name: fc.constantFrom("q", "page"), value: fc.constantFrom("1", "2") }), { maxLength: 1 }),
                method: fc.constantFrom("GET", "POST", undefined),
              }),
              { maxLength: 2 },
            ),
            backendRefs: fc.array(fc.record({ idx: fc.nat(2), weight: fc.integer({ min: 1, max: 100 }) }), { minLength: 1, maxLength: 3 }),
            header: fc.boolean(),
          }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  })
  .map(({ listenerHosts, services, routes }) => {
    const out: K8sObject[] = [{ apiVersion: G, kind: "GatewayClass", metadata: meta("sw"), spec: { controllerName: DEFAULT_CONTROLLER_NAME } } as K8sObject];
    out.push({
      apiVersion: G,
      kind: "Gateway",
      metadata: meta("eg", "default"),
      spec: { gatewayClassName: "sw", listeners: listenerHosts.map((h, i) => ({ name: `l${i}`, port: 80, protocol: "HTTP", ...(h ? { hostname: h } : {}) })) },
    } as K8sObject);
    services.forEach((s, i) => {
      out.push({ apiVersion: "v1", kind: "Service", metadata: meta(s, "default"), spec: { ports: [{ name: "http", port: 8080 }] } } as K8sObject);
      out.push({
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: meta(`${s}-x`, "default", { labels: { "kubernetes.io/service-name": s } }),
        addressType: "IPv4",
        ports: [{ name: "http", port: 3000 }],
        endpoints: [{ addresses: [`10.0.${i}.1`], conditions: { ready: true } }],
      } as K8sObject);
    });
    routes.forEach((r, i) => {
      const hostOk = (h: string) => listenerHosts.some((l) => l === undefined || l === h || (l.startsWith("*.") && h.endsWith(l.slice(1))));
      const hostnames = r.hostnames.filter(hostOk);
      out.push({
        apiVersion: G,
        kind: "HTTPRoute",
        metadata: meta(`r${i}`, "default", { creationTimestamp: r.created }),
        spec: {
          parentRefs: [{ name: "eg" }],
          ...(hostnames.length > 0 ? { hostnames } : {}),
          rules: r.rules.map((rule) => ({
            matches: rule.matches.map((m) => ({ ...m, path: m.path.type === "RegularExpression" ? { type: "RegularExpression", value: `${m.path.value}.*` } : m.path, ...(m.method ? {} : { method: undefined }) })),
            ...(rule.header ? { filters: [{ type: "RequestHeaderModifier", requestHeaderModifier: { set: [{ name: "x-route", value: `r${i}` }] } }] } : {}),
            backendRefs: rule.backendRefs.map((b) => ({ name: services[b.idx % services.length], port: 8080, weight: b.weight })),
          })),
        },
      } as K8sObject);
    });
    return out;
  });
