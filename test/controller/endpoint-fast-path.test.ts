// The EndpointSlice fast path and the worker's change-only transfer against
// full translations: on random edit sequences the result handed to the xDS
// cache is exactly translate()'s, and an EndpointSlice-only change does not
// translate routes.
import type { Message } from "@bufbuild/protobuf";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { K8sObject } from "../../src/api/meta.ts";
import { buildResourceSet, type ResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { endpointsOnly } from "../../src/controller/endpoint-fast-path.ts";
import { InputStore, InputTracker, ResultDecoder, ResultEncoder } from "../../src/controller/translation-delta.ts";
import { WorkerTranslator } from "../../src/controller/worker-translator.ts";
import { translate } from "../../src/translator/translate.ts";
import { canonical } from "../helpers/canonical-result.ts";
import { DESCRIPTORS, RESOURCE_TYPES } from "../../src/xds/resource-types.ts";
import { ownViolations } from "../../src/xds/validate/index.ts";

const OPTS = { controllerName: DEFAULT_CONTROLLER_NAME };
const G = "gateway.networking.k8s.io/v1";

// ---- a small world: one Gateway, Services with one or two ports, routes, slices ----
const SERVICES = ["a", "b", "c"];
const NAMESPACES = ["default", "other"];

interface SliceSpec {
  ns: string;
  id: number;
  service: string;
  portName: string;
  port: number;
  endpoints: { last: number; zone: string; ready: boolean; terminating: boolean }[];
}
interface RouteSpec {
  id: number;
  ns: string;
  backends: { service: string; port: number; weight: number }[];
  session: boolean;
}

const sliceArb: fc.Arbitrary<SliceSpec> = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  id: fc.integer({ min: 0, max: 3 }),
  service: fc.constantFrom(...SERVICES, "nobody"),
  portName: fc.constantFrom("http", "grpc", ""),
  port: fc.constantFrom(3000, 3001),
  endpoints: fc.array(
    fc.record({ last: fc.integer({ min: 1, max: 4 }), zone: fc.constantFrom("z1", "z2"), ready: fc.boolean(), terminating: fc.boolean() }),
    { maxLength: 3 },
  ),
});

const slice = (s: SliceSpec): K8sObject =>
  ({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: `${s.service}-${s.id}`, namespace: s.ns, labels: { "kubernetes.io/service-name": s.service } },
    addressType: "IPv4",
    ports: [{ name: s.portName, port: s.port }],
    endpoints: s.endpoints.map((e) => ({ addresses: [`10.0.${s.id}.${e.last}`], zone: e.zone, conditions: { ready: e.ready, terminating: e.terminating } })),
  }) as K8sObject;

const routeArb: fc.Arbitrary<RouteSpec> = fc.record({
  id: fc.integer({ min: 0, max: 3 }),
  ns: fc.constantFrom(...NAMESPACES),
  backends: fc.array(fc.record({ service: fc.constantFrom(...SERVICES), port: fc.constantFrom(80, 81), weight: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 2 }),
  session: fc.boolean(),
});

const route = (r: RouteSpec): K8sObject =>
  ({
    apiVersion: G,
    kind: "HTTPRoute",
    metadata: { name: `r${r.id}`, namespace: r.ns, generation: 1 },
    spec: {
      parentRefs: [{ name: "gw", namespace: "default" }],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: `/r${r.id}` } }],
          backendRefs: r.backends.map((b) => ({ name: b.service, port: b.port, weight: b.weight })),
          ...(r.session ? { sessionPersistence: { sessionName: "s", type: "Cookie" } } : {}),
        },
      ],
    },
  }) as K8sObject;

function base(): K8sObject[] {
  const objs: K8sObject[] = [
    { apiVersion: G, kind: "GatewayClass", metadata: { name: "sy", generation: 1 }, spec: { controllerName: DEFAULT_CONTROLLER_NAME } } as K8sObject,
    {
      apiVersion: G,
      kind: "Gateway",
      metadata: { name: "gw", namespace: "default", generation: 1 },
      spec: { gatewayClassName: "sy", listeners: [{ name: "http", port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "All" } } }] },
    } as K8sObject,
  ];
  for (const ns of NAMESPACES) {
    for (const name of SERVICES) {
      objs.push({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace: ns },
        spec: { ports: [{ name: "http", port: 80 }, ...(name === "c" ? [{ name: "grpc", port: 81, appProtocol: "grpc" }] : [])] },
      } as K8sObject);
    }
  }
  return objs;
}

/** An edit: slices only (the fast path's case) or a route (a full translation). */
const editArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("slice" as const), slice: sliceArb, remove: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("route" as const), route: routeArb, remove: fc.boolean() }) },
);

const keyOf = (o: K8sObject) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;

