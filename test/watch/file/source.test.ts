import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/observability/log.ts";
import { formatFileError } from "../../../src/watch/file/load.ts";
import { FileSource } from "../../../src/watch/file/source.ts";

let dir: string;
let source: FileSource | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "switchyard-files-"));
  cpSync("examples", dir, { recursive: true });
});

afterEach(async () => {
  await source?.stop();
  source = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function start(watch = false, maxFileBytes?: number) {
  source = new FileSource({ dir, logger: silentLogger(), watch, debounceMs: 10, maxFileBytes });
  return source;
}

/** Resolves on the source's next change notification. */
function nextChange(s: FileSource): Promise<void> {
  return new Promise((resolve) => s.onChange(() => resolve()));
}

describe("file source", () => {
  it("reads every object of the examples, with API-server defaults applied", async () => {
    const s = start();
    await s.start();
    const rs = s.current();
    expect(s.synced).toBe(true);
    expect(s.errors()).toEqual([]);
    expect(rs.list("Gateway").map((g) => g.metadata.name)).toEqual(["eg"]);
    expect(rs.list("Service")).toHaveLength(2);
    expect(rs.endpointSlicesFor("default", "shop-v1")).toHaveLength(1);
    const route = rs.get("HTTPRoute", "default/shop");
    // Defaults from the CRD schema, as the API server would fill them in.
    expect(route?.spec.parentRefs?.[0]).toMatchObject({ group: "gateway.networking.k8s.io", kind: "Gateway" });
    expect(route?.spec.rules?.[0]?.backendRefs?.[0]).toMatchObject({ group: "", kind: "Service" });
    expect(rs.get("GatewayClass", "switchyard")?.metadata.namespace).toBeUndefined();
  });

  it("names the file and line of a YAML syntax error, and other files still count", async () => {
    writeFileSync(join(dir, "broken.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n");
    const s = start();
    await s.start();
    const errors = s.errors();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.file).toMatch(/broken\.yaml$/);
    expect(formatFileError(errors[0]!)).toMatch(/broken\.yaml:\d+: YAML: /);
    expect(s.current().list("Gateway")).toHaveLength(1);
  });

  it("names the file, the object and the field of a schema error", async () => {
    writeFileSync(
      join(dir, "bad-route.yaml"),
      [
        "apiVersion: gateway.networking.k8s.io/v1",
        "kind: HTTPRoute",
        "metadata: { name: bad, namespace: default }",
        "spec:",
        "  rules:",
        "    - matches:",
        "        - path: { type: Prefix, value: / }",
      ].join("\n"),
    );
    const s = start();
    await s.start();
    const [err] = s.errors();
    expect(err).toMatchObject({ object: "HTTPRoute default/bad", field: "spec.rules[0].matches[0].path.type" });
    expect(formatFileError(err!)).toContain('must be one of "Exact", "PathPrefix", "RegularExpression"');
    expect(s.current().get("HTTPRoute", "default/bad")).toBeUndefined();
    expect(s.current().get("HTTPRoute", "default/shop")).toBeDefined();
  });

  it("rejects unknown fields as kubectl's strict validation does", async () => {
    writeFileSync(
      join(dir, "typo.yaml"),
      "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: typo }\nspec:\n  rules:\n    - backendRef: []\n",
    );
    const s = start();
    await s.start();
    expect(s.errors()[0]).toMatchObject({ object: "HTTPRoute typo", field: "spec.rules[0].backendRef", message: "unknown field" });
  });

  it("accepts a Gateway in the v1.1 shape (listener tls.frontendValidation) and still rejects a typo in it", async () => {
    const gateway = (name: string, field: string) =>
      [
        "apiVersion: gateway.networking.k8s.io/v1",
        "kind: Gateway",
        `metadata: { name: ${name}, namespace: default }`,
        "spec:",
        "  gatewayClassName: switchyard",
        "  listeners:",
        "    - name: https",
        "      port: 443",
        "      protocol: HTTPS",
        "      tls:",
        "        certificateRefs: [{ name: cert }]",
        `        ${field}:`,
        "          caCertificateRefs: [{ group: '', kind: ConfigMap, name: ca }]",
      ].join("\n");
    writeFileSync(join(dir, "v11.yaml"), gateway("v11", "frontendValidation"));
    writeFileSync(join(dir, "typo.yaml"), gateway("typo", "frontendValidaton"));
    const s = start();
    await s.start();
    const listener = s.current().get("Gateway", "default/v11")?.spec.listeners?.[0] as { tls?: Record<string, unknown> } | undefined;
    expect(listener?.tls?.frontendValidation).toEqual({ caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "ca" }] });
    // Defaults of the release that accepted it are applied.
    expect(listener?.tls?.mode).toBe("Terminate");
    expect(s.errors()).toEqual([expect.objectContaining({ object: "Gateway default/typo", field: "spec.listeners[0].tls.frontendValidaton", message: "unknown field" })]);
  });

  it("keeps serving a file's last good objects when an edit breaks it", async () => {
    const s = start();
    await s.start();
    const before = s.current().get("HTTPRoute", "default/shop");
    writeFileSync(join(dir, "httproute.yaml"), "kind: HTTPRoute\napiVersion: gateway.networking.k8s.io/v1\nmetadata: {name: shop\n");
    await s.reload();
    expect(s.errors()).toHaveLength(1);
    expect(s.current().get("HTTPRoute", "default/shop")).toEqual(before);
  });

  it("reports an object defined in two files once and keeps the first", async () => {
    cpSync(join(dir, "gateway.yaml"), join(dir, "z-copy.yaml"));
    const s = start();
    await s.start();
    const dupes = s.errors().filter((e) => e.message.startsWith("already defined"));
    expect(dupes.map((e) => e.object)).toEqual(["GatewayClass switchyard", "Gateway default/eg"]);
    expect(s.current().list("Gateway")).toHaveLength(1);
  });

  it("reloads when a file changes on disk", async () => {
    const s = start(true);
    await s.start();
    const changed = nextChange(s);
    writeFileSync(
      join(dir, "ns.yaml"),
      "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels: { team: a }\n",
    );
    await changed;
    expect(s.current().get("Namespace", "team-a")?.metadata.labels).toEqual({ team: "a" });
  });

  it("forgets the objects of a deleted file", async () => {
    const s = start();
    await s.start();
    rmSync(join(dir, "httproute.yaml"));
    await s.reload();
    expect(s.current().list("HTTPRoute")).toEqual([]);
  });

  it("fails to start, naming the directory, when it is missing or not a directory", async () => {
    source = new FileSource({ dir: join(dir, "missing"), logger: silentLogger() });
    await expect(source.start()).rejects.toThrow(`config directory ${join(dir, "missing")} does not exist`);
    source = new FileSource({ dir: join(dir, "gateway.yaml"), logger: silentLogger() });
    await expect(source.start()).rejects.toThrow(`config directory ${join(dir, "gateway.yaml")} is not a directory`);
    expect(source.synced).toBe(false);
  });

  it("reports a file over the size limit without reading it, and keeps its last good objects", async () => {
    const s = start(false, 4096);
    await s.start();
    const before = s.current().get("HTTPRoute", "default/shop");
    writeFileSync(join(dir, "httproute.yaml"), `# padding\n${"#".repeat(5000)}\n`);
    await s.reload();
    expect(s.errors().map(formatFileError)).toEqual([expect.stringMatching(/httproute\.yaml: is 4\.9 KiB \(5011 bytes\), over the limit of 4 KiB per file/)]);
    expect(s.current().get("HTTPRoute", "default/shop")).toEqual(before);
    rmSync(join(dir, "httproute.yaml"));
    await s.reload();
    expect(s.errors()).toEqual([]);
    expect(s.current().get("HTTPRoute", "default/shop")).toBeUndefined();
  });

  it("skips other tools' objects with a warning, not an error", async () => {
    writeFileSync(join(dir, "app.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec: {}\n");
    const s = start();
    await s.start();
    expect(s.errors()).toEqual([]);
    expect(s.warnings().map(formatFileError)).toEqual([expect.stringMatching(/app\.yaml:1: Deployment web: apps\/v1 Deployment is not a kind switchyard reads; skipped$/)]);
    expect(s.current().list("Gateway")).toHaveLength(1);
  });

  it("re-reads only files that changed on a full reload", async () => {
    const s = start();
    await s.start();
    const gateway = s.current().get("Gateway", "default/eg");
    writeFileSync(join(dir, "ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: { name: team-b }\n");
    await s.reload();
    expect(s.current().get("Namespace", "team-b")).toBeDefined();
    // The same object, not a re-parsed copy: gateway.yaml was not read again.
    expect(s.current().get("Gateway", "default/eg")).toBe(gateway);
  });

  it("keeps the objects an edit did not change, so only the changed one is new", async () => {
    writeFileSync(join(dir, "two.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n");
    const s = start();
    await s.start();
    const [a, b] = [s.current().get("Namespace", "a"), s.current().get("Namespace", "b")];
    writeFileSync(join(dir, "two.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n  labels:\n    x: y\n");
    await s.reload();
    expect(s.current().get("Namespace", "a")).toBe(a);
    expect(s.current().get("Namespace", "b")).not.toBe(b);
    expect(s.current().get("Namespace", "b")?.metadata.labels).toEqual({ x: "y" });
  });

  it("tells its listeners the kinds that changed: an EndpointSlice edit in a file of other objects is EndpointSlices alone", async () => {
    const slice = (ip: string) => `apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s1\n  namespace: default\n  labels:\n    kubernetes.io/service-name: svc\naddressType: IPv4\nendpoints:\n  - addresses:\n      - ${ip}\n`;
    const ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n";
    writeFileSync(join(dir, "mixed.yaml"), ns + slice("10.0.0.1"));
    const s = start();
    await s.start();
    const kinds: string[][] = [];
    s.onChange((c) => kinds.push([...(c.kinds ?? ["unknown"])].sort()));
    writeFileSync(join(dir, "mixed.yaml"), ns + slice("10.0.0.2"));
    await s.reload();
    writeFileSync(join(dir, "mixed.yaml"), ns.replace("name: a", "name: b") + slice("10.0.0.2"));
    await s.reload();
    rmSync(join(dir, "mixed.yaml"));
    await s.reload();
    expect(kinds).toEqual([["EndpointSlice"], ["Namespace"], ["EndpointSlice", "Namespace"]]);
  });

  it("reports a file it cannot open as that file's error, and reads the rest", async () => {
    symlinkSync("loop.yaml", join(dir, "loop.yaml")); // opening it fails with ELOOP
    const s = start();
    await s.start();
    expect(s.errors().map(formatFileError)).toEqual([expect.stringMatching(/loop\.yaml: cannot be read: ELOOP/)]);
    expect(s.current().list("Gateway")).toHaveLength(1);
  });
});
