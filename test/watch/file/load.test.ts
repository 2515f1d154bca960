// loadYaml: where errors point (the field's own line), how many are listed,
// and which objects are skipped rather than rejected.
import { beforeAll, describe, expect, it } from "vitest";
import { formatFileError, loadYaml, loadYamlSliced, MAX_ERRORS_PER_OBJECT } from "../../../src/watch/file/load.ts";
import { SchemaValidator } from "../../../src/watch/file/schemas.ts";

let validator: SchemaValidator;
beforeAll(() => {
  validator = new SchemaValidator();
});

const route = (name: string, rules: string[]) =>
  ["apiVersion: gateway.networking.k8s.io/v1", "kind: HTTPRoute", `metadata: { name: ${name}, namespace: default }`, "spec:", "  parentRefs: [{ name: eg }]", "  rules:", ...rules].join("\n");

describe("loadYaml", () => {
  it("names each field's own line and lists every error of an object, in file order", () => {
    const text = [
      "# a comment first",
      route("bad", [
        "    - matches:",
        "        - path: { type: Prefix, value: / }", // line 9
        "      backendRef: []", // line 10
        "    - filters:",
        "        - type: Nope", // line 12
      ]),
    ].join("\n");
    const { errors, objects } = loadYaml("r.yaml", text, validator);
    expect(objects).toEqual([]);
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [9, "spec.rules[0].matches[0].path.type"],
      [10, "spec.rules[0].backendRef"],
      [12, "spec.rules[1].filters[0].type"],
    ]);
    expect(formatFileError(errors[1]!)).toBe("r.yaml:10: HTTPRoute default/bad: spec.rules[0].backendRef: unknown field");
  });

  it("names a missing field at its parent's line", () => {
    const text = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: g }\n\nspec:\n  listeners: []\n";
    const [err] = loadYaml("g.yaml", text, validator).errors;
    expect(err).toMatchObject({ line: 5, field: "spec.gatewayClassName", message: "is required" });
  });

  it(`lists at most ${MAX_ERRORS_PER_OBJECT} errors of an object and counts the rest`, () => {
    const rules = Array.from({ length: 14 }, (_, i) => `    - { matches: [{ path: { type: Bad${i}, value: / } }] }`);
    const { errors } = loadYaml("many.yaml", route("many", rules), validator);
    expect(errors).toHaveLength(MAX_ERRORS_PER_OBJECT + 1);
    expect(errors.slice(0, MAX_ERRORS_PER_OBJECT).map((e) => e.line)).toEqual(Array.from({ length: 10 }, (_, i) => 7 + i));
    expect(errors.at(-1)).toMatchObject({ object: "HTTPRoute default/many", message: "and 4 more errors" });
  });

  it("gives documents after many others their right lines", () => {
    const docs = Array.from({ length: 500 }, (_, i) => `apiVersion: v1\nkind: Namespace\nmetadata: { name: ns-${i} }`);
    docs.push("apiVersion: v1\nkind: Namespace\nmetadata: { name: last, labels: oops }");
    const { errors, objects } = loadYaml("ns.yaml", docs.join("\n---\n"), validator);
    expect(objects).toHaveLength(500);
    expect(objects[499]!.line).toBe(499 * 4 + 1);
    expect(errors).toMatchObject([{ line: 500 * 4 + 3, field: "metadata.labels" }]);
  });

  it("points into List items", () => {
    const text = ["apiVersion: v1", "kind: List", "items:", "  - apiVersion: v1", "    kind: Namespace", "    metadata: { name: a }", "  - apiVersion: v1", "    kind: Namespace", "    metadata: { name: 7 }"].join("\n");
    const { errors, objects } = loadYaml("list.yaml", text, validator);
    expect(objects.map((o) => [o.object.metadata.name, o.line])).toEqual([["a", 4]]);
    expect(errors).toMatchObject([{ line: 9, field: "metadata.name" }]);
  });

  it("skips other tools' kinds with a warning naming the line and kind, but rejects unknown Gateway API versions", () => {
    const text = [
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: prod }\nspec: {}",
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: ing }",
      "apiVersion: gateway.networking.k8s.io/v9\nkind: HTTPRoute\nmetadata: { name: future }",
      "apiVersion: v1\nkind: Namespace\nmetadata: { name: ok }",
    ].join("\n---\n");
    const { objects, errors, warnings } = loadYaml("mixed.yaml", text, validator);
    expect(warnings.map(formatFileError)).toEqual([
      "mixed.yaml:1: Deployment prod/web: apps/v1 Deployment is not a kind switchyard reads; skipped",
      "mixed.yaml:6: Ingress ing: networking.k8s.io/v1 Ingress is not a kind switchyard reads; skipped",
    ]);
    expect(errors).toMatchObject([{ line: 10, object: "HTTPRoute future", field: "apiVersion" }]);
    expect(objects.map((o) => o.object.metadata.name)).toEqual(["ok"]);
  });

  it("skips valid objects of Gateway API kinds it does not implement (the experimental X kinds) with a warning naming file and object", () => {
    const text = [
      "apiVersion: gateway.networking.x-k8s.io/v1alpha1\nkind: XBackend\nmetadata: { name: ext, namespace: default }\nspec:\n  type: ExternalHostname\n  externalHostname: { hostname: example.com }\n  port: { number: 443 }",
      "apiVersion: gateway.networking.x-k8s.io/v1alpha1\nkind: XBackendTrafficPolicy\nmetadata: { name: p }\nspec:\n  targetRefs: [{ group: \"\", kind: Service, name: svc }]",
      "apiVersion: gateway.networking.x-k8s.io/v1alpha1\nkind: XBackend\nmetadata: { name: bad }\nspec: { type: ExternalHostname, externalHostname: { hostname: example.com }, port: { number: 0 } }",
      "apiVersion: v1\nkind: Namespace\nmetadata: { name: ok }",
    ].join("\n---\n");
    const { objects, errors, warnings } = loadYaml("x.yaml", text, validator);
    expect(warnings.map(formatFileError)).toEqual([
      "x.yaml:1: XBackend default/ext: gateway.networking.x-k8s.io/v1alpha1 XBackend is a Gateway API kind switchyard does not implement; skipped",
      "x.yaml:9: XBackendTrafficPolicy p: gateway.networking.x-k8s.io/v1alpha1 XBackendTrafficPolicy is a Gateway API kind switchyard does not implement; skipped",
    ]);
    // Still validated as the API server would: an invalid one is an error, not a warning.
    expect(errors).toMatchObject([{ object: "XBackend bad", field: "spec.port.number" }]);
    expect(objects.map((o) => o.object.metadata.name)).toEqual(["ok"]);
  });
});

describe("loadYamlSliced", () => {
  const many = Array.from({ length: 300 }, (_, i) => route(`r${i}`, ["    - backendRefs: [{ name: svc, port: 80 }]"])).join("\n---\n") + "\n---\n" + route("bad", ["    - matches: [{ path: { type: Nope } }]"]);

  it("gives what loadYaml gives, errors and lines included", async () => {
    const sliced = await loadYamlSliced("many.yaml", many, validator, 0);
    const whole = loadYaml("many.yaml", many, validator);
    expect(sliced).toEqual(whole);
    expect(whole.objects).toHaveLength(300);
    expect(whole.errors.length).toBeGreaterThan(0);
  });

  it("lets the event loop run while it reads", async () => {
    const order: string[] = [];
    setImmediate(() => order.push("event loop turn"));
    await loadYamlSliced("many.yaml", many, validator, 0).then(() => order.push("loaded"));
    expect(order).toEqual(["event loop turn", "loaded"]);
    // loadYaml, the control, holds the loop until it is done.
    order.length = 0;
    setImmediate(() => order.push("event loop turn"));
    loadYaml("many.yaml", many, validator);
    order.push("loaded");
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(["loaded", "event loop turn"]);
  });
});
