// Envoy's two "most specific wins" selections: a listener's filter chain by server name (SNI),
// and a route configuration's virtual host by the Host header.
import type { Candidate, Json } from "./types.ts";

const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

export interface Chosen<T> {
  chosen?: T;
  reason: string;
  rejected: Candidate[];
}

/**
 * Filter chain by server_names and transport_protocol, as Envoy's filter chain manager does:
 * an exact server name beats the longest matching `*.suffix`, which beats a chain without
 * server names; a chain that names servers never matches a connection without SNI.
 */
export function selectFilterChain(listener: Json, sni: string | undefined): Chosen<Json> {
  const chains = (Array.isArray(listener.filterChains) ? listener.filterChains : []) as Json[];
  const transport = sni !== undefined ? "tls" : "raw_buffer";
  const name = (c: Json, i: number) => (typeof c.name === "string" && c.name !== "" ? c.name : `#${i}`);
  const rejected: Candidate[] = [];
  let best: { chain: Json; rank: number; why: string } | undefined;
  const server = sni?.toLowerCase();
  for (const [i, chain] of chains.entries()) {
    const m = obj(chain.filterChainMatch) ?? {};
    const names = strs(m.serverNames).map((n) => n.toLowerCase());
    const tp = typeof m.transportProtocol === "string" ? m.transportProtocol : "";
    if (tp !== "" && tp !== transport) {
      rejected.push({ name: name(chain, i), reason: `needs transport ${tp}, the connection is ${transport}` });
      continue;
    }
    let rank: number;
    let why: string;
    if (names.length === 0) {
      rank = 0;
      why = "it names no servers, so it takes any connection no more specific chain takes";
    } else if (server === undefined) {
      rejected.push({ name: name(chain, i), reason: `serves SNI ${names.join(", ")}; the connection sent no SNI` });
      continue;
    } else if (names.includes(server)) {
      rank = 1_000_000;
      why = `its server name ${server} equals the SNI`;
    } else {
      const wild = names.filter((n) => n.startsWith("*.") && server.endsWith(n.slice(1))).sort((a, b) => b.length - a.length)[0];
      if (!wild) {
        rejected.push({ name: name(chain, i), reason: `serves SNI ${names.join(", ")}, not ${server}` });
        continue;
      }
      rank = wild.length;
      why = `its server name ${wild} is the longest wildcard that covers ${server}`;
    }
    if (!best || rank > best.rank) {
      if (best) rejected.push({ name: name(best.chain, chains.indexOf(best.chain)), reason: "matches too, but less specifically" });
      best = { chain, rank, why };
    } else rejected.push({ name: name(chain, i), reason: "matches too, but less specifically (or later with the same match)" });
  }
  if (best) return { chosen: best.chain, reason: best.why, rejected };
  const def = obj(listener.defaultFilterChain);
  if (def) return { chosen: def, reason: "no filter chain matches; the listener's default filter chain takes the connection", rejected };
  const why = server === undefined ? "no filter chain takes a connection without SNI" : `no filter chain serves SNI ${server}`;
  return { reason: `${why}, and there is no default filter chain: Envoy closes the connection`, rejected };
}

/** How well a virtual host domain covers a host: higher is more specific; undefined: not at all. */
function domainRank(domain: string, host: string): number | undefined {
  const d = domain.toLowerCase();
  if (d === host) return 3e6 + d.length;
  if (d === "*") return 0;
  // Suffix wildcards need at least one character in place of the `*`.
  if (d.startsWith("*")) return host.length > d.length - 1 && host.endsWith(d.slice(1)) ? 2e6 + d.length : undefined;
  if (d.endsWith("*")) return host.length > d.length - 1 && host.startsWith(d.slice(0, -1)) ? 1e6 + d.length : undefined;
  return undefined;
}

/** Virtual host by domain: exact, then longest suffix wildcard, then longest prefix wildcard, then `*`. */
export function selectVirtualHost(routeConfig: Json, rawHost: string, stripPort: boolean): Chosen<Json> & { host: string } {
  let host = rawHost.toLowerCase();
  if (stripPort) host = host.replace(/:\d+$/, "");
  const vhosts = (Array.isArray(routeConfig.virtualHosts) ? routeConfig.virtualHosts : []) as Json[];
  let best: { vh: Json; rank: number; domain: string } | undefined;
  const scored: { vh: Json; rank?: number; domain?: string }[] = [];
  for (const vh of vhosts) {
    let top: { rank: number; domain: string } | undefined;
    for (const d of strs(vh.domains)) {
      const r = domainRank(d, host);
      if (r !== undefined && (!top || r > top.rank)) top = { rank: r, domain: d };
    }
    scored.push({ vh, ...(top ?? {}) });
    if (top && (!best || top.rank > best.rank)) best = { vh, ...top };
  }
  const nameOf = (vh: Json) => (typeof vh.name === "string" ? vh.name : "(unnamed)");
  const rejected: Candidate[] = scored
    .filter((s) => s.vh !== best?.vh)
    .map((s) => ({
      name: nameOf(s.vh),
      reason: s.rank === undefined ? `domains ${strs(s.vh.domains).join(", ")} do not cover ${host}` : `domain ${s.domain} covers ${host} too, less specifically`,
    }));
  if (!best) return { host, reason: `no virtual host has a domain that covers ${host}: Envoy answers 404`, rejected };
  const kind = best.domain === "*" ? "the catch-all *" : best.domain.toLowerCase() === host ? "an exact domain" : `the wildcard ${best.domain}`;
  return { host, chosen: best.vh, reason: `${host} matches ${kind}${best.domain === "*" || best.domain.toLowerCase() === host ? "" : ", the most specific one that covers it"}`, rejected };
}
