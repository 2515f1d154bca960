// Route edits translate only the Gateways they name: on random worlds of three
// Gateways and random route edits, the result is exactly translate()'s, and the
// Gateways no edited route names keep their snapshot objects.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../src/api/meta.ts";
import { buildResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { changedGatewaysOnly } from "../../src/controller/gateway-fast-path.ts";
import { InputTracker, ResultDecoder, ResultEncoder } from "../../src/controller/translation-delta.ts";
import { translate } from "../../src/translator/translate.ts";
import { canonical } from "../helpers/canonical-result.ts";

const OPTS = { controllerName: DEFAULT_CONTROLLER_NAME };
const G = "gateway.networking.k8s.io/v1";

// ---- three Gateways: two in default (one only for its own namespace's routes), one in other ----
const GATEWAYS = [
  { ns: "default", name: "g0", from: "All", hostname: undefined },
  { ns: "default", name: "g1", from: "Same", hostname: "*.example.com" },
  { ns: "other", name: "g2", from: "All", hostname: "app.example.com" },
] as const;
const NAMESPACES = ["default", "other"];

interface RouteSpec {
  id: number;
  ns: string;
  parents: { gateway: number; sameNamespace: boolean }[];
  /** A Service parent too: a mesh route. */
  mesh: boolean;
  hostname: string | undefined;
  path: string;
  backend: { service: string; ns: string };
}

const routeArb: fc.Arbitrary<RouteSpec> = fc.record({
  id: fc.integer({ min: 0, max: 4 }),
  ns: fc.constantFrom(...NAMESPACES),
  parents: fc.array(fc.record({ gateway: fc.integer({ min: 0, max: 2 }), sameNamespace: fc.boolean() }), { maxLength: 2 }),
  mesh: fc.boolean(),
  hostname: fc.constantFrom(undefined, "app.example.com", "www.example.com", "other.test"),
  path: fc.constantFrom("/", "/a", "/b"),
  backend: fc.record({ service: fc.constantFrom("a", "b", "missing"), ns: fc.constantFrom(...NAMESPACES) }),
});

const route = (r: RouteSpec): K8sObject =>
  ({
    apiVersion: G,
    kind: "HTTPRoute",
    metadata: { name: `r${r.id}`, namespace: r.ns, generation: 1 },
    spec: {
      parentRefs: [
        ...r.parents.map((p) => {
          const gw = GATEWAYS[p.gateway]!;
          return p.sameNamespace && gw.ns === r.ns ? { name: gw.name } : { name: gw.name, namespace: gw.ns };
        }),
        ...(r.mesh ? [{ group: "", kind: "Service", name: "a" }] : []),
      ],
      ...(r.hostname ? { hostnames: [r.hostname] } : {}),
      rules: [{ matches: [{ path: { type: "PathPrefix", value: r.path } }], backendRefs: [{ name: r.backend.service, namespace: r.backend.ns, port: 80 }] }],
    },
  }) as K8sObject;

function base(): K8sObject[] {
  const objs: K8sObject[] = [
    { apiVersion: G, kind: "GatewayClass", metadata: { name: "sy", generation: 1 }, spec: { controllerName: DEFAULT_CONTROLLER_NAME } } as K8sObject,
  ];
  for (const g of GATEWAYS) {
    objs.push({
      apiVersion: G,
      kind: "Gateway",
      metadata: { name: g.name, namespace: g.ns, generation: 1 },
      spec: {
        gatewayClassName: "sy",
        listeners: [{ name: "http", port: 80, protocol: "HTTP", ...(g.hostname ? { hostname: g.hostname } : {}), allowedRoutes: { namespaces: { from: g.from } } }],
      },
    } as K8sObject);
  }
  for (const ns of NAMESPACES) {
    objs.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } } as K8sObject);
    for (const name of ["a", "b"]) objs.push({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns }, spec: { ports: [{ name: "http", port: 80 }] } } as K8sObject);
  }
  // Routes in default may use Services in other.
  objs.push({
    apiVersion: "gateway.networking.k8s.io/v1beta1",
    kind: "ReferenceGrant",
    metadata: { name: "from-default", namespace: "other" },
    spec: { from: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "default" }], to: [{ group: "", kind: "Service" }] },
  } as K8sObject);
  return objs;
}

