// Pure: the status an object should have after we apply one StatusUpdate to
// it. Routes and policies keep every other controller's entries (atomic lists,
// read-modify-write of our controllerName only); GatewayClass and Gateway
// status is ours outright, and so is that of a ListenerSet whose parent Gateway is ours, except conditions
// of another controller's (domain-prefixed) types, which are kept (the v1.7.0 suite's
// GatewayPreserveForeignConditions). Unchanged conditions keep their lastTransitionTime,
// changed ones get `now`, and a missing observedGeneration is filled from the
// object's metadata.generation.
import type { GatewayStatus, ListenerSetStatus, ListenerStatus, PolicyAncestorStatus, RouteParentStatus } from "../../api/gateway-api.ts";
import type { Condition } from "../../api/meta.ts";
import { carryTransitionTimes, mergeOwnedEntries } from "../../api/status-merge.ts";
import type { StatusUpdate } from "../../api/translation.ts";

export interface StatusObject {
  metadata: { generation?: number; resourceVersion?: string; [k: string]: unknown };
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

/** Returns the new status for `obj` (which is not modified). */
export function applyStatusUpdate(obj: StatusObject, update: StatusUpdate, controllerName: string, now: string): Record<string, unknown> {
  const old = obj.status ?? {};
  const generation = obj.metadata.generation;
  const conds = (prev: readonly Condition[] | undefined, next: readonly Condition[]) =>
    carryTransitionTimes(prev, withGeneration(next, generation), now);
  const keepForeign = (prev: readonly Condition[] | undefined, next: readonly Condition[]) => [...conds(prev, next), ...foreignConditions(prev, next)];

  switch (update.kind) {
    case "GatewayClass": {
      const status: Record<string, unknown> = { ...old, conditions: conds(old.conditions as Condition[] | undefined, update.status.conditions ?? []) };
      if (update.status.supportedFeatures !== undefined) status.supportedFeatures = update.status.supportedFeatures;
      return status;
    }
    case "Gateway": {
      const prev = old as GatewayStatus;
      const ours = update.status;
      const status: Record<string, unknown> = { ...old, conditions: keepForeign(prev.conditions, ours.conditions ?? []) };
      if (ours.addresses !== undefined) status.addresses = ours.addresses;
      // Ours too: gone when the Gateway no longer takes ListenerSets.
      if (ours.attachedListenerSets !== undefined) status.attachedListenerSets = ours.attachedListenerSets;
      else delete status.attachedListenerSets;
      if (ours.listeners !== undefined) {
        status.listeners = ours.listeners.map(
          (l): ListenerStatus => ({ ...l, conditions: keepForeign(prev.listeners?.find((p) => p.name === l.name)?.conditions, l.conditions) }),
        );
      }
      return status;
    }
    case "ListenerSet": {
      const prev = old as ListenerSetStatus;
      const ours = update.status;
      const status: Record<string, unknown> = { ...old, conditions: conds(prev.conditions, ours.conditions ?? []) };
      status.listeners = (ours.listeners ?? []).map(
        (l): ListenerStatus => ({ ...l, conditions: conds(prev.listeners?.find((p) => p.name === l.name)?.conditions, l.conditions) }),
      );
      return status;
    }
    case "BackendTLSPolicy":
    case "BackendLBPolicy": {
      const ours = update.ancestors.map((a) => ({ ...a, conditions: withGeneration(a.conditions, generation) }));
      const merged = mergeOwnedEntries(old.ancestors as PolicyAncestorStatus[] | undefined, ours, controllerName);
      return { ...old, ancestors: stampOurs(merged, controllerName, now) };
    }
    default: {
      const ours = update.parents.map((p) => ({ ...p, conditions: withGeneration(p.conditions, generation) }));
      const merged = mergeOwnedEntries(old.parents as RouteParentStatus[] | undefined, ours, controllerName);
      return { ...old, parents: stampOurs(merged, controllerName, now) };
    }
  }
}

/**
 * Conditions in `prev` whose type another controller defined: domain-prefixed (the Kubernetes convention
 * for types outside the API's own) and not one we write now. The Gateway API's own types are unprefixed
 * and ours to set or drop.
 */
function foreignConditions(prev: readonly Condition[] | undefined, ours: readonly Condition[]): Condition[] {
  return (prev ?? []).filter((c) => c.type.includes("/") && !ours.some((o) => o.type === c.type));
}

function withGeneration(conditions: readonly Condition[], generation: number | undefined): Condition[] {
  return conditions.map((c) => (c.observedGeneration === undefined && generation !== undefined ? { ...c, observedGeneration: generation } : c));
}

/** mergeOwnedEntries carries old transition times; conditions that changed still need one. */
function stampOurs<T extends RouteParentStatus | PolicyAncestorStatus>(entries: T[], controllerName: string, now: string): T[] {
  return entries.map((e) => (e.controllerName === controllerName ? { ...e, conditions: carryTransitionTimes(e.conditions, e.conditions, now) } : e));
}
