// fast-check arbitraries for Gateway API inputs: mostly well-formed, with
// malformed values mixed in at every level.
import fc from "fast-check";
import type { K8sObject } from "../../src/api/meta.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { b64, PEM } from "../fixtures/certs/fixtures.ts";

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
const meta = (n: string, namespace?: string, extra: object = {}) => ({ name: n, ...(namespace ? { namespace } : {}), generation: 1, ...extra });

// The world: up to three Gateways with listeners on several ports and
// protocols, routes that mostly attach to them, and Services with ready
// endpoints that most backendRefs resolve to. Malformed values are mixed in at
// every level, rarely enough that most samples still forward traffic (the
// "generator" test in property.test.ts reports and bounds the distribution).
const GATEWAYS = ["eg", "gw2", "gw3"];
const LISTENER_NAMES = ["l0", "l1", "l2", "l3"];
/**
 * Mostly `good`; now and then `bad` (plausible but wrong); rarely anything at
 * all. Rare per value, because a world holds hundreds of values and one bad
 * one can take a whole listener or route out.
 */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 40, arbitrary: good }, { weight: 2, arbitrary: bad }, { weight: 1, arbitrary: fc.anything() as fc.Arbitrary<unknown> });
const goodBackendRef = fc.record({ name: fc.constantFrom("svc", "a"), port: fc.constant(8080), weight: fc.constantFrom(1, 1, 5, 100) }, { requiredKeys: ["name", "port"] });
const goodRule = fc.record(
  {
    name: fc.constantFrom("r1", "r2"),
    matches: fc.array(fc.record({ path: fc.record({ type: fc.constantFrom("Exact", "PathPrefix", "PathPrefix"), value: fc.constantFrom("/", "/foo", "/foo/bar", "/api") }), headers: fc.array(fc.record({ name: fc.constantFrom("x-a", "X-B"), value: fc.constantFrom("v", "w") }), { maxLength: 1 }) }, { requiredKeys: [] }), { maxLength: 2 }),
    filters: fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(filter, { maxLength: 1 }) }),
    backendRefs: fc.array(mostly(goodBackendRef, backendRef), { minLength: 1, maxLength: 3 }),
    timeouts: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.record({ request: duration, backendRequest: duration }, { requiredKeys: [] }) }),
  },
  { requiredKeys: ["backendRefs"] },
);
const goodHostname = fc.constantFrom("example.com", "*.example.com", "foo.example.com", "a.b.example.com", "*.com");
/** A parentRef to one of the world's `gateways`: by name, by listener, or by port. */
const goodParentRef = (gateways: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ name: fc.constantFrom(...gateways) }) },
    { weight: 1, arbitrary: fc.record({ name: fc.constantFrom(...gateways), sectionName: fc.constantFrom(...LISTENER_NAMES) }) },
    { weight: 1, arbitrary: fc.record({ name: fc.constantFrom(...gateways), port: fc.constantFrom(80, 8080, 443, 8443) }) },
  );
