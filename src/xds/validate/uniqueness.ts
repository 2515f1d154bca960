// Checks Envoy 1.40 makes when it loads a resource and no PGV annotation states,
// for the uniqueness rules a translator bug could break (seen with
// `envoy --mode validate`; docs/validation.md):
// - RouteConfiguration: a domain in two virtual hosts (or twice in one), compared
//   case-insensitively ("Only unique values for domains are permitted"), or `*`
//   more than once ("Only a single wildcard domain is permitted");
// - Listener: two filter chains with the same match, server_names compared
//   case-insensitively ("multiple filter chains with the same matching rules",
//   "... overlapping matching rules"), and `*` or a partial wildcard in
//   server_names ("partial wildcards are not supported").
// Such a resource is withheld like one that fails PGV, instead of being NACKed.
// Each resource type's descriptor (xds/resource-types.ts) names its checks.
import { toBinary } from "@bufbuild/protobuf";
import { FilterChainMatchSchema, type FilterChainMatch } from "../../gen/envoy/config/listener/v3/listener_components_pb.js";
import type { Listener } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import type { RouteConfiguration } from "../../gen/envoy/config/route/v3/route_pb.js";
import type { Violation } from "./types.ts";

/** RouteConfiguration: unique domains, one `*`. */
export function routeUniqueness(rc: RouteConfiguration): Violation[] {
  const out: Violation[] = [];
  const seen = new Map<string, string>();
  let star: string | undefined;
  rc.virtualHosts.forEach((vh, i) =>
    vh.domains.forEach((d, j) => {
      const field = `virtual_hosts[${i}].domains[${j}]`;
      const key = d.toLowerCase();
      if (key === "*") {
        if (star !== undefined) out.push({ field, rule: "envoy.single_wildcard_domain", message: `a second "*" domain (the first is ${star}); Envoy permits one per route configuration` });
        star ??= field;
        return;
      }
      const first = seen.get(key);
      if (first !== undefined) out.push({ field, rule: "envoy.unique_domains", message: `domain ${JSON.stringify(d)} is also ${first} (case-insensitively); Envoy permits each domain once per route configuration` });
      else seen.set(key, field);
    }),
  );
  return out;
}

/** The bytes of a match without its server_names: chains are told apart by the rest. */
function matchRest(m: FilterChainMatch | undefined): string {
  if (!m) return "";
  return Buffer.from(toBinary(FilterChainMatchSchema, { ...m, serverNames: [] })).toString("base64");
}

/** Listener: no two filter chains with the same match; only leading `*.` wildcards in server_names. */
export function listenerUniqueness(l: Listener): Violation[] {
  const out: Violation[] = [];
  // Per rest-of-match: server name (or "" for none) -> the chain that has it.
  const byRest = new Map<string, Map<string, number>>();
  l.filterChains.forEach((c, i) => {
    const names = c.filterChainMatch?.serverNames ?? [];
    let owners = byRest.get(matchRest(c.filterChainMatch));
    if (!owners) byRest.set(matchRest(c.filterChainMatch), (owners = new Map()));
    names.forEach((n, j) => {
      if (n.includes("*") && !(n.startsWith("*.") && !n.slice(2).includes("*"))) {
        out.push({ field: `filter_chains[${i}].filter_chain_match.server_names[${j}]`, rule: "envoy.server_names_wildcard", message: `${JSON.stringify(n)}: Envoy supports only a leading "*." wildcard in server_names` });
      }
    });
    for (const [j, n] of (names.length ? names : [""]).entries()) {
      const key = n.toLowerCase();
      const other = owners.get(key);
      if (other !== undefined) {
        const field = names.length ? `filter_chains[${i}].filter_chain_match.server_names[${j}]` : `filter_chains[${i}].filter_chain_match`;
        const what = n ? `server name ${JSON.stringify(n)}` : "a match without server_names";
        out.push({ field, rule: "envoy.unique_filter_chain_match", message: `${what} is also matched by filter_chains[${other}]; Envoy refuses overlapping filter chain matches` });
      } else owners.set(key, i);
    }
  });
  return out;
}
