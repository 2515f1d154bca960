// Property: malformed GRPCRoute, TCPRoute, UDPRoute and BackendLBPolicy
// objects never make translate() throw, and what it emits is valid and
// deterministic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { K8sObject } from "../../src/api/meta.ts";
import { buildResourceSet } from "../../src/api/resource-set.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import { translate } from "../../src/translator/translate.ts";
import { validateResources } from "../../src/xds/validate/index.ts";

const BASE: K8sObject[] = [
  { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "sy" }, spec: { controllerName: DEFAULT_CONTROLLER_NAME } } as K8sObject,
  {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: "gw", namespace: "default" },
    spec: {
      gatewayClassName: "sy",
      listeners: [
        { name: "http", port: 80, protocol: "HTTP" },
        { name: "tcp", port: 5000, protocol: "TCP" },
        { name: "udp", port: 5300, protocol: "UDP" },
      ],
    },
  } as K8sObject,
  { apiVersion: "v1", kind: "Service", metadata: { name: "a", namespace: "default" }, spec: { ports: [{ name: "p", port: 80 }], sessionAffinity: "ClientIP" } } as K8sObject,
  { apiVersion: "v1", kind: "Service", metadata: { name: "b", namespace: "default" }, spec: { ports: [{ name: "p", port: 80 }] } } as K8sObject,
  {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "b-1", namespace: "default", labels: { "kubernetes.io/service-name": "b" } },
    addressType: "IPv4",
    ports: [{ name: "p", port: 8080 }],
    endpoints: [{ addresses: ["10.0.0.2"] }],
  } as K8sObject,
];

const str = fc.oneof(fc.constantFrom("", "a", "b", "pkg.Svc", "Get", ".*", "(", "x-h", "Cookie", "Header", "Permanent", "Session", "1h", "0s", "10m", "bad dur", "/"), fc.string({ maxLength: 6 }));
const junk = fc.oneof(str, fc.integer({ min: -2, max: 70000 }), fc.constant(null), fc.constant(undefined), fc.boolean());
const backendRef = fc.record({ name: fc.constantFrom("a", "b", "missing"), port: fc.oneof(fc.constant(80), junk), weight: fc.oneof(fc.integer({ min: 0, max: 3 }), junk), kind: fc.oneof(fc.constant(undefined), str), filters: fc.oneof(fc.constant(undefined), fc.array(fc.record({ type: str }), { maxLength: 2 })) }, { requiredKeys: ["name"] });
const session = fc.record({ type: fc.oneof(str, junk), sessionName: fc.oneof(str, junk), absoluteTimeout: fc.oneof(str, junk), idleTimeout: fc.oneof(fc.constant(undefined), str), cookieConfig: fc.oneof(fc.constant(undefined), fc.record({ lifetimeType: fc.oneof(str, junk) })) }, { requiredKeys: [] });
const grpcMatch = fc.record({ method: fc.oneof(fc.constant(undefined), fc.record({ type: fc.oneof(fc.constant(undefined), str), service: fc.oneof(fc.constant(undefined), str), method: fc.oneof(fc.constant(undefined), str) }, { requiredKeys: [] })), headers: fc.oneof(fc.constant(undefined), fc.array(fc.record({ name: str, value: str, type: fc.oneof(fc.constant(undefined), str) }), { maxLength: 2 })) }, { requiredKeys: [] });
const parentRef = fc.record({ name: fc.constantFrom("gw", "other"), sectionName: fc.oneof(fc.constant(undefined), fc.constantFrom("http", "tcp", "udp", "nope")), port: fc.oneof(fc.constant(undefined), fc.constantFrom(80, 5000, 5300, 1)) }, { requiredKeys: ["name"] });
const meta = (kind: string) => fc.record({ name: fc.constantFrom(`${kind.toLowerCase()}-1`, `${kind.toLowerCase()}-2`), namespace: fc.constant("default"), creationTimestamp: fc.oneof(fc.constant(undefined), fc.constantFrom("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")) }, { requiredKeys: ["name", "namespace"] });

