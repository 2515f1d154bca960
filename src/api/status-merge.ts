// Merging our status entries into an object's status, the way the Gateway API
// asks: status.parents / status.ancestors are atomic lists shared by all
// controllers, and we only ever replace the entries carrying our controllerName.
import type { PolicyAncestorStatus, RouteParentStatus } from "./gateway-api.ts";
import type { Condition } from "./meta.ts";

type Owned = RouteParentStatus | PolicyAncestorStatus;

export function mergeOwnedEntries<T extends Owned>(existing: readonly T[] | undefined, ours: readonly T[], controllerName: string): T[] {
  const previous = (existing ?? []).filter((e) => e.controllerName === controllerName);
  const others = (existing ?? []).filter((e) => e.controllerName !== controllerName);
  const merged = ours.map((entry) => {
    const ref = refOf(entry);
    const old = previous.find((p) => sameRef(refOf(p), ref));
    return { ...entry, conditions: carryTransitionTimes(old?.conditions, entry.conditions) };
  });
  return [...others, ...merged];
}

function refOf(e: Owned): object {
  return "parentRef" in e ? e.parentRef : e.ancestorRef;
}

function sameRef(a: object, b: object): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(o: object): object {
  return Object.fromEntries(Object.entries(o).sort(([x], [y]) => (x < y ? -1 : 1)));
}

/**
 * Keeps lastTransitionTime from the old condition when the status did not
 * change; `now` (when given) stamps conditions that did. The translator is pure
 * and never sets it.
 */
export function carryTransitionTimes(old: readonly Condition[] | undefined, next: readonly Condition[], now?: string): Condition[] {
  return next.map((c) => {
    const prev = old?.find((o) => o.type === c.type);
    if (prev && prev.status === c.status && prev.lastTransitionTime) return { ...c, lastTransitionTime: prev.lastTransitionTime };
    return now ? { ...c, lastTransitionTime: now } : { ...c };
  });
}
