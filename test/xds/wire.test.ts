// The hand-assembled responses decode to exactly what protobuf-es would make.
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { AnySchema, anyPack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { ClusterSchema } from "../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import {
  DeltaDiscoveryResponseSchema,
  DiscoveryResponseSchema,
  ResourceSchema,
} from "../../src/gen/envoy/service/discovery/v3/discovery_pb.js";
import { TYPE_URL } from "../../src/api/xds.ts";
import { encodeResource } from "../../src/xds/resource.ts";
import { ResponseSet } from "../../src/xds/sotw-sets.ts";
import { concat, stringField } from "../../src/xds/wire.ts";
import { edsCluster } from "./fixtures.ts";

describe("pre-encoded responses", () => {
  // One small cluster and one over 16 KiB, so lengths need multi-byte varints.
  const clusters = [edsCluster("small"), edsCluster(`big-${"x".repeat(20_000)}`)];
  const encoded = clusters.map((c) => encodeResource("cluster", c));

  it("SotW: byte-identical to protobuf-es", () => {
    const set = new ResponseSet(TYPE_URL.cluster, new Map(encoded.map((r) => [r.name, r])));
    const ours = set.withNonce("n1");
    const theirs = toBinary(
      DiscoveryResponseSchema,
      create(DiscoveryResponseSchema, {
        versionInfo: set.version,
        resources: clusters.map((c) => anyPack(ClusterSchema, c)),
        typeUrl: TYPE_URL.cluster,
        nonce: "n1",
      }),
    );
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
  });

  it("Any: the resource's own Any bytes are protobuf-es's, and the SotW field ends with them", () => {
    for (const [i, r] of encoded.entries()) {
      expect(Buffer.from(r.any).equals(Buffer.from(toBinary(AnySchema, anyPack(ClusterSchema, clusters[i]!))))).toBe(true);
      expect(Buffer.from(r.sotwField.subarray(r.sotwField.length - r.any.length)).equals(Buffer.from(r.any))).toBe(true);
    }
  });

  it("Delta: decodes to the same message", () => {
    const ours = concat([
      stringField(1, "v1"),
      ...encoded.map((r) => r.deltaField),
      stringField(4, TYPE_URL.cluster),
      stringField(6, "gone"),
      stringField(5, "n2"),
    ]);
    const expected = create(DeltaDiscoveryResponseSchema, {
      systemVersionInfo: "v1",
      resources: clusters.map((c, i) =>
        create(ResourceSchema, { name: c.name, version: encoded[i]!.version, resource: anyPack(ClusterSchema, c) }),
      ),
      typeUrl: TYPE_URL.cluster,
      removedResources: ["gone"],
      nonce: "n2",
    });
    expect(equals(DeltaDiscoveryResponseSchema, fromBinary(DeltaDiscoveryResponseSchema, new Uint8Array(ours)), expected)).toBe(true);
  });

  it("versions are content hashes: equal content, equal version; reuse keeps the object", () => {
    const again = encodeResource("cluster", edsCluster("small"), encoded[0]);
    expect(again).toBe(encoded[0]);
    const other = edsCluster("small");
    other.connectTimeout = undefined;
    expect(encodeResource("cluster", other, encoded[0]).version).not.toBe(encoded[0]!.version);
  });
});