const badParentRef = fc.record({ name: fc.constantFrom("eg", "missing"), namespace: ns, sectionName: fc.constantFrom("l0", "other"), port: fc.constantFrom(80, 9090), kind: fc.constantFrom("Gateway", "Service") }, { requiredKeys: ["name"] });
const listener = (i: number) =>
  fc
    .record(
      {
        // Mostly distinct names (what sectionName refers to); sometimes a duplicate.
        name: fc.oneof({ weight: 9, arbitrary: fc.constant(LISTENER_NAMES[i]!) }, { weight: 1, arbitrary: fc.constantFrom(...LISTENER_NAMES) }),
        port: mostly(fc.constantFrom(80, 8080, 443, 8443), fc.constantFrom(0, 70000)),
        usualPort: fc.oneof({ weight: 7, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        protocol: fc.oneof({ weight: 6, arbitrary: fc.constant("HTTP") }, { weight: 4, arbitrary: fc.constant("HTTPS") }, { weight: 1, arbitrary: fc.constantFrom("TLS", "TCP", "UDP", "example.com/Weird") }),
        hostname: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: goodHostname }, { weight: 1, arbitrary: hostname }),
        allowedRoutes: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.record({ namespaces: fc.record({ from: fc.constantFrom("All", "Same", "Selector", "None", "Bogus"), selector: fc.record({ matchLabels: fc.constant({ team: "a" }) }) }, { requiredKeys: [] }), kinds: fc.array(fc.record({ kind: fc.constantFrom("HTTPRoute", "TCPRoute", "Foo") }), { maxLength: 2 }) }, { requiredKeys: [] }) }),
        tls: mostly(fc.constant({ mode: "Terminate", certificateRefs: [{ name: "cert" }] }), fc.record({ mode: fc.constantFrom("Terminate", "Passthrough"), certificateRefs: fc.array(fc.record({ name: fc.constantFrom("cert", "missing") }), { maxLength: 2 }) }, { requiredKeys: [] })),
        strayTls: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      },
      { requiredKeys: ["name", "port", "protocol", "hostname", "allowedRoutes", "tls", "strayTls", "usualPort"] },
    )
    // The port and TLS settings a user gives the protocol (HTTP on 80 or 8080, HTTPS on 443 or
    // 8443, TLS only where it is taken); now and then an unusual port, or TLS where none is taken.
    .map(({ strayTls, usualPort, ...l }) => {
      const out: Partial<typeof l> = { ...l };
      if (usualPort && (l.port === 80 || l.port === 8080) && l.protocol === "HTTPS") out.port = l.port === 80 ? 443 : 8443;
      if (usualPort && (l.port === 443 || l.port === 8443) && l.protocol === "HTTP") out.port = l.port === 443 ? 80 : 8080;
      if (l.protocol !== "HTTPS" && l.protocol !== "TLS" && !strayTls) delete out.tls;
      if (l.hostname === undefined) delete out.hostname;
      if (l.allowedRoutes === undefined) delete out.allowedRoutes;
      return out;
    });
const listeners = fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => mostly(listener(i), listener(i).map((l) => ({ ...l, name: "" }))))));

/** A kubernetes.io/tls Secret `cert` that the HTTPS listeners of a namespace refer to. */
const certSecret = (namespace: string): K8sObject =>
  ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "cert", namespace },
    type: "kubernetes.io/tls",
    data: { "tls.crt": b64(PEM.rsaCert), "tls.key": b64(PEM.rsaKey) },
  }) as K8sObject;

/** `count` Gateways, named after GATEWAYS (now and then "missing", which no route names). */
const gateways = (count: number) =>
  fc.tuple(
    ...GATEWAYS.slice(0, count).map((n) =>
      fc.record({
        n: fc.oneof({ weight: 9, arbitrary: fc.constant(n) }, { weight: 1, arbitrary: fc.constant("missing") }),
        ns: fc.oneof({ weight: 9, arbitrary: fc.constant("default") }, { weight: 1, arbitrary: fc.constant("other") }),
        cls: fc.oneof({ weight: 9, arbitrary: fc.constant("sw") }, { weight: 1, arbitrary: fc.constant("other") }),
        listeners,
      }),
    ),
  );

/** An HTTPRoute whose parentRefs mostly name `primary` and then any of `gateways`. */
const route = (gateways: readonly string[], primary: string) =>
  fc.record({
    // Distinct names (r0, r1, ...) but now and then one that may repeat (the last one wins).
    n: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: name }),
    ns: fc.oneof({ weight: 9, arbitrary: fc.constant("default") }, { weight: 1, arbitrary: fc.constant("other") }),
    created: fc.constantFrom("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", undefined),
    spec: mostly(
      fc.record(
        {
          parentRefs: fc
            .tuple(goodParentRef([primary]), fc.array(fc.oneof({ weight: 8, arbitrary: goodParentRef(gateways) }, { weight: 1, arbitrary: badParentRef }), { maxLength: 2 }))
            .map(([first, rest]) => [first, ...rest]),
          hostnames: fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.array(goodHostname, { maxLength: 2 }) }, { weight: 1, arbitrary: fc.array(hostname, { maxLength: 2 }) }),
          rules: fc.array(mostly(goodRule, rule), { minLength: 1, maxLength: 3 }),
        },
        { requiredKeys: ["parentRefs", "hostnames", "rules"] },
      ),
      fc.record({ parentRefs: fc.array(badParentRef, { maxLength: 1 }), rules: fc.array(rule, { maxLength: 2 }) }, { requiredKeys: [] }),
    ),
  });

