// ListenerSet (Standard since v1.5): listeners that a ListenerSet adds to its
// parent Gateway, often from another namespace. Here, and only here: which
// sets a Gateway takes (spec.allowedListeners, default None), the merged
// listener list in the spec's precedence (the Gateway's own listeners, then
// sets by creation time, then by namespace/name), conflicts across that list,
// and each set's status. The listeners themselves are validated as a Gateway's
// are (gateway.ts resolveListener), relative to the set's namespace.
import { GATEWAY_GROUP } from "../../api/gateway-api.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import type { StatusUpdate } from "../../api/translation.ts";
import { condition, sortConditions } from "./conditions.ts";
import { listenerStatuses, resolveListener } from "./gateway.ts";
import type { ResolveHooks } from "./hooks.ts";
import { markConflicts } from "./listeners.ts";
import { generationOf, listenerValid, type ResolvedGateway, type ResolvedListenerSet, type Verdict } from "./model.ts";
import { selectorMatches } from "./namespaces.ts";

export const ListenerSetReason = {
  Accepted: "Accepted",
  Programmed: "Programmed",
  NotAllowed: "NotAllowed",
  ParentNotAccepted: "ParentNotAccepted",
  ListenersNotValid: "ListenersNotValid",
} as const;

/**
 * Resolves every ListenerSet whose parentRef is one of our Gateways and
 * appends the listeners of the attached ones to their Gateway's listeners.
 * Returns them by `namespace/name`, for routes whose parentRef is a ListenerSet.
 */
export function attachListenerSets(rs: ResourceSet, gateways: ReadonlyMap<string, ResolvedGateway>, hooks: readonly ResolveHooks[]): Map<string, ResolvedListenerSet> {
  const out = new Map<string, ResolvedListenerSet>();
  const candidates: { set: ResolvedListenerSet; order: string }[] = [];
  for (const obj of rs.list("ListenerSet")) {
    const namespace = obj.metadata.namespace ?? "default";
    const ref = obj.spec?.parentRef;
    if (!ref || (ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref.kind ?? "Gateway") !== "Gateway") continue;
    const gateway = gateways.get(`${ref.namespace ?? namespace}/${ref.name}`);
    if (!gateway) continue; // another controller's Gateway, or none: not ours to report on
    const set: ResolvedListenerSet = {
      obj,
      key: `${namespace}/${obj.metadata.name}`,
      namespace,
      name: obj.metadata.name,
      gateway,
      listeners: [],
      attached: false,
      accepted: { ok: true, reason: ListenerSetReason.Accepted, message: "ListenerSet is accepted" },
      programmed: { ok: true, reason: ListenerSetReason.Programmed, message: "ListenerSet is programmed" },
    };
    candidates.push({ set, order: `${obj.metadata.creationTimestamp ?? ""}\u0000${set.key}` });
  }
  candidates.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));

  for (const { set } of candidates) {
    const g = set.gateway;
    out.set(set.key, set);
    g.listenerSets.push(set);
    const refused = refusal(rs, g, set.namespace);
    if (refused) {
      set.accepted = refused;
      set.programmed = refused;
      continue;
    }
    set.attached = true;
    const specs = Array.isArray(set.obj.spec?.listeners) ? set.obj.spec.listeners : [];
    const names = new Set<string>();
    specs.forEach((spec, index) => {
      if (!spec || typeof spec !== "object") return;
      // Names are unique within the set (the API server enforces it): keep the first.
      const name = String(spec.name ?? `listener-${index}`);
      if (names.has(name)) return;
      names.add(name);
      const l = resolveListener(rs, g, spec, index, name, `listenerset/${set.namespace}/${set.name}/${name}`, hooks, set);
      set.listeners.push(l);
      g.listeners.push(l);
    });
  }

  for (const g of gateways.values()) {
    if (!g.listenerSets.some((s) => s.attached)) continue;
    // The Gateway's own listeners come first in g.listeners, so they keep their port and hostname.
    markConflicts(g.listeners);
    for (const s of g.listenerSets) {
      for (const l of s.listeners) {
        if (l.conflicted && l.accepted.ok) l.accepted = { ok: false, reason: l.conflicted.reason, message: l.conflicted.message };
      }
      if (!s.attached) continue;
      if (!s.listeners.some(listenerValid)) {
        const v: Verdict = { ok: false, reason: ListenerSetReason.ListenersNotValid, message: "No listener is valid" };
        s.accepted = v;
        s.programmed = v;
      } else if (s.listeners.some((l) => !listenerValid(l))) {
        s.accepted = { ok: true, reason: ListenerSetReason.ListenersNotValid, message: "Some listeners are not valid" };
      }
    }
  }
  return out;
}

/** Why the Gateway does not take listeners from a set in `namespace`, if it does not. */
function refusal(rs: ResourceSet, g: ResolvedGateway, namespace: string): Verdict | undefined {
  if (!g.accepted.ok) return { ok: false, reason: ListenerSetReason.ParentNotAccepted, message: `Gateway ${g.key} is not accepted: ${g.accepted.message}` };
  const allowed = g.obj.spec?.allowedListeners?.namespaces;
  const from = allowed?.from ?? "None";
  let ok: boolean;
  switch (from) {
    case "All":
      ok = true;
      break;
    case "Same":
      ok = namespace === g.namespace;
      break;
    case "Selector":
      // Kubernetes labels every namespace with its own name, whether or not we hold the object.
      ok = selectorMatches(allowed?.selector, { ...rs.get("Namespace", namespace)?.metadata.labels, "kubernetes.io/metadata.name": namespace });
      break;
    default:
      ok = false;
  }
  if (ok) return undefined;
  return { ok: false, reason: ListenerSetReason.NotAllowed, message: `Gateway ${g.key} does not allow ListenerSets from namespace ${namespace} (spec.allowedListeners.namespaces.from: ${from})` };
}

export function listenerSetStatus(s: ResolvedListenerSet): StatusUpdate {
  const gen = generationOf(s.obj);
  return {
    kind: "ListenerSet",
    target: { apiVersion: s.obj.apiVersion, namespace: s.namespace, name: s.name },
    status: {
      conditions: sortConditions([
        condition("Accepted", s.accepted.ok, s.accepted.reason, s.accepted.message, gen),
        condition("Programmed", s.programmed.ok, s.programmed.reason, s.programmed.message, gen),
      ]),
      listeners: listenerStatuses(s.listeners, gen),
    },
  };
}
