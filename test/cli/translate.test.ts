import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../helpers/cli.ts";

const run = runCli;

describe("switchyard translate", () => {
  it("prints each Gateway's resources, each with its @type", async () => {
    const r = await run(["translate", "-f", "examples"]);
    expect(r.code).toBe(0);
    const doc = parse(r.out);
    const eg = doc.xds["default/eg"];
    expect(Object.keys(eg).sort()).toEqual(["cluster", "endpoint", "listener", "route", "secret"]);
    expect(eg.listener[0]["@type"]).toBe("type.googleapis.com/envoy.config.listener.v3.Listener");
    expect(eg.cluster.map((c: { name: string }) => c.name)).toHaveLength(2);
    expect(doc.objects).toBeUndefined();
  });

  it("prints one type as JSON with --type and -o json", async () => {
    const r = await run(["translate", "-f", "examples", "--type", "route", "-o", "json"]);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc.xds["default/eg"])).toEqual(["route"]);
  });

  it("adds the input objects with their computed status with --with-status", async () => {
    const r = await run(["translate", "-f", "examples", "--with-status"]);
    const objects = parse(r.out).objects as { kind: string; status: { conditions?: { type: string; status: string }[]; parents?: unknown[] } }[];
    const gw = objects.find((o) => o.kind === "Gateway");
    expect(gw?.status.conditions?.find((c) => c.type === "Programmed")?.status).toBe("True");
    const route = objects.find((o) => o.kind === "HTTPRoute");
    expect(route?.status.parents).toHaveLength(1);
  });

  it("keeps other controllers' status entries on routes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-translate-"));
    writeFileSync(
      join(dir, "route-status.yaml"),
      [
        "apiVersion: gateway.networking.k8s.io/v1",
        "kind: HTTPRoute",
        "metadata: { name: shop, namespace: default }",
        "spec: { parentRefs: [{ name: eg }] }",
        "status:",
        "  parents:",
        "    - parentRef: { name: other-gw }",
        "      controllerName: example.com/other",
        "      conditions: [{ type: Accepted, status: 'True', reason: Accepted, message: ok, lastTransitionTime: '2026-01-01T00:00:00Z' }]",
      ].join("\n"),
    );
    const r = await run(["translate", "-f", "examples/gateway.yaml", "-f", join(dir, "route-status.yaml"), "--with-status"]);
    const route = parse(r.out).objects.find((o: { kind: string }) => o.kind === "HTTPRoute");
    expect(route.status.parents.map((p: { controllerName: string }) => p.controllerName)).toEqual([
      "example.com/other",
      "switchyard.dev/gateway-controller",
    ]);
  });

  it("exits 1 and names the file, object and field of invalid input", async () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-translate-"));
    writeFileSync(join(dir, "bad.yaml"), "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: g }\nspec: { listeners: [] }\n");
    const r = await run(["translate", "-f", join(dir, "bad.yaml")]);
    expect(r.code).toBe(1);
    // A missing field is named at its parent's line (spec:), not the object's first line.
    expect(r.err).toContain("bad.yaml:4: Gateway g: spec.gatewayClassName: is required");
    expect(r.out).toBe("");
  });

  it("exits 1 for a missing file and 2 for a bad flag value", async () => {
    expect((await run(["translate", "-f", "/nonexistent.yaml"])).err).toContain("/nonexistent.yaml: no such file or directory");
    expect((await run(["translate", "-f", "examples", "-o", "xml"])).code).toBe(2);
    expect((await run(["translate", "-f", "examples", "--type", "listeners"])).code).toBe(2);
    expect((await run(["translate"])).code).toBe(2);
  });

  it("gives byte-identical output for the same input", async () => {
    const a = await run(["translate", "-f", "examples", "--with-status"]);
    const b = await run(["translate", "-f", "examples", "--with-status"]);
    expect(a.out).toBe(b.out);
  });

  it("skips other kinds with a warning naming file, line and kind, and warns about routes without their parent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-translate-"));
    writeFileSync(
      join(dir, "mixed.yaml"),
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: { name: web, namespace: prod }",
        "spec: {}",
        "---",
        "apiVersion: gateway.networking.k8s.io/v1",
        "kind: HTTPRoute",
        "metadata: { name: orphan }",
        "spec: { parentRefs: [{ name: eg }, { name: nope, namespace: other }] }",
      ].join("\n"),
    );
    const r = await run(["translate", "-f", "examples/gateway.yaml", "-f", join(dir, "mixed.yaml")]);
    expect(r.code).toBe(0);
    expect(r.err.split("\n").filter(Boolean)).toEqual([
      `warning: ${join(dir, "mixed.yaml")}:1: Deployment prod/web: apps/v1 Deployment is not a kind switchyard reads; skipped`,
      `warning: ${join(dir, "mixed.yaml")}:6: HTTPRoute default/orphan: spec.parentRefs[1]: Gateway other/nope is not among the inputs`,
    ]);
    expect(parse(r.out).xds["default/eg"]).toBeDefined();
  });

  it("warns when the inputs hold no objects", async () => {
    const dir = mkdtempSync(join(tmpdir(), "switchyard-translate-"));
    writeFileSync(join(dir, "empty.yaml"), "# nothing yet\n");
    const r = await run(["translate", "-f", dir]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("warning: no Gateway API or core objects in the inputs; nothing to translate\n");
  });

  it("exits 1 naming a file over --max-file-size and its size", async () => {
    const r = await run(["translate", "-f", "examples/httproute.yaml", "--max-file-size", "100"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/examples\/httproute\.yaml: is \d+ bytes, over the limit of 100 bytes per file \(--max-file-size\); not read/);
    expect((await run(["translate", "-f", "examples", "--max-file-size", "lots"])).code).toBe(2);
  });
});
