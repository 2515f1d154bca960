// Property tests: random messages of every resource type (built from the
// descriptors, so every field kind and rule kind gets exercised) never make
// the evaluator throw, and its verdict depends only on the message content.
import { create, fromBinary, ScalarType, toBinary, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { XdsResources } from "../../../src/api/xds.ts";
import { ClusterSchema, type Cluster } from "../../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema, type ClusterLoadAssignment } from "../../../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema, type Listener } from "../../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema, type RouteConfiguration } from "../../../src/gen/envoy/config/route/v3/route_pb.js";
import { RouterSchema } from "../../../src/gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import { HttpConnectionManagerSchema } from "../../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { DownstreamTlsContextSchema } from "../../../src/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { SecretSchema, type Secret } from "../../../src/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { validateMessage, validateResources } from "../../../src/xds/validate/index.ts";

/** A small deterministic PRNG, so fast-check drives generation through one seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof rng>;

const STRINGS = ["", "a", "x-header", ":authority", "bad\nvalue", "tab\there", "/api", "/api/", "ünïcödé", "😀", "a b", "\u0000", "*.example.com", "10.0.0.1", "::1"];
const PACKABLE: DescMessage[] = [HttpConnectionManagerSchema, RouterSchema, DownstreamTlsContextSchema, ClusterLoadAssignmentSchema];

function scalar(t: ScalarType, r: Rng): unknown {
  switch (t) {
    case ScalarType.STRING:
      return r.chance(0.2) ? "y".repeat(r.int(20000)) : STRINGS[r.int(STRINGS.length)];
    case ScalarType.BYTES:
      return new Uint8Array(r.int(20)).map(() => r.int(256));
    case ScalarType.BOOL:
      return r.chance(0.5);
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return [0, -1, 0.5, 100, 101, 1e9][r.int(6)];
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return BigInt([0, -1, 1, 65536, -(2 ** 40)][r.int(5)] ?? 0);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return BigInt([0, 1, 65535, 2 ** 40][r.int(4)] ?? 0);
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return [0, 1, 200, 599, 600, 65535, 65536, 4294967295][r.int(8)];
    default:
      return [0, -1, 1, 2147483647][r.int(4)];
  }
}

function elem(f: DescField, kind: "scalar" | "enum" | "message", r: Rng, depth: number): unknown {
  if (kind === "scalar") return scalar(f.scalar as ScalarType, r);
  if (kind === "enum") {
    const vals = f.enum?.values ?? [];
    return r.chance(0.1) ? 99 : (vals[r.int(vals.length)]?.number ?? 0);
  }
  return message(f.message as DescMessage, r, depth + 1);
}

/** A random init object for `desc`; deeper levels fill fewer fields so messages stay finite. */
function init(desc: DescMessage, r: Rng, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fill = depth > 5 ? 0.05 : 0.5;
  for (const o of desc.oneofs) {
    if (!r.chance(fill + 0.2)) continue;
    const f = o.fields[r.int(o.fields.length)];
    if (!f || f.fieldKind === "list" || f.fieldKind === "map") continue;
    out[o.localName] = { case: f.localName, value: elem(f, f.fieldKind, r, depth) };
  }
  for (const f of desc.fields) {
    if (f.oneof || !r.chance(fill)) continue;
    if (f.fieldKind === "list") out[f.localName] = Array.from({ length: r.int(3) }, () => elem(f, f.listKind, r, depth));
    else if (f.fieldKind === "map") out[f.localName] = Object.fromEntries(Array.from({ length: r.int(3) }, (_, i) => [String(STRINGS[r.int(STRINGS.length)] ?? i), elem(f, f.mapKind, r, depth)]));
    else if (f.fieldKind === "message" && f.message.typeName.startsWith("google.protobuf.") && !["google.protobuf.Duration", "google.protobuf.Any"].includes(f.message.typeName)) {
      continue; // wrappers, Struct and friends: their local forms differ; rules on wrappers are covered elsewhere
    } else out[f.localName] = elem(f, f.fieldKind, r, depth);
  }
  return out;
}

