// Golden translation tests: test/golden/<feature>/<case>.in.yaml ->
// <case>.out.yaml (xDS as proto3 JSON, and status). Regenerate with
// `npm run golden:update`. Every output must also round-trip through the
// binary encoding and pass Envoy's validate.rules.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fromBinary, toBinary, equals, type DescMessage, type Message } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import type { XdsResources } from "../../src/api/xds.ts";
import { ClusterSchema } from "../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema } from "../../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema } from "../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { RouteConfigurationSchema } from "../../src/gen/envoy/config/route/v3/route_pb.js";
import { SecretSchema } from "../../src/gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { translate } from "../../src/translator/translate.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { loadResourceSet } from "../translator/load.ts";
import { renderGolden } from "./render.ts";

const ROOT = import.meta.dirname;
const UPDATE = process.env.UPDATE_GOLDEN === "1";

function cases(): { feature: string; name: string; input: string; output: string }[] {
  const out = [];
  for (const feature of readdirSync(ROOT, { withFileTypes: true })) {
    if (!feature.isDirectory()) continue;
    for (const f of readdirSync(join(ROOT, feature.name)).sort()) {
      if (!f.endsWith(".in.yaml")) continue;
      const base = f.slice(0, -".in.yaml".length);
      out.push({ feature: feature.name, name: base, input: join(ROOT, feature.name, f), output: join(ROOT, feature.name, `${base}.out.yaml`) });
    }
  }
  return out.sort((a, b) => (a.input < b.input ? -1 : 1));
}

function roundTrip(schema: DescMessage, list: Message[]): void {
  for (const m of list) {
    const again = fromBinary(schema, toBinary(schema, m));
    expect(equals(schema, again, m)).toBe(true);
  }
}

function encodeAll(g: { resources: XdsResources }): string[] {
  const r = g.resources;
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  return [
    ...r.listeners.map((m) => hex(toBinary(ListenerSchema, m))),
    ...r.routes.map((m) => hex(toBinary(RouteConfigurationSchema, m))),
    ...r.clusters.map((m) => hex(toBinary(ClusterSchema, m))),
    ...r.endpoints.map((m) => hex(toBinary(ClusterLoadAssignmentSchema, m))),
    ...r.secrets.map((m) => hex(toBinary(SecretSchema, m))),
  ];
}

function checkResources(r: XdsResources): void {
  roundTrip(ListenerSchema, r.listeners);
  roundTrip(RouteConfigurationSchema, r.routes);
  roundTrip(ClusterSchema, r.clusters);
  roundTrip(ClusterLoadAssignmentSchema, r.endpoints);
  roundTrip(SecretSchema, r.secrets);
  expect(validateResources(r).failures).toEqual([]);
}

describe("golden translations", () => {
  for (const c of cases()) {
    it(`${c.feature}/${c.name}`, () => {
      const rs = loadResourceSet(readFileSync(c.input, "utf8"));
      const result = translate(rs, { controllerName: DEFAULT_CONTROLLER_NAME });
      const text = renderGolden(result);
      for (const g of result.gateways) checkResources(g.resources);
      if (result.mesh) checkResources(result.mesh);
      // Deterministic: a second translation renders the same text and encodes to the same bytes.
      const again = translate(rs, { controllerName: DEFAULT_CONTROLLER_NAME });
      expect(renderGolden(again)).toBe(text);
      expect(again.gateways.map(encodeAll)).toEqual(result.gateways.map(encodeAll));
      // A missing output fails: only UPDATE_GOLDEN=1 writes one, so CI never accepts an unreviewed golden.
      if (UPDATE) writeFileSync(c.output, text);
      else {
        expect(existsSync(c.output), `${c.output} is missing: run \`npm run golden:update\` and review it`).toBe(true);
        expect(text).toBe(readFileSync(c.output, "utf8"));
      }
    });
  }
});
