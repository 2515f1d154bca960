// Condition building and the Gateway API's condition types/reasons, so that
// every status the translator writes uses the spec's exact spelling.
import type { Condition, ConditionStatus } from "../../api/meta.ts";

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