/** HTTPRoutes: one for each of `gateways` (mostly attached to it), then a few more. */
const routes = (gateways: readonly string[]) =>
  fc
    .tuple(fc.tuple(...gateways.map((g) => route(gateways, g))), fc.array(fc.constantFrom(...gateways).chain((g) => route(gateways, g)), { minLength: 1, maxLength: 3 }))
    .map(([each, more]) => [...each, ...more]);

export const objects: fc.Arbitrary<K8sObject[]> = fc
  .tuple(
    fc.array(fc.record({ n: fc.constant("other"), controller: fc.constantFrom(DEFAULT_CONTROLLER_NAME, "other.io/ctrl") }), { maxLength: 1 }),
    fc.constantFrom(1, 2, 2, 3, 3).chain((count) => fc.tuple(gateways(count), routes(GATEWAYS.slice(0, count)))),
    // Beyond svc and a in default (always there, with ready endpoints): more Services and slices, some broken.
    fc.array(fc.record({ n: fc.constantFrom("b", "b", "svc"), ns: fc.constantFrom("default", "other", "other"), ports: fc.array(fc.record({ name: fc.constantFrom("http", "", "grpc"), port: fc.constantFrom(80, 8080), appProtocol: fc.constantFrom("kubernetes.io/h2c", "kubernetes.io/ws", "http", undefined) }), { minLength: 1, maxLength: 2 }) }), { maxLength: 2 }),

    fc.array(
      fc.record({
        svc: fc.constantFrom("svc", "svc", "a"),
        ns,
        addressType: fc.constantFrom("IPv4", "IPv6", "FQDN"),
        ports: fc.array(fc.record({ name: fc.constantFrom("http", "", "grpc"), port: fc.constantFrom(3000, 0, 70000) }), { maxLength: 2 }),
        endpoints: fc.array(fc.record({ addresses: fc.array(fc.constantFrom("10.0.0.1", "10.0.0.2", "fd00::1", "not-an-ip"), { maxLength: 2 }), zone: fc.constantFrom("a", "b", undefined), conditions: fc.record({ ready: fc.boolean(), serving: fc.boolean(), terminating: fc.boolean() }, { requiredKeys: [] }) }), { maxLength: 3 }),
      }),
      { maxLength: 2 },
    ),
    fc.array(fc.record({ ns, fromNs: ns, toName: fc.constantFrom(undefined, "svc", "a") }), { maxLength: 2 }),
    fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  )
  .map(([classes, [gateways, routes], services, slices, grants, withCert]) => {
    const out: K8sObject[] = [];
    out.push({ apiVersion: G, kind: "GatewayClass", metadata: meta("sw"), spec: { controllerName: DEFAULT_CONTROLLER_NAME } } as K8sObject);
    for (const c of classes) out.push({ apiVersion: G, kind: "GatewayClass", metadata: meta(c.n), spec: { controllerName: c.controller } } as K8sObject);
    for (const g of gateways) out.push({ apiVersion: G, kind: "Gateway", metadata: meta(g.n, g.ns), spec: { gatewayClassName: g.cls, listeners: g.listeners } } as K8sObject);
    routes.forEach((r, i) => out.push({ apiVersion: G, kind: "HTTPRoute", metadata: meta(r.n ?? `r${i}`, r.ns, r.created ? { creationTimestamp: r.created } : {}), spec: r.spec } as K8sObject));
    for (const n of ["svc", "a"]) {
      out.push({ apiVersion: "v1", kind: "Service", metadata: meta(n, "default"), spec: { ports: [{ name: "http", port: 8080 }] } } as K8sObject);
      out.push({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: meta(`${n}-ready`, "default", { labels: { "kubernetes.io/service-name": n } }), addressType: "IPv4", ports: [{ name: "http", port: 3000 }], endpoints: [{ addresses: ["10.1.0.1"], conditions: { ready: true } }] } as K8sObject);
    }
    // Later duplicates of svc and a replace the sane ones above (the last object with a key wins).
    for (const s of services) out.push({ apiVersion: "v1", kind: "Service", metadata: meta(s.n, s.ns), spec: { ports: s.ports } } as K8sObject);
    slices.forEach((s, i) =>
      out.push({ apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: meta(`${s.svc}-${i}`, s.ns, { labels: { "kubernetes.io/service-name": s.svc } }), addressType: s.addressType, ports: s.ports, endpoints: s.endpoints } as K8sObject),
    );
    grants.forEach((g, i) =>
      out.push({ apiVersion: "gateway.networking.k8s.io/v1beta1", kind: "ReferenceGrant", metadata: meta(`grant-${i}`, g.ns), spec: { from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: g.fromNs }], to: [{ group: "", kind: "Service", ...(g.toName ? { name: g.toName } : {}) }] } } as K8sObject),
    );
    // Most worlds have the certificate their HTTPS listeners name; some do not.
    if (withCert || gateways.length > 1) out.push(certSecret("default"), certSecret("other"));
    out.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: "other", labels: { team: "a" } } } as K8sObject);
    return out;
  });

