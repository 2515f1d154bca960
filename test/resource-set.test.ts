import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { K8sObject } from "../src/api/meta.ts";
import { buildResourceSet, KINDS, objectKey, updateResourceSet, type Kind } from "../src/api/resource-set.ts";

describe("ResourceSet", () => {
  it("indexes by kind and key, sorted, and finds slices by service", () => {
    const rs = buildResourceSet([
      { apiVersion: "v1", kind: "Service", metadata: { name: "b", namespace: "ns" } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "a", namespace: "ns" } },
      {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: { name: "a-x", namespace: "ns", labels: { "kubernetes.io/service-name": "a" } },
      },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "ignored", namespace: "ns" } },
    ]);
    expect(rs.list("Service").map((s) => s.metadata.name)).toEqual(["a", "b"]);
    expect(rs.get("Service", "ns/b")?.metadata.name).toBe("b");
    expect(rs.endpointSlicesFor("ns", "a").map((s) => s.metadata.name)).toEqual(["a-x"]);
    expect(rs.endpointSlicesFor("ns", "b")).toEqual([]);
    expect(rs.size).toBe(3);
  });

  it("updateResourceSet gives what building from scratch gives, and shares the kinds it did not change", () => {
    const objArb = fc.record({
      kind: fc.constantFrom<Kind>("Service", "EndpointSlice", "HTTPRoute"),
      name: fc.constantFrom("a", "b", "c", "d"),
      svc: fc.constantFrom("a", "b"),
      v: fc.integer({ min: 0, max: 3 }),
    });
    const make = (o: { kind: Kind; name: string; svc: string; v: number }): K8sObject =>
      ({ apiVersion: "v1", kind: o.kind, metadata: { name: o.name, namespace: "ns", labels: { "kubernetes.io/service-name": o.svc, v: String(o.v) } } }) as K8sObject;
    fc.assert(
      fc.property(fc.array(objArb), fc.array(objArb), fc.array(objArb), (start, ups, dels) => {
        const world = new Map<string, K8sObject>();
        for (const o of start.map(make)) world.set(`${o.kind} ${objectKey(o)}`, o);
        const prev = buildResourceSet(world.values());
        for (const k of KINDS) prev.list(k); // lists made, to be shared
        const upserts = ups.map(make);
        const deletes = dels.map((d) => [d.kind, `ns/${d.name}`] as const);
        for (const [kind, key] of deletes) world.delete(`${kind} ${key}`);
        for (const o of upserts) world.set(`${o.kind} ${objectKey(o)}`, o);
        const next = updateResourceSet(prev, upserts, deletes);
        const built = buildResourceSet(world.values());
        expect(next.size).toBe(built.size);
        for (const kind of KINDS) {
          expect(next.list(kind)).toEqual(built.list(kind));
          const touched = upserts.some((o) => o.kind === kind) || deletes.some(([k, key]) => k === kind && prev.get(k, key) !== undefined);
          if (!touched) expect(next.list(kind)).toBe(prev.list(kind));
        }
        for (const svc of ["a", "b"]) expect(next.endpointSlicesFor("ns", svc)).toEqual(built.endpointSlicesFor("ns", svc));
      }),
    );
  });
});
