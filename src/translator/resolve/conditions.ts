// Condition building and the Gateway API's condition types/reasons, so that
// every status the translator writes uses the spec's exact spelling.
import type { Condition, ConditionStatus } from "../../api/meta.ts";
import type { CompiledRoute } from "./compiled-route.ts";

export function condition(type: string, status: boolean | ConditionStatus, reason: string, message: string, generation: number | undefined): Condition {
  const c: Condition = {
    type,
    status: typeof status === "boolean" ? (status ? "True" : "False") : status,
    reason,
    message,
  };
  if (generation !== undefined) c.observedGeneration = generation;
  return c;
}

/** Sorts conditions by type so output is stable. */
export function sortConditions(cs: Condition[]): Condition[] {
  return cs.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** A route parent's conditions: `accepted` as decided by the caller, ResolvedRefs and PartiallyInvalid from the compiled rules. */
export function routeParentConditions(accepted: Condition, compiled: CompiledRoute, generation: number | undefined): Condition[] {
  const conds = [accepted, condition("ResolvedRefs", compiled.resolvedRefs.ok, compiled.resolvedRefs.reason, compiled.resolvedRefs.message, generation)];
  if (!compiled.unusable && compiled.invalidRules.length > 0) {
    conds.push(condition(RouteReason.PartiallyInvalid, true, RouteReason.UnsupportedValue, compiled.invalidRules.join("; "), generation));
  }
  return sortConditions(conds);
}

export const ListenerReason = {
  Accepted: "Accepted",
  PortUnavailable: "PortUnavailable",
  UnsupportedProtocol: "UnsupportedProtocol",
  NoConflicts: "NoConflicts",
  HostnameConflict: "HostnameConflict",
  ProtocolConflict: "ProtocolConflict",
  ResolvedRefs: "ResolvedRefs",
  InvalidCertificateRef: "InvalidCertificateRef",
  InvalidRouteKinds: "InvalidRouteKinds",
  RefNotPermitted: "RefNotPermitted",
  Programmed: "Programmed",
  Invalid: "Invalid",
  OverlappingTLSConfig: "OverlappingTLSConfig",
  OverlappingHostnames: "OverlappingHostnames",
  NoValidCACertificate: "NoValidCACertificate",
  InvalidCACertificateRef: "InvalidCACertificateRef",
  InvalidCACertificateKind: "InvalidCACertificateKind",
} as const;

export const RouteReason = {
  Accepted: "Accepted",
  NotAllowedByListeners: "NotAllowedByListeners",
  NoMatchingListenerHostname: "NoMatchingListenerHostname",
  NoMatchingParent: "NoMatchingParent",
  UnsupportedValue: "UnsupportedValue",
  ResolvedRefs: "ResolvedRefs",
  RefNotPermitted: "RefNotPermitted",
  InvalidKind: "InvalidKind",
  BackendNotFound: "BackendNotFound",
  UnsupportedProtocol: "UnsupportedProtocol",
  PartiallyInvalid: "PartiallyInvalid",
} as const;
