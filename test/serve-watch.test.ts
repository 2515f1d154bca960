// The control plane over a watched directory: a file replaced by rename and
// then edited in place must change the served snapshot and /api/errors, the
// case that fs.watch(recursive) used to lose while /readyz stayed 200.
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ControlPlane } from "../src/controller/run.ts";
import type { FileSource } from "../src/watch/file/source.ts";
import { until } from "./helpers/until.ts";
import { startFilePlane } from "./helpers/file-plane.ts";

let dir: string;
let files: FileSource;
let plane: ControlPlane;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "switchyard-serve-watch-"));
  cpSync("examples", dir, { recursive: true });
  ({ files, plane } = await startFilePlane(dir, { watch: true, debounceMs: 10 }));
});

afterAll(async () => {
  await plane?.close();
  rmSync(dir, { recursive: true, force: true });
});

const route = (host: string) =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: shop, namespace: default }\nspec:\n  parentRefs: [{ name: eg }]\n  hostnames: [${host}]\n  rules: [{ backendRefs: [{ name: shop-v1, port: 8080 }] }]\n`;

/** The domains the served snapshot routes. */
const servedDomains = () =>
  (plane.cache.getSnapshot("default/eg")?.resources.routes ?? []).flatMap((rc) => rc.virtualHosts.flatMap((vh) => vh.domains)).sort().join(",");

/** Wakes after each file change once the controller has published its translation. */
const published = (wake: () => void) => files.onChange(() => void plane.controller.idle().then(wake));

async function api(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${plane.adminPort}${path}`);
  return { status: res.status, body: await res.json() };
}

describe("serve over a watched directory", () => {
  it("serves a rename-replace, the in-place edit after it, and a broken edit's error until it is fixed", async () => {
    const file = join(dir, "httproute.yaml");
    expect(servedDomains()).toContain("shop.example.com");

    writeFileSync(`${file}.tmp`, route("renamed.example.com"));
    renameSync(`${file}.tmp`, file);
    await until("renamed.example.com served", servedDomains, (d) => d.includes("renamed.example.com"), published);

    writeFileSync(file, route("edited.example.com"));
    await until("edited.example.com served", servedDomains, (d) => d.includes("edited.example.com"), published);

    writeFileSync(file, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: [\n");
    const errorsOf = () => files.errors().map((e) => e.file.split("/").at(-1)).join(",");
    await until("the broken file listed", errorsOf, (f) => f === "httproute.yaml", published);
    expect((await api("/api/errors")).body).toMatchObject([{ file: expect.stringContaining("httproute.yaml") }]);
    expect(servedDomains()).toContain("edited.example.com");

    writeFileSync(file, route("fixed.example.com"));
    await until("fixed.example.com served", servedDomains, (d) => d.includes("fixed.example.com"), published);
    expect((await api("/api/errors")).body).toEqual([]);
    expect((await api("/readyz")).status).toBe(200);
  });
});
