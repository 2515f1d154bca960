// CRD validation beyond JSON Schema in the file source: CEL rules (x-kubernetes-validations) and list-map
// keys, for every CRD set the repository has (whatever src/api/crds ships, and deploy/crds).
// Agreement with a real API server on random objects: test/kube/agreement.ts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { checkRules, planAllRules } from "../../../src/watch/file/crd-rules.ts";
import { SchemaValidator, shippedCrdDirs } from "../../../src/watch/file/schemas.ts";

const ROOT = join(import.meta.dirname, "../../..");
const DEPLOYED = ["experimental", "standard"].map((c) => join(ROOT, "deploy/crds/gateway-api-v1.7.0", c));
const G = "gateway.networking.k8s.io/v1";

const gateway = (listeners: unknown[]) => ({ apiVersion: G, kind: "Gateway", metadata: { name: "gw", namespace: "ns" }, spec: { gatewayClassName: "c", listeners } });

describe("CRD rules", () => {
  it("every CEL rule of every CRD set plans with the Kubernetes functions provided", () => {
    for (const dir of [...shippedCrdDirs(), ...DEPLOYED]) {
      let rules = 0;
      for (const f of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
        for (const doc of parseAllDocuments(readFileSync(join(dir, f), "utf8"))) {
          const crd = doc.toJS() as { kind?: string; spec?: { versions?: { schema?: { openAPIV3Schema?: Record<string, unknown> } }[] } } | null;
          if (crd?.kind !== "CustomResourceDefinition") continue;
          for (const v of crd.spec?.versions ?? []) if (v.schema?.openAPIV3Schema) rules += planAllRules(v.schema.openAPIV3Schema);
        }
      }
      expect(rules, dir).toBeGreaterThan(50);
    }
  });

  it("duplicate listener names (a list-map key) are refused, at the duplicate", () => {
    const v = new SchemaValidator();
    const errors = v.validate(gateway([{ name: "a", port: 80, protocol: "HTTP" }, { name: "a", port: 81, protocol: "HTTP" }]));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.field)).toContain("spec.listeners[1]");
    expect(errors.find((e) => e.field === "spec.listeners[1]")?.message).toContain("name=");
  });

  it("a CEL rule refuses what the API server refuses, with the CRD's message", () => {
    const v = new SchemaValidator();
    // HTTPS terminates TLS; HTTP must not have it.
    const https = v.validate(gateway([{ name: "a", port: 443, protocol: "HTTPS", tls: { mode: "Passthrough", certificateRefs: [{ name: "c" }] } }]));
    expect(https.map((e) => e.message).join("\n")).toContain("tls mode must be Terminate for protocol HTTPS");
    const http = v.validate(gateway([{ name: "a", port: 80, protocol: "HTTP", tls: { certificateRefs: [{ name: "c" }] } }]));
    expect(http.map((e) => e.message).join("\n")).toContain("tls must not be specified");
    // A PathPrefix must start with "/".
    const route = v.validate({ apiVersion: G, kind: "HTTPRoute", metadata: { name: "r", namespace: "ns" }, spec: { rules: [{ matches: [{ path: { type: "PathPrefix", value: "foo" } }] }] } });
    expect(route.length).toBeGreaterThan(0);
    expect(route[0]!.field).toMatch(/^spec\.rules\[0\]\.matches\[0\]\.path/);
    // And valid objects still pass.
    expect(v.validate(gateway([{ name: "a", port: 80, protocol: "HTTP" }, { name: "b", port: 443, protocol: "HTTPS", tls: { certificateRefs: [{ name: "c" }] } }]))).toEqual([]);
  });

  it("rules see integers as CEL ints and skip absent values; a transition rule (oldSelf) is not applied on create", () => {
    const schema = {
      type: "object",
      properties: {
        port: { type: "integer", "x-kubernetes-validations": [{ rule: "self >= 1 && self <= 65535", message: "port out of range" }] },
        name: { type: "string", "x-kubernetes-validations": [{ rule: "self == oldSelf", message: "immutable" }] },
        opt: { type: "string", "x-kubernetes-validations": [{ rule: "self.startsWith('x')", message: "must start with x" }] },
      },
      "x-kubernetes-validations": [{ rule: "!has(self.opt) || self.port == 80", message: "opt needs port 80" }],
    };
    expect(checkRules(schema, { port: 80, name: "n" })).toEqual([]);
    expect(checkRules(schema, { port: 0 })).toEqual([{ path: ["port"], message: "port out of range" }]);
    expect(checkRules(schema, { port: 81, opt: "y" }).map((e) => e.message).sort()).toEqual(["must start with x", "opt needs port 80"]);
    // A rule that reads an absent field errors, and the server refuses the object then too.
    expect(checkRules({ type: "object", "x-kubernetes-validations": [{ rule: "self.missing == 1" }] }, {})[0]?.message).toMatch(/^rule evaluation error/);
  });
});
