// Several HTTPS listeners on one port: each SNI filter chain routes only its own listener's hosts,
// and a Host of another listener on the port answers 421 (so SNI cannot pick one listener's
// certificate and client validation while Host reaches another listener's routes).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { HttpConnectionManagerSchema } from "../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { translate } from "../../src/translator/translate.ts";
import { loadResourceSet } from "./load.ts";

const INPUT = readFileSync(join(import.meta.dirname, "../golden/tls-https/sni-chains.in.yaml"), "utf8");

/** SNI name → { Host → "forward" | status } as the chain's own route table says. */
function tables(yaml: string): Record<string, Record<string, string>> {
  const r = translate(loadResourceSet(yaml), { controllerName: DEFAULT_CONTROLLER_NAME });
  const g = r.gateways.find((x) => x.key === "default/eg")!.resources;
  const out: Record<string, Record<string, string>> = {};
  const https = g.listeners.find((l) => l.filterChains.some((c) => c.filterChainMatch?.serverNames.length))!;
  for (const chain of https.filterChains) {
    const f = chain.filters[0]!;
    if (f.configType.case !== "typedConfig") continue;
    const hcm = fromBinary(HttpConnectionManagerSchema, f.configType.value.value);
    const rds = hcm.routeSpecifier.case === "rds" ? hcm.routeSpecifier.value.routeConfigName : "";
    const rc = g.routes.find((x) => x.name === rds)!;
    const hosts: Record<string, string> = {};
    for (const vh of rc.virtualHosts) {
      const a = vh.routes[0]?.action;
      hosts[vh.domains.join(",")] = a?.case === "directResponse" ? String(a.value.status) : a?.case === "route" ? "forward" : "none";
    }
    out[chain.filterChainMatch?.serverNames.join(",") ?? ""] = hosts;
  }
  return out;
}

describe("HTTPS listeners sharing a port", () => {
  it("give each SNI chain its own route table, with 421 for the other listener's hosts", () => {
    expect(tables(INPUT)).toEqual({
      "foo.example.com": { "foo.example.com": "forward", "bar.example.com": "421" },
      "bar.example.com": { "bar.example.com": "forward", "foo.example.com": "421" },
    });
  });

  it("answer 404 (no route), not 421, for a listener's own hostname without routes", () => {
    const onlyFoo = INPUT.replace("parentRefs: [{name: eg}]", "parentRefs: [{name: eg, sectionName: foo}]");
    expect(tables(onlyFoo)["bar.example.com"]).toEqual({ "bar.example.com": "none", "foo.example.com": "421" });
  });
});
