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
});
