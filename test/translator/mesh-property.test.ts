// Property tests for GAMMA: random (also malformed) Services and routes with
// Service parents never make translate() throw; the mesh snapshot is
// deterministic, passes Envoy's validate.rules and has unique names; every
// Service parentRef gets exactly one status entry.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../src/api/meta.ts";
import { buildResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { translate } from "../../src/translator/translate.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { HttpConnectionManagerSchema } from "../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { renderGolden } from "../golden/render.ts";

const NAMES = ["a", "b", "c"];
const NAMESPACES = ["p", "q"];
const PORTS = [80, 7070, 8080];

const junk = fc.oneof(fc.constant(undefined), fc.constant(null), fc.string({ maxLength: 3 }), fc.integer({ min: -2, max: 70000 }));

const servicePort = fc.record(
  {
    name: fc.oneof(fc.constantFrom("http", "grpc"), junk),
    port: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...PORTS) }, { weight: 1, arbitrary: junk }),
    protocol: fc.constantFrom("TCP", "UDP", undefined),
    appProtocol: fc.constantFrom("grpc", "kubernetes.io/h2c", undefined),
  },
  { requiredKeys: ["port"] },
);

const service = fc.record({
  name: fc.constantFrom(...NAMES),
  namespace: fc.constantFrom(...NAMESPACES),
  type: fc.constantFrom(undefined, "ClusterIP", "ExternalName"),
  clusterIP: fc.constantFrom(undefined, "None", "10.96.0.1"),
  ports: fc.oneof({ weight: 9, arbitrary: fc.array(servicePort, { maxLength: 3 }) }, { weight: 1, arbitrary: junk }),
});

const parentRef = fc.record(
  {
    group: fc.constantFrom("", "", undefined, "gateway.networking.k8s.io"),
    kind: fc.constantFrom("Service", "Service", "Gateway"),
    name: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: junk }),
    namespace: fc.oneof(fc.constantFrom(...NAMESPACES), fc.constant(undefined)),
    port: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PORTS, undefined) }, { weight: 1, arbitrary: junk }),
    sectionName: fc.constantFrom(undefined, "http", "grpc", "nope"),
  },
  { requiredKeys: ["name"] },
);

const backendRef = fc.record(
  { name: fc.oneof(fc.constantFrom(...NAMES, "gone"), junk), namespace: fc.constantFrom(undefined, ...NAMESPACES), port: fc.oneof(fc.constantFrom(...PORTS), junk), weight: fc.oneof(fc.nat(5), junk) },
  { requiredKeys: ["name"] },
);

