// Working types of the resolve stage: Gateways and listeners as validated,
// with the facts their status is built from.
import type { Gateway, GatewayClass, Listener, ListenerSet, RouteGroupKind } from "../../api/gateway-api.ts";
import type { IrSecret, IrTlsTermination } from "../ir.ts";

export interface Verdict {
  ok: boolean;
  reason: string;
  message: string;
}

export interface ResolvedListener {
  gateway: ResolvedGateway;
  /** The ListenerSet this listener comes from; undefined for the Gateway's own listeners. */
  listenerSet?: ResolvedListenerSet;
  spec: Listener;
  index: number;
  /** The name in status and in parentRef sectionNames: unique within its Gateway or ListenerSet only. */
  name: string;
  /** The name in Envoy resource names (names.ts): unique within the Gateway. */
  resourceName: string;
  port: number;
  protocol: string;
  hostname: string | undefined;
  supportedKinds: RouteGroupKind[];
  accepted: Verdict;
  /** Set when the listener conflicts with another on its port. */
  conflicted?: { reason: string; message: string };
  resolvedRefs: Verdict;
  /** Extra listener conditions contributed by protocol validators (e.g. OverlappingTLSConfig). */
  extraConditions: { type: string; status: boolean; reason: string; message: string }[];
  /** Routes successfully attached (the spec's attachedRoutes). */
  attachedRoutes: number;
  /** TLS termination settings for HTTPS / TLS Terminate, when valid. */
  tls?: IrTlsTermination;
}

export interface ResolvedGateway {
  obj: Gateway;
  key: string;
  namespace: string;
  name: string;
  gatewayClass: GatewayClass;
  listeners: ResolvedListener[];
  /** Gateway-level problems (addresses, parameters). */
  accepted: Verdict;
  programmed: Verdict;
  secrets: Map<string, IrSecret>;
  /** ListenerSets whose parentRef is this Gateway, in listener precedence order (resolve/listenersets.ts). */
  listenerSets: ResolvedListenerSet[];
}

export interface ResolvedListenerSet {
  obj: ListenerSet;
  key: string;
  namespace: string;
  name: string;
  gateway: ResolvedGateway;
  /** Its listeners; empty when the Gateway does not take the set. */
  listeners: ResolvedListener[];
  /** Attached to the Gateway (allowed, and the Gateway accepted); its listeners are then the Gateway's too. */
  attached: boolean;
  accepted: Verdict;
  programmed: Verdict;
}

/** What a route's parentRefs can name: our Gateways, and the ListenerSets attached to them. */
export interface RouteParents {
  gateways: ReadonlyMap<string, ResolvedGateway>;
  listenerSets: ReadonlyMap<string, ResolvedListenerSet>;
}

/** The namespace a listener's `allowedRoutes.namespaces.from: Same` and its certificateRefs are relative to. */
export function listenerNamespace(l: ResolvedListener): string {
  return l.listenerSet?.namespace ?? l.gateway.namespace;
}

/**
 * A listener carries traffic only when accepted, unconflicted and with its
 * refs resolved; invalid route kinds alone do not stop it while some kind is
 * still supported.
 */
export function listenerValid(l: ResolvedListener): boolean {
  const refsOk = l.resolvedRefs.ok || (l.resolvedRefs.reason === "InvalidRouteKinds" && l.supportedKinds.length > 0);
  return l.accepted.ok && !l.conflicted && refsOk;
}

export function listenerReady(l: ResolvedListener): boolean {
  return listenerValid(l) && l.gateway.accepted.ok;
}

export function generationOf(o: { metadata: { generation?: number } }): number | undefined {
  const g = o.metadata.generation;
  return typeof g === "number" ? g : undefined;
}
