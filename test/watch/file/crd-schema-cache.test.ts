// The CRD schema cache: an unchanged file costs a stat, a changed one is read again, even when its
// size and mtime are what they were before.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cachedCrdSchemas, type CrdSchemaList } from "../../../src/watch/file/crd-schema-cache.ts";
import { SchemaValidator } from "../../../src/watch/file/schemas.ts";

/** A GatewayClass CRD whose spec.controllerName must be `controller` (give every value the same length). */
const crd = (controller: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gatewayclasses.gateway.networking.k8s.io}
spec:
  group: gateway.networking.k8s.io
  names: {kind: GatewayClass, plural: gatewayclasses}
  versions:
    - name: v1
      served: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {controllerName: {type: string, enum: [${controller}]}}}
`;
const FILE = "gateway.networking.k8s.io_gatewayclasses.yaml";
/** Long after any file of the test was written: a stat may be trusted then. */
const later = () => BigInt(Date.now() + 60_000) * 1_000_000n;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "switchyard-crd-cache-"));
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

/** cachedCrdSchemas over one cache directory, counting the file reads and YAML parses. */
function counted(nowNs?: () => bigint) {
  const n = { reads: 0, parses: 0 };
  const read = (p: string) => {
    n.reads++;
    return readFileSync(p, "utf8");
  };
  const parse = (text: string): CrdSchemaList => {
    n.parses++;
    return [["enum", { value: /enum: \[(\w+)\]/.exec(text)?.[1] }]];
  };
  const load = (path: string) => cachedCrdSchemas(path, parse, { dir: join(dir, "cache"), read, ...(nowNs ? { nowNs } : {}) });
  return { n, load };
}

describe("the CRD schema cache", () => {
  it("an unchanged file is neither read nor parsed on the next start", () => {
    const path = join(dir, FILE);
    writeFileSync(path, crd("aaa"));
    const first = counted(later);
    expect(first.load(path)).toEqual([["enum", { value: "aaa" }]]);
    expect(first.n).toEqual({ reads: 1, parses: 1 });
    const next = counted(later);
    expect(next.load(path)).toEqual([["enum", { value: "aaa" }]]);
    expect(next.n).toEqual({ reads: 0, parses: 0 });
  });

  it("a changed file is read and parsed again, though its size and mtime are the old ones", () => {
    const path = join(dir, FILE);
    const OLD = 1_700_000_000; // whole seconds: utimes sets them exactly
    writeFileSync(path, crd("aaa"));
    utimesSync(path, OLD, OLD);
    const before = statSync(path, { bigint: true });
    counted(later).load(path);
    writeFileSync(path, crd("bbb"));
    utimesSync(path, OLD, OLD);
    const after = statSync(path, { bigint: true });
    expect([after.size, after.mtimeNs]).toEqual([before.size, before.mtimeNs]);
    const next = counted(later);
    expect(next.load(path)).toEqual([["enum", { value: "bbb" }]]);
    expect(next.n).toEqual({ reads: 1, parses: 1 });
  });

  it("a file written just now is read again next time (its timestamp tick is not over), but parsed once", () => {
    const path = join(dir, FILE);
    writeFileSync(path, crd("aaa"));
    const now = () => statSync(path, { bigint: true }).ctimeNs;
    counted(now).load(path);
    const next = counted(now);
    expect(next.load(path)).toEqual([["enum", { value: "aaa" }]]);
    expect(next.n).toEqual({ reads: 1, parses: 0 });
  });

  it("no file: nothing, and nothing cached", () => {
    const c = counted(later);
    expect(c.load(join(dir, FILE))).toBeUndefined();
    expect(c.n).toEqual({ reads: 0, parses: 0 });
  });

  it("a validator started after a CRD file changed validates by the new file", () => {
    const crds = join(dir, "crds");
    mkdirSync(crds);
    vi.stubEnv("XDG_CACHE_HOME", join(dir, "xdg"));
    const gc = (controllerName: string) => ({ apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "x" }, spec: { controllerName } });
    writeFileSync(join(crds, FILE), crd("aaa"));
    expect(new SchemaValidator({ crdDirs: [crds] }).validate(gc("aaa"))).toEqual([]);
    writeFileSync(join(crds, FILE), crd("bbb"));
    const v = new SchemaValidator({ crdDirs: [crds] });
    expect(v.validate(gc("bbb"))).toEqual([]);
    expect(v.validate(gc("aaa"))).toMatchObject([{ field: "spec.controllerName", message: 'must be one of "bbb"' }]);
  });
});
