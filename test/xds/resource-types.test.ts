// The resource-type descriptors and the orders derived from them: the orders
// are behaviour (make-before-break, removals, the failure list, the snapshot
// version), so they are pinned here.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { TYPE_URL, emptyResources } from "../../src/api/xds.ts";
import { ClusterLoadAssignmentSchema } from "../../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { RouteConfigurationSchema } from "../../src/gen/envoy/config/route/v3/route_pb.js";
import { DEPENDENCY_ORDER, DESCRIPTORS, PUSH_ORDER, PUSH_STAGES, REMOVAL_ORDER, RESOURCE_TYPES, descriptorOfUrl, typeOfUrl } from "../../src/xds/resource-types.ts";

describe("resource-type descriptors", () => {
  it("one per type, each under its own type URL and XdsResources field", () => {
    expect([...RESOURCE_TYPES]).toEqual(Object.keys(emptyResources()).map((f) => f.slice(0, -1)));
    for (const t of RESOURCE_TYPES) {
      expect(DESCRIPTORS[t].type).toBe(t);
      expect(DESCRIPTORS[t].typeUrl).toBe(TYPE_URL[t]);
      expect(DESCRIPTORS[t].typeUrl).toBe(`type.googleapis.com/${DESCRIPTORS[t].schema.typeName}`);
      expect(descriptorOfUrl(TYPE_URL[t])).toBe(DESCRIPTORS[t]);
      expect(typeOfUrl(TYPE_URL[t])).toBe(t);
      expect(emptyResources()[DESCRIPTORS[t].field]).toEqual([]);
    }
    expect(typeOfUrl("type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig")).toBeUndefined();
  });

  it("derive the stages and orders the streams, the cache and the validator use", () => {
    expect(PUSH_STAGES).toEqual([["cluster"], ["endpoint", "secret"], ["listener"], ["route"]]);
    expect(PUSH_ORDER).toEqual(["cluster", "endpoint", "secret", "listener", "route"]);
    expect(REMOVAL_ORDER).toEqual(["listener", "route", "cluster", "endpoint", "secret"]);
    expect(DEPENDENCY_ORDER).toEqual(["secret", "cluster", "endpoint", "route", "listener"]);
    expect(RESOURCE_TYPES.filter((t) => DESCRIPTORS[t].fullState)).toEqual(["listener", "cluster"]);
    expect(RESOURCE_TYPES.filter((t) => !DESCRIPTORS[t].deferRemoval)).toEqual(["listener"]);
  });

  it("name, encode and decode a resource; endpoints are named by their cluster", () => {
    const cla = create(ClusterLoadAssignmentSchema, { clusterName: "default/echo/8080" });
    const d = DESCRIPTORS.endpoint;
    expect(d.name(cla)).toBe("default/echo/8080");
    expect(d.nameField).toBe("cluster_name");
    expect(d.name(d.decode(d.encode(cla)))).toBe("default/echo/8080");
  });

  it("carry Envoy's load-time checks for the types that have them", () => {
    const rc = create(RouteConfigurationSchema, { name: "r", virtualHosts: [{ name: "a", domains: ["*"] }, { name: "b", domains: ["*"] }] });
    expect(DESCRIPTORS.route.loadChecks(rc).map((v) => v.rule)).toEqual(["envoy.single_wildcard_domain"]);
    expect(DESCRIPTORS.secret.loadChecks(create(RouteConfigurationSchema))).toEqual([]);
  });
});