const httpMatch = fc.record(
  {
    path: fc.record({ type: fc.constantFrom("Exact", "PathPrefix", "RegularExpression", "Bogus"), value: fc.constantFrom("/", "/x", "/x.y/", "no-slash", "/(a|b)+", "[") }),
    headers: fc.array(fc.record({ name: fc.constantFrom("x-a", "x-b", "bad header"), value: fc.constantFrom("1", "2") }), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const filter = fc.constantFrom(
  { type: "RequestRedirect", requestRedirect: { port: 8443 } },
  { type: "ResponseHeaderModifier", responseHeaderModifier: { set: [{ name: "x-r", value: "1" }] } },
  { type: "CORS", cors: { allowOrigins: ["https://a.example"] } },
  { type: "ExtensionRef", extensionRef: { group: "x", kind: "Y", name: "z" } },
);

const httpRule = fc.record({ matches: fc.array(httpMatch, { maxLength: 2 }), filters: fc.array(filter, { maxLength: 1 }), backendRefs: fc.array(backendRef, { maxLength: 3 }) }, { requiredKeys: [] });
const grpcRule = fc.record(
  { matches: fc.array(fc.record({ method: fc.record({ service: fc.constantFrom("pkg.Svc", "bad service"), method: fc.constantFrom("Get", undefined) }) }), { maxLength: 2 }), backendRefs: fc.array(backendRef, { maxLength: 3 }) },
  { requiredKeys: [] },
);

const route = fc.record({
  kind: fc.constantFrom("HTTPRoute", "GRPCRoute"),
  name: fc.constantFrom("r1", "r2", "r3"),
  namespace: fc.constantFrom(...NAMESPACES, "client"),
  parentRefs: fc.oneof({ weight: 9, arbitrary: fc.array(parentRef, { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: junk }),
  httpRules: fc.array(httpRule, { maxLength: 3 }),
  grpcRules: fc.array(grpcRule, { maxLength: 3 }),
});

const inputs = fc.record({ services: fc.array(service, { minLength: 1, maxLength: 5 }), routes: fc.array(route, { minLength: 1, maxLength: 4 }) }).map(({ services, routes }) => {
  const objs: K8sObject[] = services.map(
    (s) => ({ apiVersion: "v1", kind: "Service", metadata: { name: s.name, namespace: s.namespace }, spec: { type: s.type, clusterIP: s.clusterIP, ports: s.ports } }) as unknown as K8sObject,
  );
  for (const r of routes) {
    objs.push({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: r.kind,
      metadata: { name: r.name, namespace: r.namespace, generation: 1 },
      spec: { parentRefs: r.parentRefs, rules: r.kind === "HTTPRoute" ? r.httpRules : r.grpcRules },
    } as unknown as K8sObject);
  }
  return objs;
});

const unique = (names: string[]): boolean => new Set(names).size === names.length;

describe("mesh translate() properties", () => {
  it("never throws, is deterministic, emits valid uniquely named resources and one entry per Service parentRef", () => {
    let runs = 0;
    let withMesh = 0;
    fc.assert(
      fc.property(inputs, (objs) => {
        runs++;
        const a = translate(buildResourceSet(objs), { controllerName: DEFAULT_CONTROLLER_NAME });
        const b = translate(buildResourceSet(structuredClone(objs)), { controllerName: DEFAULT_CONTROLLER_NAME });
        expect(renderGolden(b)).toBe(renderGolden(a));
        if (a.mesh) {
          expect(validateResources(a.mesh).failures).toEqual([]);
          expect(unique(a.mesh.listeners.map((l) => l.name))).toBe(true);
          expect(unique(a.mesh.routes.map((r) => r.name))).toBe(true);
          expect(unique(a.mesh.clusters.map((c) => c.name))).toBe(true);
          // Every listener's route configuration, and every cluster a route names, is in the snapshot.
          const rcs = new Set(a.mesh.routes.map((r) => r.name));
          for (const l of a.mesh.listeners) {
            const hcm = l.apiListener?.apiListener ? anyUnpack(l.apiListener.apiListener, HttpConnectionManagerSchema) : undefined;
            const rds = hcm?.routeSpecifier.case === "rds" ? hcm.routeSpecifier.value.routeConfigName : undefined;
            expect(rds !== undefined && rcs.has(rds)).toBe(true);
          }
          const clusters = new Set(a.mesh.clusters.map((c) => c.name));
          for (const rc of a.mesh.routes) {
            for (const r of rc.virtualHosts.flatMap((vh) => vh.routes)) {
              if (r.action.case !== "route") continue;
              const spec = r.action.value.clusterSpecifier;
              const named = spec.case === "cluster" ? [spec.value] : spec.case === "weightedClusters" ? spec.value.clusters.map((c) => c.name) : [];
              for (const n of named) expect(clusters.has(n)).toBe(true);
            }
          }
          withMesh++;
        }
        const keys = a.statuses.map((s) => `${s.kind}/${s.target.namespace ?? ""}/${s.target.name}`);
        expect(unique(keys)).toBe(true);
        // Routes are keyed by kind/namespace/name; the last object of a key wins in the ResourceSet.
        const last = new Map<string, K8sObject>();
        for (const o of objs) if (o.kind !== "Service") last.set(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o);
        for (const [key, o] of last) {
          const refs = (o as unknown as { spec: { parentRefs: unknown } }).spec.parentRefs;
          const serviceRefs = Array.isArray(refs)
            ? refs.filter((p: { group?: unknown; kind?: unknown; name?: unknown }) => p.group === "" && p.kind === "Service" && typeof p.name === "string").length
            : 0;
          const s = a.statuses.find((u) => `${u.kind}/${u.target.namespace}/${u.target.name}` === key);
          const entries = s && "parents" in s ? s.parents.filter((p) => p.parentRef.kind === "Service").length : 0;
          expect(entries).toBe(serviceRefs);
        }
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 300), seed: Number(process.env.PROP_SEED ?? 1426) },
    );
    // The generator must actually reach the mesh path most of the time.
    expect(withMesh).toBeGreaterThan(runs / 3);
  }, 300_000);
});
