// BackendTLSPolicy (v1alpha3 and v1 share the shape): TLS from the Gateway to
// a Service's pods. A policy targets a Service (optionally one port, by its
// name in sectionName); the clusters built for that Service get an
// UpstreamTlsContext (IrCluster.tls) with SNI = validation.hostname, the
// server certificate checked against the policy's CA bundle (SDS) or the
// system bundle, and its SANs against subjectAltNames or the hostname.
//
// Precedence: a policy naming the port's sectionName beats one for the whole
// Service; among equals the oldest wins, then namespace/name; the others get
// Accepted=False/Conflicted. A policy that cannot be honoured (invalid CA,
// unsupported wellKnownCACertificates...) still takes the Service: its
// connections fail (5xx), they never go out in plaintext.
import { GATEWAY_GROUP, type BackendTLSPolicy, type SubjectAltName } from "../../../api/gateway-api.ts";
import type { ResourceSet } from "../../../api/resource-set.ts";
import type { StatusUpdate } from "../../../api/translation.ts";
import type { IrCluster, IrGateway } from "../../ir.ts";
import { resolveCaRefs } from "../../resolve/ca-refs.ts";
import { condition, sortConditions } from "../../resolve/conditions.ts";
import { generationOf } from "../../resolve/model.ts";

export const PolicyReason = {
  Accepted: "Accepted",
  Conflicted: "Conflicted",
  Invalid: "Invalid",
  NoValidCACertificate: "NoValidCACertificate",
  ResolvedRefs: "ResolvedRefs",
  InvalidCACertificateRef: "InvalidCACertificateRef",
  InvalidKind: "InvalidKind",
} as const;

type ClusterTls = NonNullable<IrCluster["tls"]>;

interface Verdict {
  ok: boolean;
  reason: string;
  message: string;
}

interface ResolvedPolicy {
  obj: BackendTLSPolicy;
  key: string;
  namespace: string;
  accepted: Verdict;
  resolvedRefs: Verdict;
  /** What clusters get; fail-closed when the policy is not usable. */
  tls: ClusterTls;
  /** Withhold the cluster's endpoints (the policy cannot be honoured). */
  failClosed: boolean;
  caSecret?: { name: string; trustedCa: string };
  /** Gateways whose clusters the policy applies to (or would, for a loser). */
  ancestors: Set<string>;
  conflicted: boolean;
}

// RFC 1123 hostname, no wildcard, not an IP.
const HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isIpLiteral(h: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(":");
}

function resolvePolicy(rs: ResourceSet, p: BackendTLSPolicy): ResolvedPolicy {
  const namespace = p.metadata.namespace ?? "default";
  const v = p.spec?.validation;
  const hostname = typeof v?.hostname === "string" ? v.hostname.toLowerCase() : "";
  const r: ResolvedPolicy = {
    obj: p,
    key: `${namespace}/${p.metadata.name}`,
    namespace,
    accepted: { ok: true, reason: PolicyReason.Accepted, message: "Policy is accepted" },
    resolvedRefs: { ok: true, reason: PolicyReason.ResolvedRefs, message: "References are resolved" },
    tls: { sni: hostname || "invalid.invalid", subjectAltNames: [] },
    failClosed: false,
    ancestors: new Set(),
    conflicted: false,
  };
  const invalid = (message: string) => {
    r.accepted = { ok: false, reason: PolicyReason.Invalid, message };
    r.failClosed = true;
    return r;
  };
  if (!v || typeof v !== "object") return invalid("spec.validation is required");
  if (!hostname || !HOSTNAME.test(hostname) || isIpLiteral(hostname)) {
    return invalid(`validation.hostname ${JSON.stringify(v.hostname ?? "")} is not a valid DNS hostname`);
  }
  const sans: ClusterTls["subjectAltNames"] = [];
  for (const s of Array.isArray(v.subjectAltNames) ? (v.subjectAltNames as SubjectAltName[]) : []) {
    if (s?.type === "Hostname" && typeof s.hostname === "string" && s.hostname !== "") sans.push({ type: "Hostname", value: s.hostname.toLowerCase() });
    else if (s?.type === "URI" && typeof s.uri === "string" && s.uri !== "") sans.push({ type: "URI", value: s.uri });
    else return invalid(`subjectAltNames entry ${JSON.stringify(s)} is not valid (type Hostname with hostname, or URI with uri)`);
  }
  r.tls.subjectAltNames = sans;
  const refs = Array.isArray(v.caCertificateRefs) ? v.caCertificateRefs : [];
  const wellKnown = typeof v.wellKnownCACertificates === "string" ? v.wellKnownCACertificates : "";
  if (refs.length > 0 && wellKnown !== "") return invalid("caCertificateRefs and wellKnownCACertificates are mutually exclusive");
  if (refs.length === 0 && wellKnown === "") return invalid("one of caCertificateRefs or wellKnownCACertificates is required");
  if (wellKnown !== "") {
    if (wellKnown !== "System") return invalid(`wellKnownCACertificates ${JSON.stringify(wellKnown)} is not supported (only System)`);
    r.tls.useSystemCa = true;
    return r;
  }
  const ca = resolveCaRefs(rs, refs, {
    from: { group: GATEWAY_GROUP, kind: "BackendTLSPolicy", namespace },
    crossNamespace: false,
    allowSecret: true,
    kindReason: PolicyReason.InvalidKind,
  });
  const first = ca.errors[0];
  if (first) r.resolvedRefs = { ok: false, reason: first.reason, message: ca.errors.map((e) => e.message).join("; ") };
  if (!ca.secret) {
    r.accepted = { ok: false, reason: PolicyReason.NoValidCACertificate, message: "no valid CA certificate" };
    r.failClosed = true;
    return r;
  }
  if (first) {
    // Some refs are invalid: connections must fail rather than trust a partial set.
    r.failClosed = true;
    return r;
  }
  r.caSecret = { name: ca.secret.name, trustedCa: ca.secret.trustedCa ?? "" };
  r.tls.caSecret = ca.secret.name;
  return r;
}

