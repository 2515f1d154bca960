import { describe, expect, it } from "vitest";
import { buildResourceSet } from "../src/api/resource-set.ts";

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
});
