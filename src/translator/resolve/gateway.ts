// Gateway: validation of its listeners and addresses, and its status.
import type { Gateway, Listener } from "../../api/gateway-api.ts";
import { gatewayParameters } from "../../api/proxy-parameters.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import type { StatusUpdate } from "../../api/translation.ts";
import { condition, ListenerReason, sortConditions } from "./conditions.ts";
import type { OurClass } from "./gatewayclass.ts";
import { validHostnamePattern } from "./hostnames.ts";
import { markConflicts, validateListener } from "./listeners.ts";
import type { ResolveHooks } from "./hooks.ts";
import { generationOf, listenerReady, listenerValid, type ResolvedGateway, type ResolvedListener, type ResolvedListenerSet, type Verdict } from "./model.ts";
import { isIp } from "./values.ts";

const OK_LISTENER: Verdict = { ok: true, reason: ListenerReason.Accepted, message: "Listener is accepted" };
const OK_REFS: Verdict = { ok: true, reason: ListenerReason.ResolvedRefs, message: "References are resolved" };

export function resolveGateway(rs: ResourceSet, gw: Gateway, cls: OurClass, hooks: readonly ResolveHooks[]): ResolvedGateway {
  const namespace = gw.metadata.namespace ?? "default";
  const g: ResolvedGateway = {
    obj: gw,
    key: `${namespace}/${gw.metadata.name}`,
    namespace,
    name: gw.metadata.name,
    gatewayClass: cls.obj,
    listeners: [],
    accepted: { ok: true, reason: "Accepted", message: "Gateway is accepted" },
    programmed: { ok: true, reason: "Programmed", message: "Gateway is programmed" },
    secrets: new Map(),
    listenerSets: [],
  };
  if (!cls.accepted.ok) {
    g.accepted = { ok: false, reason: "Pending", message: `GatewayClass ${cls.obj.metadata.name} is not accepted` };
  } else {
    const addr = checkAddresses(gw);
    if (addr) g.accepted = addr;
    // A ConfigMap in the Gateway's namespace whose data are valid proxy parameters.
    const params = gatewayParameters(rs, gw);
    if (g.accepted.ok && !params.ok) g.accepted = { ok: false, reason: "InvalidParameters", message: params.message };
  }
  const specs = Array.isArray(gw.spec?.listeners) ? gw.spec.listeners : [];
  const names = new Set<string>();
  specs.forEach((spec, index) => {
    if (!spec || typeof spec !== "object") return;
    // Listener names are the status list's key; the API server rejects duplicates, so keep the first.
    const lname = String(spec.name ?? `listener-${index}`);
    if (names.has(lname)) return;
    names.add(lname);
    g.listeners.push(resolveListener(rs, g, spec, index, lname, lname, hooks));
  });
  markConflicts(g.listeners);
  // The Gateway is accepted while at least one listener is; any invalid listener is reported.
  if (g.accepted.ok && g.listeners.length > 0 && g.listeners.some((l) => !listenerValid(l))) {
    const noneAccepted = g.listeners.every((l) => !l.accepted.ok);
    g.accepted = { ok: !noneAccepted, reason: "ListenersNotValid", message: noneAccepted ? "No listener is accepted" : "Some listeners are not valid" };
  }
  if (!g.accepted.ok) g.programmed = { ok: false, reason: "Invalid", message: g.accepted.message };
  return g;
}

/** A validated listener of the Gateway's spec or of a ListenerSet (conflicts are marked later, on the whole port). */
export function resolveListener(
  rs: ResourceSet,
  g: ResolvedGateway,
  spec: Listener,
  index: number,
  name: string,
  resourceName: string,
  hooks: readonly ResolveHooks[],
  listenerSet?: ResolvedListenerSet,
): ResolvedListener {
  const l: ResolvedListener = {
    gateway: g,
    spec,
    index,
    name,
    resourceName,
    port: spec.port,
    protocol: String(spec.protocol ?? ""),
    hostname: typeof spec.hostname === "string" && spec.hostname !== "" ? spec.hostname.toLowerCase() : undefined,
    supportedKinds: [],
    accepted: OK_LISTENER,
    resolvedRefs: OK_REFS,
    extraConditions: [],
    attachedRoutes: 0,
  };
  if (listenerSet) l.listenerSet = listenerSet;
  validateListener(rs, l, hooks);
  if (l.hostname !== undefined && !validHostnamePattern(l.hostname) && l.accepted.ok) {
    l.accepted = { ok: false, reason: "UnsupportedValue", message: `hostname ${l.hostname} is not a valid hostname` };
  }
  return l;
}

