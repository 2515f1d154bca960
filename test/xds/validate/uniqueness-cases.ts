// Route tables and filter chains for the uniqueness rules, with Envoy 1.40's verdict
// (seen with `envoy --mode validate`; test/envoy/uniqueness.test.ts checks it again).
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ListenerSchema, type Listener } from "../../../src/gen/envoy/config/listener/v3/listener_pb.js";
import type { VirtualHostSchema } from "../../../src/gen/envoy/config/route/v3/route_components_pb.js";
import { RouteConfigurationSchema, type RouteConfiguration } from "../../../src/gen/envoy/config/route/v3/route_pb.js";

export interface RouteCase { name: string; domains: string[][]; envoyAccepts: boolean }
export interface ChainCase { name: string; matches: ({ serverNames?: string[]; transportProtocol?: string } | undefined)[]; envoyAccepts: boolean }

export const ROUTE_CASES: RouteCase[] = [
  { name: "distinct domains", domains: [["a.com", "*.a.com"], ["b.com"], ["*"]], envoyAccepts: true },
  { name: "a domain in two virtual hosts", domains: [["a.com"], ["a.com"]], envoyAccepts: false },
  { name: "a domain twice in one virtual host", domains: [["a.com", "a.com"]], envoyAccepts: false },
  { name: "domains that differ in case", domains: [["A.com"], ["a.com"]], envoyAccepts: false },
  { name: "a wildcard domain twice, in another case", domains: [["*.A.com"], ["*.a.com"]], envoyAccepts: false },
  { name: "two * domains", domains: [["*"], ["*"]], envoyAccepts: false },
  { name: "* twice in one virtual host", domains: [["*", "*"]], envoyAccepts: false },
  { name: "the same host with a port", domains: [["a.com"], ["a.com:80"]], envoyAccepts: true },
  { name: "partial wildcards", domains: [["a*b.com"], ["*-b.com"], ["a.*"]], envoyAccepts: true },
];

export const CHAIN_CASES: ChainCase[] = [
  { name: "distinct server names and a catch-all", matches: [{ serverNames: ["a.com"] }, { serverNames: ["*.a.com", "b.com"] }, undefined], envoyAccepts: true },
  { name: "the same server name", matches: [{ serverNames: ["a.com"] }, { serverNames: ["a.com"] }], envoyAccepts: false },
  { name: "server names that differ in case", matches: [{ serverNames: ["A.com"] }, { serverNames: ["a.com"] }], envoyAccepts: false },
  { name: "a server name twice in one chain", matches: [{ serverNames: ["a.com", "a.com"] }], envoyAccepts: false },
  { name: "overlapping server name lists", matches: [{ serverNames: ["a.com", "b.com"] }, { serverNames: ["b.com"] }], envoyAccepts: false },
  { name: "two catch-alls", matches: [undefined, {}], envoyAccepts: false },
  { name: "the same name, another transport protocol", matches: [{ serverNames: ["a.com"], transportProtocol: "tls" }, { serverNames: ["a.com"] }], envoyAccepts: true },
  { name: "* as a server name", matches: [{ serverNames: ["*"] }], envoyAccepts: false },
  { name: "a partial wildcard server name", matches: [{ serverNames: ["a*.com"] }], envoyAccepts: false },
];

export function routeConfigOf(c: RouteCase): RouteConfiguration {
  return create(RouteConfigurationSchema, {
    name: "r",
    virtualHosts: c.domains.map((domains, i): MessageInitShape<typeof VirtualHostSchema> => ({
      name: `v${i}`,
      domains,
      routes: [{ match: { pathSpecifier: { case: "prefix", value: "/" } }, action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: "c" } } } }],
    })),
  });
}

/** Chains without filters: the filters do not take part in matching (the Envoy test adds them). */
export function listenerOf(c: ChainCase): Listener {
  return create(ListenerSchema, {
    name: "l",
    filterChains: c.matches.map((m, i) => ({ name: `c${i}`, ...(m ? { filterChainMatch: m } : {}) })),
  });
}