/**
 * Well-formed inputs only: one to three Gateways with HTTP listeners on ports
 * 80 and 8080 and HTTPS on 443, Services with endpoints, and routes whose
 * every reference resolves. Every route must be accepted and programmed.
 */
export const wellFormed: fc.Arbitrary<K8sObject[]> = fc
  .record({
    gateways: fc.array(
      fc.record({
        listenerHosts: fc.uniqueArray(fc.constantFrom("a.example.com", "*.example.com", "b.example.com", undefined), { minLength: 1, maxLength: 3 }),
        alt: fc.boolean(),
        https: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    services: fc.uniqueArray(fc.constantFrom("s1", "s2", "s3"), { minLength: 1, maxLength: 3 }),
    routes: fc.array(
      fc.record({
        gateway: fc.nat(2),
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
  .map(({ gateways, services, routes }) => {
    const out: K8sObject[] = [{ apiVersion: G, kind: "GatewayClass", metadata: meta("sw"), spec: { controllerName: DEFAULT_CONTROLLER_NAME } } as K8sObject];
    const names = gateways.map((_, i) => GATEWAYS[i]!);
    // Every listener takes every route of its Gateway that shares a hostname: on 80 the hostnames
    // drawn, on 8080 (alt) and on 443 (https, the certificate covers *.example.com) any hostname.
    gateways.forEach((g, i) => {
      const listeners: object[] = g.listenerHosts.map((h, j) => ({ name: `l${j}`, port: 80, protocol: "HTTP", ...(h ? { hostname: h } : {}) }));
      if (g.alt) listeners.push({ name: "alt", port: 8080, protocol: "HTTP" });
      if (g.https) listeners.push({ name: "https", port: 443, protocol: "HTTPS", tls: { mode: "Terminate", certificateRefs: [{ name: "cert" }] } });
      out.push({ apiVersion: G, kind: "Gateway", metadata: meta(names[i]!, "default"), spec: { gatewayClassName: "sw", listeners } } as K8sObject);
    });
    out.push(certSecret("default"));
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
      const gi = r.gateway % gateways.length;
      const g = gateways[gi]!;
      const anyHost = g.alt || g.https;
      const hostOk = (h: string) => anyHost || g.listenerHosts.some((l) => l === undefined || l === h || (l.startsWith("*.") && h.endsWith(l.slice(1))));
      const hostnames = r.hostnames.filter(hostOk);
      out.push({
        apiVersion: G,
        kind: "HTTPRoute",
        metadata: meta(`r${i}`, "default", { creationTimestamp: r.created }),
        spec: {
          parentRefs: [{ name: names[gi]! }],
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
