// HTTPRoute vs GRPCRoute on one listener (GRPCRoute spec, `hostnames`): when
// routes of the two kinds attach to the same listener with intersecting
// hostnames, exactly one is accepted: the oldest, then the first by
// namespace/name. The other gets Accepted=False on that parent. The spec names
// no reason; we use "Conflicted" (as other implementations do).
import type { ResourceSet } from "../../api/resource-set.ts";
import { attachRoute, type AttachableRoute, type ParentAttachment } from "./attach.ts";
import type { ResolvedListener, RouteParents } from "./model.ts";

export const CONFLICTED_REASON = "Conflicted";

type L7Kind = "HTTPRoute" | "GRPCRoute";

export interface L7Conflicts {
  /** `kind/ns/name` -> listeners it lost, with the winner for the message. */
  losers: Map<string, Map<ResolvedListener, string>>;
  /** The parents attachRoute gave each HTTPRoute and GRPCRoute, so resolve() need not attach them again. */
  parents: Map<AttachableRoute, ParentAttachment[]>;
}

function routeId(kind: string, r: AttachableRoute): string {
  return `${kind}/${r.metadata.namespace ?? "default"}/${r.metadata.name}`;
}

/** The route (by acceptance order) that first claimed a hostname key. */
interface Claim {
  seq: number;
  id: string;
}

/**
 * The hostnames one kind has accepted on one listener, indexed so that the
 * first accepted route overlapping a hostname is found without a scan.
 * Two hostnames overlap when either is `*`, they are equal, or one is a
 * wildcard covering the other (hostnames.ts `covers`).
 */
class Claims {
  private first: Claim | undefined;
  private star: Claim | undefined;
  /** Exact hostnames and wildcards as written. */
  private readonly names = new Map<string, Claim>();
  /** `example.com` for every claimed name with labels before `.example.com` (what `*.example.com` covers). */
  private readonly suffixes = new Map<string, Claim>();

  add(hostnames: readonly string[], claim: Claim): void {
    this.first ??= claim;
    for (const h of hostnames) {
      if (h === "*") {
        this.star ??= claim;
        continue;
      }
      if (!this.names.has(h)) this.names.set(h, claim);
      for (let i = h.indexOf("."); i >= 0; i = h.indexOf(".", i + 1)) {
        const s = h.slice(i + 1);
        if (!this.suffixes.has(s)) this.suffixes.set(s, claim);
      }
    }
  }

  /** The earliest claim overlapping any of `hostnames`. */
  clash(hostnames: readonly string[]): Claim | undefined {
    let best = this.star;
    const consider = (c: Claim | undefined): void => {
      if (c && (!best || c.seq < best.seq)) best = c;
    };
    for (const h of hostnames) {
      if (h === "*") {
        consider(this.first);
        continue;
      }
      consider(this.names.get(h));
      // A claimed wildcard covering h.
      for (let i = h.indexOf("."); i >= 0; i = h.indexOf(".", i + 1)) consider(this.names.get(`*${h.slice(i)}`));
      // h a wildcard covering a claimed name.
      if (h.startsWith("*.")) consider(this.suffixes.get(h.slice(2)));
    }
    return best;
  }
}

/** Computed once per translation; empty (and free) when there is no GRPCRoute. */
export function l7Conflicts(rs: ResourceSet, routeParents: RouteParents): L7Conflicts {
  const losers = new Map<string, Map<ResolvedListener, string>>();
  const parents = new Map<AttachableRoute, ParentAttachment[]>();
  if (rs.list("GRPCRoute").length === 0 || rs.list("HTTPRoute").length === 0) return { losers, parents };
  const candidates: { kind: L7Kind; route: AttachableRoute; order: string }[] = [];
  for (const kind of ["HTTPRoute", "GRPCRoute"] as const) {
    for (const route of rs.list(kind)) {
      candidates.push({ kind, route, order: `${route.metadata.creationTimestamp ?? ""}\u0000${route.metadata.namespace ?? "default"}/${route.metadata.name}\u0000${kind}` });
    }
  }
  candidates.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  // Per listener, the hostnames each kind has accepted so far, with their owner.
  const accepted = new Map<ResolvedListener, Record<L7Kind, Claims>>();
  let seq = 0;
  for (const c of candidates) {
    const id = routeId(c.kind, c.route);
    const ps = attachRoute(rs, routeParents, c.route, c.kind, true);
    parents.set(c.route, ps);
    for (const p of ps) {
      if (!p.accepted.ok) continue;
      for (const a of p.attachments) {
        let claims = accepted.get(a.listener);
        if (!claims) accepted.set(a.listener, (claims = { HTTPRoute: new Claims(), GRPCRoute: new Claims() }));
        const clash = claims[c.kind === "HTTPRoute" ? "GRPCRoute" : "HTTPRoute"].clash(a.hostnames);
        if (clash) {
          let m = losers.get(id);
          if (!m) losers.set(id, (m = new Map()));
          m.set(a.listener, clash.id);
          continue;
        }
        claims[c.kind].add(a.hostnames, { seq: seq++, id });
      }
    }
  }
  return { losers, parents };
}
/** Removes lost listeners from a route's parents; a parent left with none is Accepted=False/Conflicted. */
export function applyL7Conflicts(conflicts: L7Conflicts, kind: string, route: AttachableRoute, parents: ParentAttachment[]): void {
  const lost = conflicts.losers.get(routeId(kind, route));
  if (!lost) return;
  for (const p of parents) {
    if (!p.accepted.ok) continue;
    const winners = p.attachments.filter((a) => lost.has(a.listener)).map((a) => lost.get(a.listener));
    if (winners.length === 0) continue;
    p.attachments = p.attachments.filter((a) => !lost.has(a.listener));
    if (p.attachments.length === 0) {
      const other = kind === "GRPCRoute" ? "HTTPRoute" : "GRPCRoute";
      p.accepted = {
        ok: false,
        reason: CONFLICTED_REASON,
        message: `Hostnames overlap with the older ${[...new Set(winners)].sort().join(", ")} on the same listener; a listener serves either the ${other} or this route for a hostname`,
      };
    }
  }
}
