// conformToSchema against the status schemas of the CRDs we ship: the v1.1.0 and v1.7.0 GatewayClass
// and Gateway. The real API server's version of this is test/kube/v1.1-crds.test.ts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { conformToSchema } from "../../../src/watch/kubernetes/status-conform.ts";
import type { JsonSchema } from "../../../src/watch/kubernetes/status-schema.ts";

function statusSchema(release: string, plural: string, version = "v1"): JsonSchema {
  const dir = release === "v1.7.0" ? "deploy/crds/gateway-api-v1.7.0/experimental" : `src/api/crds/${release}`;
  const crd = parse(readFileSync(new URL(`../../../${dir}/gateway.networking.k8s.io_${plural}.yaml`, import.meta.url), "utf8")) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: { properties: { status: JsonSchema } } } }[] };
  };
  return crd.spec.versions.find((v) => v.name === version)!.schema.openAPIV3Schema.properties.status;
}

const classStatus = {
  conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message: "ok", lastTransitionTime: "2026-01-01T00:00:00Z", observedGeneration: 1 }],
  supportedFeatures: [{ name: "Gateway" }, { name: "HTTPRoute" }],
};

describe("conformToSchema", () => {
  it("v1.1: GatewayClass supportedFeatures become a list of strings", () => {
    expect(conformToSchema(classStatus, statusSchema("v1.1.0", "gatewayclasses"))).toEqual({ ...classStatus, supportedFeatures: ["Gateway", "HTTPRoute"] });
  });

  it("v1.7: the same status is left as it is", () => {
    expect(conformToSchema(classStatus, statusSchema("v1.7.0", "gatewayclasses"))).toEqual(classStatus);
  });

  it("drops fields the installed schema does not have (v1.7 Gateway fields on a v1.1 CRD)", () => {
    const status = { addresses: [{ type: "IPAddress", value: "192.0.2.1", routability: "Public" }], attachedListenerSets: 2, listeners: [] };
    expect(conformToSchema(status, statusSchema("v1.1.0", "gateways"))).toEqual({ addresses: [{ type: "IPAddress", value: "192.0.2.1" }], listeners: [] });
  });
});