const editArb = fc.record({ route: routeArb, remove: fc.boolean() });
const keyOf = (o: K8sObject) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;

describe("Gateway fast path", () => {
  it("gives translate()'s result on random route edits, and leaves the Gateways no edit names as they were", () => {
    let taken = 0;
    let kept = 0;
    fc.assert(
      fc.property(fc.array(routeArb, { maxLength: 5 }), fc.array(editArb, { minLength: 1, maxLength: 6 }), (routes, edits) => {
        const world = new Map<string, K8sObject>();
        for (const o of [...base(), ...routes.map(route)]) world.set(keyOf(o), o);
        const tracker = new InputTracker();
        let rs = buildResourceSet(world.values());
        tracker.delta(rs);
        let result = translate(rs, OPTS);
        // Across threads too: a Gateway left alone is named, not sent, and decodes to the same object.
        const encoder = new ResultEncoder();
        const decoder = new ResultDecoder();
        let decoded = decoder.decode(structuredClone(encoder.encode(result)));
        for (const e of edits) {
          const obj = route(e.route);
          if (e.remove) world.delete(keyOf(obj));
          else world.set(keyOf(obj), obj);
          const next = buildResourceSet(world.values());
          const delta = tracker.delta(next);
          const full = translate(next, OPTS);
          const fast = changedGatewaysOnly(rs, result, next, delta, OPTS);
          if (fast) {
            taken++;
            expect(canonical(fast)).toBe(canonical(full));
            kept += fast.gateways.filter((g, i) => g === result.gateways[i]).length;
          }
          const got = decoder.decode(structuredClone(encoder.encode(fast ?? full)));
          expect(canonical(got)).toBe(canonical(full));
          if (fast) for (const [i, g] of fast.gateways.entries()) if (g === result.gateways[i]) expect(got.gateways[i]!.resources).toBe(decoded.gateways[i]!.resources);
          decoded = got;
          rs = next;
          result = fast ?? full;
        }
      }),
      { numRuns: 200 },
    );
    // The path under test was taken, and it kept Gateways untouched.
    expect(taken).toBeGreaterThan(100);
    expect(kept).toBeGreaterThan(50);
  });

  it("declines for anything but route edits, and when a policy is present", () => {
    const r0 = route({ id: 0, ns: "default", parents: [{ gateway: 0, sameNamespace: true }], mesh: false, hostname: undefined, path: "/", backend: { service: "a", ns: "default" } });
    const objs = [...base(), r0];
    const rs = buildResourceSet(objs);
    const tracker = new InputTracker();
    tracker.delta(rs);
    const result = translate(rs, OPTS);
    const service = { apiVersion: "v1", kind: "Service", metadata: { name: "c", namespace: "default" }, spec: { ports: [{ port: 80 }] } } as K8sObject;
    const withService = buildResourceSet([...objs, service]);
    expect(changedGatewaysOnly(rs, result, withService, tracker.delta(withService), OPTS)).toBeUndefined();

    const policy = {
      apiVersion: "gateway.networking.k8s.io/v1alpha2",
      kind: "BackendLBPolicy",
      metadata: { name: "p", namespace: "default" },
      spec: { targetRefs: [{ group: "", kind: "Service", name: "a" }], sessionPersistence: { sessionName: "s" } },
    } as K8sObject;
    const rs2 = buildResourceSet([...objs, service, policy]);
    tracker.delta(rs2);
    const result2 = translate(rs2, OPTS);
    const edited = buildResourceSet([...objs.filter((o) => o !== r0), service, policy, { ...r0, spec: { ...(r0 as unknown as { spec: object }).spec, hostnames: ["x.test"] } } as K8sObject]);
    expect(changedGatewaysOnly(rs2, result2, edited, tracker.delta(edited), OPTS)).toBeUndefined();
  });
});
