// Route attachment, generic over route kinds: parentRefs (sectionName, port),
// allowedRoutes (namespaces, kinds) and hostname intersection. Every route kind
// (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute) goes through here.
import { GATEWAY_GROUP, type ParentReference } from "../../api/gateway-api.ts";
import type { K8sObject } from "../../api/meta.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import { RouteReason } from "./conditions.ts";
import { routeHostnamesOn } from "./hostnames.ts";
import { listenerNamespace, type ResolvedGateway, type ResolvedListener, type RouteParents, type Verdict } from "./model.ts";
import { selectorMatches } from "./namespaces.ts";

export interface Attachment {
  listener: ResolvedListener;
  /** Effective hostnames of the route on this listener (`*` = any). */
  hostnames: string[];
}

export interface ParentAttachment {
  /** The parentRef as the route wrote it (status echoes it back). */
  parentRef: ParentReference;
  gateway: ResolvedGateway;
  attachments: Attachment[];
  accepted: Verdict;
}

export interface AttachableRoute extends K8sObject {
  spec: { parentRefs?: ParentReference[]; hostnames?: string[] };
}

/**
 * Attaches a route to the listeners its parentRefs select: a Gateway's own
 * listeners, or a ListenerSet's. Parents that are not ours get no entry (their
 * controller owns that status). `usesHostnames` is false for TCP/UDP routes.
 */
export function attachRoute(
  rs: ResourceSet,
  parents: RouteParents,
  route: AttachableRoute,
  kind: string,
  usesHostnames: boolean,
): ParentAttachment[] {
  const routeNs = route.metadata.namespace ?? "default";
  const out: ParentAttachment[] = [];
  const refs = Array.isArray(route.spec?.parentRefs) ? route.spec.parentRefs : [];
  const hostnames = usesHostnames && Array.isArray(route.spec?.hostnames) ? route.spec.hostnames : undefined;
  for (const ref of refs) {
    if (!ref || typeof ref !== "object") continue;
    const parent = parentListeners(parents, ref, routeNs);
    if (!parent) continue;
    const gw = parent.gateway;
    const parentRef = cleanParentRef(ref);
    if (parent.refused) {
      out.push({ parentRef, gateway: gw, attachments: [], accepted: { ok: false, reason: RouteReason.NoMatchingParent, message: parent.refused } });
      continue;
    }
    const candidates = parent.listeners.filter(
      (l) => (ref.sectionName === undefined || ref.sectionName === l.name) && (ref.port === undefined || ref.port === l.port),
    );
    if (candidates.length === 0) {
      out.push({ parentRef, gateway: gw, attachments: [], accepted: { ok: false, reason: RouteReason.NoMatchingParent, message: "No listener matches the parentRef's sectionName/port" } });
      continue;
    }
    const allowed = candidates.filter((l) => l.supportedKinds.some((k) => k.kind === kind) && namespaceAllowed(rs, l, routeNs));
    if (allowed.length === 0) {
      out.push({ parentRef, gateway: gw, attachments: [], accepted: { ok: false, reason: RouteReason.NotAllowedByListeners, message: `No listener allows this ${kind}` } });
      continue;
    }
    const attachments: Attachment[] = [];
    for (const l of allowed) {
      const hs = usesHostnames ? routeHostnamesOn(l.hostname, hostnames) : ["*"];
      if (hs.length > 0) attachments.push({ listener: l, hostnames: hs });
    }
    if (attachments.length === 0) {
      out.push({ parentRef, gateway: gw, attachments, accepted: { ok: false, reason: RouteReason.NoMatchingListenerHostname, message: "No listener hostname matches the route's hostnames" } });
      continue;
    }
    out.push({ parentRef, gateway: gw, attachments, accepted: { ok: true, reason: RouteReason.Accepted, message: "Route is accepted" } });
  }
  return out;
}

/** The listeners a parentRef names: a Gateway's own (not its ListenerSets'), or one ListenerSet's. */
function parentListeners(parents: RouteParents, ref: ParentReference, routeNs: string): { gateway: ResolvedGateway; listeners: ResolvedListener[]; refused?: string } | undefined {
  if ((ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP) return undefined;
  const key = `${ref.namespace ?? routeNs}/${ref.name}`;
  const kind = ref.kind ?? "Gateway";
  if (kind === "Gateway") {
    const gw = parents.gateways.get(key);
    return gw && { gateway: gw, listeners: gw.listeners.filter((l) => !l.listenerSet) };
  }
  if (kind !== "ListenerSet") return undefined;
  const set = parents.listenerSets.get(key);
  if (!set) return undefined;
  if (!set.attached) return { gateway: set.gateway, listeners: [], refused: `ListenerSet ${set.key} is not attached to Gateway ${set.gateway.key}: ${set.accepted.message}` };
  return { gateway: set.gateway, listeners: set.listeners };
}

/** The parentRef as written, without unknown fields (status echoes it back); Gateway and Service parents alike. */
export function cleanParentRef(ref: ParentReference): ParentReference {
  const r: ParentReference = { name: ref.name };
  if (ref.group !== undefined) r.group = ref.group;
  if (ref.kind !== undefined) r.kind = ref.kind;
  if (ref.namespace !== undefined) r.namespace = ref.namespace;
  if (ref.sectionName !== undefined) r.sectionName = ref.sectionName;
  if (ref.port !== undefined) r.port = ref.port;
  return r;
}

function namespaceAllowed(rs: ResourceSet, l: ResolvedListener, routeNs: string): boolean {
  const ns = l.spec.allowedRoutes?.namespaces;
  const from = ns?.from ?? "Same";
  switch (from) {
    case "All":
      return true;
    case "Same":
      return routeNs === listenerNamespace(l);
    case "Selector":
      // Kubernetes labels every namespace with its own name, whether or not we hold the object.
      return selectorMatches(ns?.selector, { ...rs.get("Namespace", routeNs)?.metadata.labels, "kubernetes.io/metadata.name": routeNs });
    default:
      return false;
  }
}
