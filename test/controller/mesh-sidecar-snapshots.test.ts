// serve --mesh-sidecars: the controller publishes each namespace's sidecar view as the snapshot
// mesh-sidecar/<namespace> beside the mesh snapshot, and drops them with the option off.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { meshSidecarSnapshotKey } from "../../src/api/xds.ts";
import type { ControlPlane } from "../../src/controller/run.ts";
import { startFilePlane } from "../helpers/file-plane.ts";
import { parseManifests } from "../translator/load.ts";

const DIR = join(import.meta.dirname, "..", "conformance", "manifests");
const NS = "gateway-conformance-mesh";
const CONSUMER = "gateway-conformance-mesh-consumer";
const IPS: Record<string, string> = { echo: "10.96.0.10", "echo-v1": "10.96.0.11", "echo-v2": "10.96.0.12" };

let plane: ControlPlane | undefined;
let dir = "";
afterEach(async () => {
  await plane?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(meshSidecars: boolean): Promise<ControlPlane> {
  dir = mkdtempSync(join(tmpdir(), "sy-mesh-sidecars-"));
  const objects = [readFileSync(join(DIR, "mesh-manifests.yaml"), "utf8"), readFileSync(join(DIR, "tests", "mesh", "mesh-consumer-route.yaml"), "utf8")]
    .flatMap(parseManifests)
    .map((o) => (o.kind === "Service" && o.metadata.namespace === NS ? { ...o, spec: { ...(o as unknown as { spec: object }).spec, clusterIP: IPS[o.metadata.name] } } : o));
  writeFileSync(join(dir, "mesh.yaml"), objects.map((o) => stringify(o)).join("---\n"));
  ({ plane } = await startFilePlane(dir, { translatorOptions: meshSidecars ? { meshSidecars: true } : {} }));
  return plane;
}

const listenerNames = (p: ControlPlane, key: string) => p.cache.getSnapshot(key)?.resources.listeners.map((l) => l.name);

describe("mesh sidecar snapshots", () => {
  it("publishes every namespace's view: consumer listeners for the consumer namespace, producer ones elsewhere", async () => {
    const p = await start(true);
    expect(p.cache.keys()).toEqual(expect.arrayContaining(["mesh", meshSidecarSnapshotKey(NS), meshSidecarSnapshotKey(CONSUMER)]));
    expect(listenerNames(p, meshSidecarSnapshotKey(NS))).toContain("sidecar/10.96.0.11:80");
    const consumer = listenerNames(p, meshSidecarSnapshotKey(CONSUMER)) ?? [];
    expect(consumer).toContain(`mesh/ns/${CONSUMER}/sidecar/10.96.0.11:80`);
    expect(consumer).not.toContain("sidecar/10.96.0.11:80");
    expect(consumer.some((n) => !n.includes("sidecar/"))).toBe(false);
  });

  it("publishes no sidecar snapshot without the option", async () => {
    const p = await start(false);
    expect(p.cache.keys()).toContain("mesh");
    expect(p.cache.keys().filter((k) => k.startsWith("mesh-sidecar/"))).toEqual([]);
  });
});
