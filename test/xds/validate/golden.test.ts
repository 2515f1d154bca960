// Every golden output of the translator passes Envoy's validate.rules: each
// resource on its own, and each snapshot as a whole (nothing would be
// withheld). Golden cases are discovered, not listed: the xDS goldens of any
// new test/golden/<feature>/<case>.in.yaml are checked automatically.
import { fromJson, type JsonObject, type JsonValue, type Message } from "@bufbuild/protobuf";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { emptyResources, type ResourceType, type XdsResources } from "../../../src/api/xds.ts";
import { registry } from "../../../src/gen/registry.js";
import { DESCRIPTORS, typeOfUrl } from "../../../src/xds/resource-types.ts";
import { goldenCases, readXds } from "../../golden/files.ts";
import { validateMessage, validateResources, type Violation } from "../../../src/xds/validate/index.ts";

interface Found {
  /** Where in the YAML document, e.g. `gateways[0].xds.route[1]`. */
  at: string;
  /** The snapshot it belongs to: the path up to its `xds` key. */
  group: string;
  type: ResourceType;
  json: JsonObject;
}

/** Every Envoy resource (an object whose "@type" is one of the five resource types) in a parsed golden file. */
function findResources(v: unknown, at: string, out: Found[]): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => findResources(x, `${at}[${i}]`, out));
    return;
  }
  if (typeof v !== "object" || v === null) return;
  const obj = v as Record<string, unknown>;
  const type = typeof obj["@type"] === "string" ? typeOfUrl(obj["@type"]) : undefined;
  if (type) {
    const { "@type": _, ...json } = obj;
    out.push({ at, group: at.replace(/\.[a-z]+\[\d+\]$/, ""), type, json: json as JsonObject });
    return; // a resource's own Any fields are parsed with it
  }
  for (const [k, x] of Object.entries(obj)) findResources(x, at ? `${at}.${k}` : k, out);
}

function parseResource(f: Found): Message {
  return fromJson(DESCRIPTORS[f.type].schema, f.json as JsonValue, { registry });
}

function addTo(r: XdsResources, type: ResourceType, m: Message): void {
  (r[DESCRIPTORS[type].field] as Message[]).push(m);
}

const cases = goldenCases();

describe("golden translator outputs pass validate.rules", () => {
  it("golden files are found", () => {
    // No skip when test/golden is missing: the loop below would then check nothing and pass.
    expect(cases.length, "no golden cases: the discovery here is broken or the goldens moved").toBeGreaterThan(0);
    expect(cases.filter((c) => readXds(c).size > 0).length).toBeGreaterThan(20);
  });

  it("the check itself reports a broken resource in golden form", () => {
    const doc = `
gateways:
  - key: default/eg
    xds:
      route:
        - "@type": type.googleapis.com/envoy.config.route.v3.RouteConfiguration
          name: default/eg/http
          virtualHosts:
            - name: vh
              domains: []
      listener:
        - "@type": type.googleapis.com/envoy.config.listener.v3.Listener
          name: default/eg/http
          apiListener:
            apiListener:
              "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
              statPrefix: x
              rds: { routeConfigName: default/eg/http, configSource: { ads: {} } }
`;
    const { resources, problems } = check(parse(doc));
    expect(resources).toBe(2);
    expect(problems).toEqual([
      "gateways[0].xds.route[0] (route) virtual_hosts[0].domains: repeated.min_items: must have at least 1 items, got 0",
      'gateways[0].xds: listener "default/eg/http" route configuration "default/eg/http" is not served',
    ]);
  });

  for (const c of cases) {
    it(`${c.feature}/${c.name}`, () => {
      expect(check({ snapshots: Object.fromEntries(readXds(c)) }).problems).toEqual([]);
    });
  }
});

/** Violations of each resource, and resources a snapshot would withhold, in one parsed golden document. */
function check(doc: unknown): { resources: number; problems: string[] } {
  const found: Found[] = [];
  findResources(doc, "", found);
  const problems: string[] = [];
  const groups = new Map<string, XdsResources>();
  for (const f of found) {
    const m = parseResource(f);
    const vs: Violation[] = validateMessage(DESCRIPTORS[f.type].schema, m);
    for (const v of vs) problems.push(`${f.at} (${f.type}) ${v.field}: ${v.rule}: ${v.message}`);
    let g = groups.get(f.group);
    if (!g) groups.set(f.group, (g = emptyResources()));
    addTo(g, f.type, m);
  }
  for (const [group, resources] of groups) {
    for (const fail of validateResources(resources).failures) {
      // Own violations are already listed above; add withholding and snapshot-level (name) failures.
      if (fail.withheldBecause || fail.violations.some((v) => v.rule === "resource.name")) {
        problems.push(`${group}: ${fail.type} ${JSON.stringify(fail.name)} ${fail.withheldBecause ?? fail.violations.map((v) => v.message).join("; ")}`);
      }
    }
  }
  return { resources: found.length, problems };
}