function targetsOf(p: BackendTLSPolicy): { name: string; sectionName?: string }[] {
  const out: { name: string; sectionName?: string }[] = [];
  for (const t of Array.isArray(p.spec?.targetRefs) ? p.spec.targetRefs : []) {
    if (!t || (t.group ?? "") !== "" || t.kind !== "Service" || typeof t.name !== "string") continue;
    out.push(typeof t.sectionName === "string" && t.sectionName !== "" ? { name: t.name, sectionName: t.sectionName } : { name: t.name });
  }
  return out;
}

function olderFirst(a: ResolvedPolicy, b: ResolvedPolicy): number {
  const ta = a.obj.metadata.creationTimestamp ?? "";
  const tb = b.obj.metadata.creationTimestamp ?? "";
  if (ta !== tb) {
    // RFC 3339 in UTC compares as text; a missing timestamp sorts last.
    if (!ta) return 1;
    if (!tb) return -1;
    return ta < tb ? -1 : 1;
  }
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Applies every BackendTLSPolicy to the clusters of the Gateways, adds the CA
 * secrets to the snapshots that use them, and returns the policies' status.
 */
export function applyBackendTlsPolicies(
  rs: ResourceSet,
  gateways: readonly IrGateway[],
  controllerName: string,
): StatusUpdate[] {
  const policies = rs.list("BackendTLSPolicy").map((p) => resolvePolicy(rs, p));
  if (policies.length === 0) return [];

  // Winner per (namespace/service, sectionName|*): the rest are Conflicted.
  const byTarget = new Map<string, ResolvedPolicy[]>();
  for (const p of policies) {
    for (const t of targetsOf(p.obj)) {
      const k = `${p.namespace}/${t.name}#${t.sectionName ?? "*"}`;
      const arr = byTarget.get(k);
      if (arr) {
        if (!arr.includes(p)) arr.push(p);
      } else byTarget.set(k, [p]);
    }
  }
  const winner = new Map<string, ResolvedPolicy>();
  for (const [k, arr] of byTarget) {
    arr.sort(olderFirst);
    winner.set(k, arr[0] as ResolvedPolicy);
    for (const loser of arr.slice(1)) loser.conflicted = true;
  }

  for (const g of gateways) {
    for (const c of [...g.clusters.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      // TLS passthrough clusters carry the client's own TLS (backends.ts gives them a variant of their own).
      if (!c.service || c.passthrough) continue;
      const portName = rs
        .get("Service", `${c.service.namespace}/${c.service.name}`)
        ?.spec?.ports?.find((p) => p && p.port === c.service?.port)?.name;
      const base = `${c.service.namespace}/${c.service.name}#`;
      const specificKey = portName ? base + portName : undefined;
      const p = (specificKey && winner.get(specificKey)) || winner.get(base + "*");
      // Every policy competing for this cluster's target names this Gateway as an ancestor.
      for (const k of [specificKey, base + "*"]) {
        if (!k) continue;
        for (const q of byTarget.get(k) ?? []) q.ancestors.add(g.key);
      }
      if (!p) continue;
      c.tls = { ...p.tls, subjectAltNames: [...p.tls.subjectAltNames] };
      if (p.failClosed) {
        // Connections must fail with a 5xx, never go out unverified: no endpoints.
        c.localities = [];
      } else if (p.caSecret) {
        g.secrets.set(p.caSecret.name, { name: p.caSecret.name, trustedCa: p.caSecret.trustedCa });
      }
      // The Gateway's client certificate goes to its snapshot only when a TLS backend uses it.
      if (g.backendClientCertificate) g.secrets.set(g.backendClientCertificate.name, g.backendClientCertificate);
    }
  }

  return policies.map((p) => policyStatus(p, controllerName));
}

function policyStatus(p: ResolvedPolicy, controllerName: string): StatusUpdate {
  const gen = generationOf(p.obj);
  const accepted = p.conflicted && p.accepted.ok
    ? { ok: false, reason: PolicyReason.Conflicted, message: "Another BackendTLSPolicy takes precedence for this target" }
    : p.accepted;
  const conds = sortConditions([
    condition("Accepted", accepted.ok, accepted.reason, accepted.message, gen),
    condition("ResolvedRefs", p.resolvedRefs.ok, p.resolvedRefs.reason, p.resolvedRefs.message, gen),
  ]);
  const ancestors = [...p.ancestors].sort().map((key) => {
    const [namespace, name] = key.split("/") as [string, string];
    return {
      ancestorRef: { group: GATEWAY_GROUP, kind: "Gateway", namespace, name },
      controllerName,
      conditions: conds.map((c) => ({ ...c })),
    };
  });
  return {
    kind: "BackendTLSPolicy",
    target: { apiVersion: p.obj.apiVersion, namespace: p.namespace, name: p.obj.metadata.name },
    ancestors,
  };
}