const grpcRoute = fc.record({
  apiVersion: fc.constantFrom("gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1alpha2"),
  kind: fc.constant("GRPCRoute"),
  metadata: meta("GRPCRoute"),
  spec: fc.record({
    parentRefs: fc.array(parentRef, { maxLength: 2 }),
    hostnames: fc.oneof(fc.constant(undefined), fc.array(fc.constantFrom("a.example.com", "*.example.com", "x"), { maxLength: 2 })),
    rules: fc.oneof(fc.constant(undefined), fc.array(fc.record({ name: fc.oneof(fc.constant(undefined), str), matches: fc.oneof(fc.constant(undefined), fc.array(grpcMatch, { maxLength: 2 })), backendRefs: fc.oneof(fc.constant(undefined), fc.array(backendRef, { maxLength: 3 })), sessionPersistence: fc.oneof(fc.constant(undefined), session), filters: fc.oneof(fc.constant(undefined), fc.array(fc.record({ type: str }), { maxLength: 2 })) }, { requiredKeys: [] }), { maxLength: 3 })),
  }, { requiredKeys: ["parentRefs"] }),
});
const l4Route = (kind: string) =>
  fc.record({
    apiVersion: fc.constantFrom("gateway.networking.k8s.io/v1alpha2", "gateway.networking.k8s.io/v1"),
    kind: fc.constant(kind),
    metadata: meta(kind),
    spec: fc.record({ parentRefs: fc.array(parentRef, { maxLength: 2 }), rules: fc.oneof(fc.constant(undefined), fc.array(fc.record({ backendRefs: fc.array(backendRef, { maxLength: 3 }) }), { maxLength: 2 })) }, { requiredKeys: ["parentRefs"] }),
  });
const policy = fc.record({
  apiVersion: fc.constant("gateway.networking.k8s.io/v1alpha2"),
  kind: fc.constant("BackendLBPolicy"),
  metadata: meta("BackendLBPolicy"),
  spec: fc.record({ targetRefs: fc.oneof(fc.constant(undefined), fc.array(fc.record({ group: fc.constantFrom("", "x"), kind: fc.constantFrom("Service", "Pod"), name: fc.constantFrom("a", "b", "c") }), { maxLength: 2 })), sessionPersistence: fc.oneof(fc.constant(undefined), session) }, { requiredKeys: [] }),
});
const httpRoute = fc.record({
  apiVersion: fc.constant("gateway.networking.k8s.io/v1"),
  kind: fc.constant("HTTPRoute"),
  metadata: meta("HTTPRoute"),
  spec: fc.record({ parentRefs: fc.array(parentRef, { maxLength: 2 }), hostnames: fc.oneof(fc.constant(undefined), fc.array(fc.constantFrom("a.example.com", "*.example.com"), { maxLength: 1 })), rules: fc.array(fc.record({ backendRefs: fc.array(backendRef, { maxLength: 3 }), sessionPersistence: fc.oneof(fc.constant(undefined), session) }, { requiredKeys: ["backendRefs"] }), { maxLength: 2 }) }),
});

const objects = fc.array(fc.oneof(grpcRoute, l4Route("TCPRoute"), l4Route("UDPRoute"), policy, httpRoute), { maxLength: 6 });

describe("GRPCRoute / L4 / BackendLBPolicy properties", () => {
  it("never throw, emit valid xDS, and are deterministic", () => {
    fc.assert(
      fc.property(objects, (generated) => {
        // One object per kind/name, so that input order cannot pick a different duplicate.
        const seen = new Set<string>();
        const objs = (generated as unknown as K8sObject[]).filter((o) => {
          const k = `${o.kind}/${o.metadata.name}`;
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
        const rs = buildResourceSet([...BASE, ...objs]);
        const a = translate(rs, { controllerName: DEFAULT_CONTROLLER_NAME });
        for (const g of a.gateways) expect(validateResources(g.resources).failures).toEqual([]);
        const b = translate(buildResourceSet([...BASE, ...objs].reverse()), { controllerName: DEFAULT_CONTROLLER_NAME });
        expect(JSON.stringify(b.statuses)).toBe(JSON.stringify(a.statuses));
        expect(JSON.stringify(b.gateways.map((g) => resourcesToJson(g.resources)))).toBe(JSON.stringify(a.gateways.map((g) => resourcesToJson(g.resources))));
      }),
      { numRuns: 300 },
    );
  });
});
