// HTTPRoute vs GRPCRoute on one listener (GRPCRoute spec, `hostnames`): when
// routes of the two kinds attach to the same listener with intersecting
// hostnames, exactly one is accepted: the oldest, then the first by
// namespace/name. The other gets Accepted=False on that parent. The spec names
// no reason; we use "Conflicted" (as other implementations do).
import type { ResourceSet } from "../../api/resource-set.ts";
import { attachRoute, type AttachableRoute, type ParentAttachment } from "./attach.ts";
import { covers } from "./hostnames.ts";
import type { ResolvedGateway, ResolvedListener } from "./model.ts";

export const CONFLICTED_REASON = "Conflicted";

type L7Kind = "HTTPRoute" | "GRPCRoute";

export interface L7Conflicts {
  /** `kind/ns/name` -> listeners it lost, with the winner for the message. */
  losers: Map<string, Map<ResolvedListener, string>>;
}

function overlap(a: string, b: string): boolean {
  return a === "*" || b === "*" || a === b || covers(a, b) || covers(b, a);
}

function routeId(kind: string, r: AttachableRoute): string {
  return `${kind}/${r.metadata.namespace ?? "default"}/${r.metadata.name}`;
}

/** Computed once per translation; empty (and free) when there is no GRPCRoute. */
export function l7Conflicts(rs: ResourceSet, gateways: ReadonlyMap<string, ResolvedGateway>): L7Conflicts {
  const losers = new Map<string, Map<ResolvedListener, string>>();
  if (rs.list("GRPCRoute").length === 0 || rs.list("HTTPRoute").length === 0) return { losers };
  const candidates: { kind: L7Kind; route: AttachableRoute; order: string }[] = [];
  for (const kind of ["HTTPRoute", "GRPCRoute"] as const) {
    for (const route of rs.list(kind)) {
      candidates.push({ kind, route, order: `${route.metadata.creationTimestamp ?? ""}\u0000${route.metadata.namespace ?? "default"}/${route.metadata.name}\u0000${kind}` });
    }
  }
  candidates.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  // Per listener, the accepted hostnames of each kind so far, with their owner.
  const accepted = new Map<ResolvedListener, { kind: L7Kind; hostnames: string[]; id: string }[]>();
  for (const c of candidates) {
    const id = routeId(c.kind, c.route);
    for (const p of attachRoute(rs, gateways, c.route, c.kind, true)) {
      if (!p.accepted.ok) continue;
      for (const a of p.attachments) {
        const list = accepted.get(a.listener) ?? [];
        const clash = list.find((x) => x.kind !== c.kind && x.hostnames.some((h) => a.hostnames.some((k) => overlap(h, k))));
        if (clash) {
          let m = losers.get(id);
          if (!m) losers.set(id, (m = new Map()));
          m.set(a.listener, clash.id);
          continue;
        }
        list.push({ kind: c.kind, hostnames: a.hostnames, id });
        accepted.set(a.listener, list);
      }
    }
  }
  return { losers };
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
