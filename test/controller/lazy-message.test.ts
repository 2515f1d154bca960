// A large changed resource crosses from the translation worker as bytes alone
// and is decoded on the main thread only when a field beyond its header is read.
import { equals, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { benchResourceSet } from "../../bench/translate-fixture.ts";
import { LAZY_BYTES, ResultDecoder, ResultEncoder } from "../../src/controller/translation-delta.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { RouteConfigurationSchema, type RouteConfiguration } from "../../src/gen/envoy/config/route/v3/route_pb.js";
import { translate } from "../../src/translator/translate.ts";

describe("large resources from the worker", () => {
  it("are sent as bytes, read as translate()'s message, and decoded only when read", () => {
    const result = translate(benchResourceSet(1500), { controllerName: DEFAULT_CONTROLLER_NAME });
    const original = result.gateways[0]!.resources.routes[0] as RouteConfiguration;
    expect(toBinary(RouteConfigurationSchema, original).length).toBeGreaterThan(LAZY_BYTES);

    const delta = structuredClone(new ResultEncoder().encode(result));
    const entry = delta.gateways[0]!.resources!.routes[0]!;
    expect(entry.message).toBeUndefined();
    expect(entry.header).toMatchObject({ name: original.name });

    const decoder = new ResultDecoder();
    const got = decoder.decode(delta).gateways[0]!.resources.routes[0] as RouteConfiguration;
    // The header is there at once; the rest is not decoded yet.
    expect(got.name).toBe(original.name);
    expect(got.validateClusters).toBe(original.validateClusters);
    expect(Object.getOwnPropertyDescriptor(got, "virtualHosts")?.get).toBeDefined();
    expect(got.virtualHosts).toHaveLength(original.virtualHosts.length);
    expect(Object.getOwnPropertyDescriptor(got, "virtualHosts")?.get).toBeUndefined();
    expect(equals(RouteConfigurationSchema, got, original)).toBe(true);
    expect(Buffer.from(toBinary(RouteConfigurationSchema, got)).equals(Buffer.from(decoder.prepared.get(got)!.bytes))).toBe(true);
  });
});
