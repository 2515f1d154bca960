// Envoy's uniqueness rules for domains and filter chain matches, checked before serving.
import { describe, expect, it } from "vitest";
import { emptyResources } from "../../../src/api/xds.ts";
import { uniquenessViolations, validateResources } from "../../../src/xds/validate/index.ts";
import { CHAIN_CASES, listenerOf, ROUTE_CASES, routeConfigOf } from "./uniqueness-cases.ts";

describe("uniqueness rules", () => {
  it.each(ROUTE_CASES.map((c) => [c.name, c] as const))("route configuration: %s", (_n, c) => {
    const v = uniquenessViolations("route", routeConfigOf(c));
    expect(v.length === 0).toBe(c.envoyAccepts);
    for (const x of v) expect(x.rule).toMatch(/^envoy\.(unique_domains|single_wildcard_domain)$/);
  });

  it.each(CHAIN_CASES.map((c) => [c.name, c] as const))("listener: %s", (_n, c) => {
    const v = uniquenessViolations("listener", listenerOf(c));
    expect(v.length === 0).toBe(c.envoyAccepts);
    for (const x of v) expect(x.rule).toMatch(/^envoy\.(unique_filter_chain_match|server_names_wildcard)$/);
  });

  it("names the field, and the resource is withheld with its dependants", () => {
    const rc = routeConfigOf(ROUTE_CASES.find((c) => c.name === "domains that differ in case")!);
    expect(uniquenessViolations("route", rc)).toEqual([
      { field: "virtual_hosts[1].domains[0]", rule: "envoy.unique_domains", message: expect.stringContaining("virtual_hosts[0].domains[0]") },
    ]);
    const { served, failures } = validateResources({ ...emptyResources(), routes: [rc] });
    expect(served.routes).toEqual([]);
    expect(failures.map((f) => [f.type, f.name])).toEqual([["route", "r"]]);
  });
});