describe("EndpointSlice fast path", () => {
  it("gives translate()'s result on random edit sequences, and takes the fast path for slice-only edits", () => {
    let fastRuns = 0;
    fc.assert(
      fc.property(fc.array(routeArb, { maxLength: 3 }), fc.array(sliceArb, { maxLength: 4 }), fc.array(editArb, { minLength: 1, maxLength: 8 }), (routes, slices, edits) => {
        const world = new Map<string, K8sObject>();
        for (const o of [...base(), ...routes.map(route), ...slices.map(slice)]) world.set(keyOf(o), o);
        const tracker = new InputTracker();
        let rs = buildResourceSet(world.values());
        tracker.delta(rs);
        let result = translate(rs, OPTS);
        for (const e of edits) {
          const obj = e.kind === "slice" ? slice(e.slice) : route(e.route);
          if (e.remove) world.delete(keyOf(obj));
          else world.set(keyOf(obj), obj);
          const next = buildResourceSet(world.values());
          const delta = tracker.delta(next);
          const full = translate(next, OPTS);
          const fast = endpointsOnly(rs, result, next, delta);
          if (fast) {
            fastRuns++;
            expect(canonical(fast)).toBe(canonical(full));
          }
          rs = next;
          result = fast ?? full;
        }
      }),
      { numRuns: 150 },
    );
    // The path under test was taken (most slice-only edits of a world without session persistence).
    expect(fastRuns).toBeGreaterThan(50);
  });

  it("declines when anything but EndpointSlices changed", () => {
    const objs = [...base(), route({ id: 0, ns: "default", backends: [{ service: "a", port: 80, weight: 1 }], session: false })];
    const rs = buildResourceSet(objs);
    const tracker = new InputTracker();
    tracker.delta(rs);
    const next = buildResourceSet([...objs, route({ id: 1, ns: "default", backends: [{ service: "b", port: 80, weight: 1 }], session: false })]);
    expect(endpointsOnly(rs, translate(rs, OPTS), next, tracker.delta(next))).toBeUndefined();
  });
});

describe("change-only transfer between threads", () => {
  it("rebuilds exactly translate()'s result from the changes, on random edit sequences", () => {
    fc.assert(
      fc.property(fc.array(routeArb, { maxLength: 3 }), fc.array(editArb, { minLength: 1, maxLength: 6 }), (routes, edits) => {
        const world = new Map<string, K8sObject>();
        for (const o of [...base(), ...routes.map(route)]) world.set(keyOf(o), o);
        const tracker = new InputTracker();
        const store = new InputStore();
        const encoder = new ResultEncoder();
        const decoder = new ResultDecoder();
        const step = (rs: ResourceSet) => {
          // Through structured clone, as postMessage does.
          store.apply(structuredClone(tracker.delta(rs)));
          const got = decoder.decode(structuredClone(encoder.encode(translate(store.resourceSet(), OPTS))));
          expect(canonical(got)).toBe(canonical(translate(rs, OPTS)));
          // What the worker prepared for the xDS cache is what the cache would make itself.
          for (const g of got.gateways) {
            for (const t of RESOURCE_TYPES) {
              for (const m of g.resources[DESCRIPTORS[t].field] as Message[]) {
                const pre = decoder.prepared.get(m);
                if (!pre) continue;
                expect(Buffer.from(pre.bytes).equals(Buffer.from(DESCRIPTORS[t].encode(m)))).toBe(true);
                expect(pre.violations).toEqual(ownViolations(t, m));
              }
            }
          }
        };
        step(buildResourceSet(world.values()));
        for (const e of edits) {
          const obj = e.kind === "slice" ? slice(e.slice) : route(e.route);
          if (e.remove) world.delete(keyOf(obj));
          else world.set(keyOf(obj), obj);
          step(buildResourceSet(world.values()));
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("the translation worker", () => {
  const worker = new WorkerTranslator();
  afterAll(() => worker.close());

  it("answers an EndpointSlice-only change without translating routes, with translate()'s result", async () => {
    const objs = [
      ...base(),
      route({ id: 0, ns: "default", backends: [{ service: "a", port: 80, weight: 1 }], session: false }),
      slice({ ns: "default", id: 0, service: "a", portName: "http", port: 3000, endpoints: [{ last: 1, zone: "z1", ready: true, terminating: false }] }),
    ];
    const first = buildResourceSet(objs);
    expect(canonical(await worker.translate(first, OPTS))).toBe(canonical(translate(first, OPTS)));
    expect(worker.runs).toEqual({ full: 1, endpoints: 0, gateways: 0, unchanged: 0 });

    const moved = slice({ ns: "default", id: 0, service: "a", portName: "http", port: 3000, endpoints: [{ last: 2, zone: "z2", ready: true, terminating: false }] });
    const second = buildResourceSet([...objs.slice(0, -1), moved]);
    const got = await worker.translate(second, OPTS);
    expect(worker.runs).toEqual({ full: 1, endpoints: 1, gateways: 0, unchanged: 0 });
    expect(canonical(got)).toBe(canonical(translate(second, OPTS)));
    expect(canonical(got)).not.toBe(canonical(translate(first, OPTS)));

    // A route change translates the Gateway it names (gateway-fast-path.ts).
    const added = route({ id: 1, ns: "default", backends: [{ service: "b", port: 80, weight: 1 }], session: false });
    const third = buildResourceSet([...objs.slice(0, -1), moved, added]);
    expect(canonical(await worker.translate(third, OPTS))).toBe(canonical(translate(third, OPTS)));
    expect(worker.runs).toEqual({ full: 1, endpoints: 1, gateways: 1, unchanged: 0 });

    // The same objects again (a source woke for a change it keeps out of its inputs): nothing is translated.
    const again = buildResourceSet([...objs.slice(0, -1), moved, added]);
    expect(canonical(await worker.translate(again, OPTS))).toBe(canonical(translate(third, OPTS)));
    expect(worker.runs).toEqual({ full: 1, endpoints: 1, gateways: 1, unchanged: 1 });
  });
});