/** Static addresses: we can only take IP addresses and hostnames, and cannot assign them ourselves. */
function checkAddresses(gw: Gateway): Verdict | undefined {
  const addrs = Array.isArray(gw.spec?.addresses) ? gw.spec.addresses : [];
  for (const a of addrs) {
    const type = a?.type ?? "IPAddress";
    if (type !== "IPAddress" && type !== "Hostname") {
      return { ok: false, reason: "UnsupportedAddress", message: `address type ${type} is not supported` };
    }
    if (type === "IPAddress" && a?.value !== undefined && a.value !== "" && !isIp(a.value)) {
      return { ok: false, reason: "UnsupportedAddress", message: `address ${a.value} is not an IP address` };
    }
  }
  return undefined;
}

export function gatewayStatus(rs: ResourceSet, g: ResolvedGateway, hooks: readonly ResolveHooks[]): StatusUpdate {
  const gen = generationOf(g.obj);
  const status: Extract<StatusUpdate, { kind: "Gateway" }>["status"] = {
    conditions: sortConditions([
      condition("Accepted", g.accepted.ok, g.accepted.reason, g.accepted.message, gen),
      condition("Programmed", g.programmed.ok, g.programmed.reason, g.programmed.message, gen),
      ...hooks.flatMap((h) => h.gatewayConditions?.(g, rs) ?? []).map((c) => condition(c.type, c.status, c.reason, c.message, gen)),
    ]),
    // A ListenerSet's listeners are reported on the ListenerSet (resolve/listenersets.ts).
    listeners: listenerStatuses(g.listeners.filter((l) => !l.listenerSet), gen),
  };
  // Only where ListenerSets can attach, so that the status of every other Gateway keeps its v1.1 shape.
  if (g.listenerSets.length > 0 || (g.obj.spec?.allowedListeners?.namespaces?.from ?? "None") !== "None") {
    status.attachedListenerSets = g.listenerSets.filter((s) => s.attached && s.accepted.ok).length;
  }
  return { kind: "Gateway", target: { apiVersion: g.obj.apiVersion, namespace: g.namespace, name: g.name }, status };
}

/** Listener status entries; a ListenerSet's conflicted listener is also not accepted (ListenerSet spec). */
export function listenerStatuses(listeners: readonly ResolvedListener[], gen: number | undefined): NonNullable<Extract<StatusUpdate, { kind: "Gateway" }>["status"]["listeners"]> {
  return listeners.map((l) => {
    const ready = listenerReady(l);
    const conds = [
      condition("Accepted", l.accepted.ok, l.accepted.reason, l.accepted.message, gen),
      condition("ResolvedRefs", l.resolvedRefs.ok, l.resolvedRefs.reason, l.resolvedRefs.message, gen),
      l.conflicted
        ? condition("Conflicted", true, l.conflicted.reason, l.conflicted.message, gen)
        : condition("Conflicted", false, ListenerReason.NoConflicts, "No conflicts", gen),
      ready
        ? condition("Programmed", true, ListenerReason.Programmed, "Listener is programmed", gen)
        : condition("Programmed", false, l.listenerSet && l.conflicted ? l.conflicted.reason : ListenerReason.Invalid, "Listener is not valid", gen),
      ...l.extraConditions.map((c) => condition(c.type, c.status, c.reason, c.message, gen)),
    ];
    return { name: l.name, supportedKinds: l.supportedKinds, attachedRoutes: l.attachedRoutes, conditions: sortConditions(conds) };
  });
}