function message(desc: DescMessage, r: Rng, depth: number): unknown {
  if (desc.typeName === "google.protobuf.Duration") return { seconds: BigInt(r.int(5) - 1), nanos: r.chance(0.2) ? -1 : r.int(1000) };
  if (desc.typeName === "google.protobuf.Any") {
    if (r.chance(0.2)) return { typeUrl: "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router", value: new Uint8Array([r.int(256), r.int(256)]) };
    const d = PACKABLE[r.int(PACKABLE.length)] as DescMessage;
    return depth > 6 ? anyPack(RouterSchema, create(RouterSchema)) : anyPack(d, create(d, init(d, r, depth + 1) as never) as Message);
  }
  if (desc.typeName.startsWith("google.protobuf.")) return undefined;
  return init(desc, r, depth);
}

const ROOTS: DescMessage[] = [ListenerSchema, RouteConfigurationSchema, ClusterSchema, ClusterLoadAssignmentSchema, SecretSchema];

describe("validator properties", () => {
  it("never throws, and reports well-formed violations, on random resources of every type", () => {
    let withViolations = 0;
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom(...ROOTS), (seed, desc) => {
        const m = create(desc, init(desc, rng(seed), 0) as never) as Message;
        const vs = validateMessage(desc, m);
        if (vs.length > 0) withViolations++;
        for (const v of vs) {
          expect(typeof v.field).toBe("string");
          expect(v.rule).toMatch(/^[a-z0-9]+\.[a-z_0-9]+$/);
          expect(v.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
    expect(withViolations).toBeGreaterThan(30); // the generator does reach the rules
  });

  it("does not throw on hand-built values outside protobuf-es's shapes", () => {
    const weird = {
      $typeName: "envoy.config.cluster.v3.Cluster",
      name: "c",
      connectTimeout: { seconds: 1.5, nanos: Number.NaN },
      transportSocketMatches: undefined,
      metadata: { filterMetadata: null },
      lbPolicy: "ROUND_ROBIN",
      clusterDiscoveryType: { case: "type", value: 99 },
      perConnectionBufferLimitBytes: { value: "x" },
    } as unknown as Message;
    expect(() => validateMessage(ClusterSchema, weird)).not.toThrow();
    expect(validateMessage(ClusterSchema, weird).map((v) => v.rule)).toContain("enum.defined_only");
  });

  it("gives the same verdict after a binary round trip (it depends on content only)", () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom(...ROOTS), (seed, desc) => {
        const m = create(desc, init(desc, rng(seed), 0) as never) as Message;
        const again = fromBinary(desc, toBinary(desc, m));
        expect(validateMessage(desc, again)).toEqual(validateMessage(desc, m));
      }),
      { numRuns: 150 },
    );
  });

  it("validateResources accounts for every resource: each is served or reported, never both", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 12 }), (seeds) => {
        const r: XdsResources = { listeners: [], routes: [], clusters: [], endpoints: [], secrets: [] };
        seeds.forEach((seed, i) => {
          const g = rng(seed);
          const desc = ROOTS[i % ROOTS.length] as DescMessage;
          const m = create(desc, init(desc, g, 0) as never) as Message;
          const named = m as unknown as { name?: string; clusterName?: string };
          if (desc === ClusterLoadAssignmentSchema) named.clusterName = `n${g.int(4)}`;
          else named.name = `n${g.int(4)}`;
          if (desc === ListenerSchema) r.listeners.push(m as Listener);
          if (desc === RouteConfigurationSchema) r.routes.push(m as RouteConfiguration);
          if (desc === ClusterSchema) r.clusters.push(m as Cluster);
          if (desc === ClusterLoadAssignmentSchema) r.endpoints.push(m as ClusterLoadAssignment);
          if (desc === SecretSchema) r.secrets.push(m as Secret);
        });
        const { served, failures } = validateResources(r);
        const total = (x: XdsResources) => x.listeners.length + x.routes.length + x.clusters.length + x.endpoints.length + x.secrets.length;
        expect(total(served) + failures.length).toBe(total(r));
        for (const f of failures) expect(f.violations.length > 0 || f.withheldBecause !== undefined).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
