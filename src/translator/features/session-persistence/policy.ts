// BackendLBPolicy v1alpha2 (GEP-1619): session persistence attached to
// Services, and its status on `ancestors` (the Gateways whose routes reach a
// targeted Service).
//
// Decisions (docs/session-persistence.md):
// - targetRefs must be core Services in the policy's namespace; others are
//   ignored and reported (Accepted=False, reason Invalid, when nothing valid is left).
// - Two policies on one Service: the oldest (then namespace/name) wins; the
//   other is Accepted=False with reason Conflicted.
// - A targeted Service with spec.sessionAffinity=ClientIP: the policy is
//   rejected for it (Accepted=False, Invalid) as GEP-1619 requires.
// - Route-rule sessionPersistence overrides the policy (route wins).
import type { StatusUpdate } from "../../../api/translation.ts";
import type { BackendLBPolicy, PolicyAncestorStatus } from "../../../api/gateway-api.ts";
import type { ResourceSet } from "../../../api/resource-set.ts";
import type { IrGateway } from "../../ir.ts";
import { condition } from "../../resolve/conditions.ts";
import { generationOf } from "../../resolve/model.ts";
import { resolveSessionPersistence, type SessionResolution } from "./config.ts";

export const PolicyReason = {
  Accepted: "Accepted",
  Invalid: "Invalid",
  Conflicted: "Conflicted",
  TargetNotFound: "TargetNotFound",
} as const;

export interface PolicyVerdict {
  policy: BackendLBPolicy;
  /** Valid, winning persistence per targeted Service key (`ns/name`). */
  applies: Map<string, Extract<SessionResolution, { ok: true }>>;
  /** Why the policy (or part of it) does not apply. */
  problems: { reason: string; message: string }[];
}

export interface PolicyIndex {
  /** Service key -> the winning policy's persistence. */
  byService: Map<string, Extract<SessionResolution, { ok: true }>>;
  verdicts: PolicyVerdict[];
}

const cache = new WeakMap<ResourceSet, PolicyIndex>();

function age(p: BackendLBPolicy): string {
  return `${p.metadata.creationTimestamp ?? ""}\u0000${p.metadata.namespace ?? "default"}/${p.metadata.name}`;
}

/** Every BackendLBPolicy judged once per ResourceSet. */
export function backendLBPolicies(rs: ResourceSet): PolicyIndex {
  const hit = cache.get(rs);
  if (hit) return hit;
  const index: PolicyIndex = { byService: new Map(), verdicts: [] };
  const policies = [...rs.list("BackendLBPolicy")].sort((a, b) => (age(a) < age(b) ? -1 : age(a) > age(b) ? 1 : 0));
  for (const policy of policies) {
    const ns = policy.metadata.namespace ?? "default";
    const v: PolicyVerdict = { policy, applies: new Map(), problems: [] };
    index.verdicts.push(v);
    const sp = policy.spec?.sessionPersistence;
    if (!sp || typeof sp !== "object") continue; // nothing to apply; still Accepted
    const r = resolveSessionPersistence(sp, { kind: "policy", namespace: ns, name: policy.metadata.name });
    if (!r.ok) {
      v.problems.push({ reason: PolicyReason.Invalid, message: r.message });
      continue;
    }
    for (const t of Array.isArray(policy.spec?.targetRefs) ? policy.spec.targetRefs : []) {
      if ((t?.group ?? "") !== "" || t?.kind !== "Service") {
        v.problems.push({ reason: PolicyReason.Invalid, message: `targetRef ${String(t?.group)}/${String(t?.kind)} ${String(t?.name)} is not a Service` });
        continue;
      }
      const key = `${ns}/${t.name}`;
      const svc = rs.get("Service", key);
      if (!svc) {
        v.problems.push({ reason: PolicyReason.TargetNotFound, message: `Service ${key} does not exist` });
        continue;
      }
      if (svc.spec?.sessionAffinity === "ClientIP") {
        v.problems.push({ reason: PolicyReason.Invalid, message: `Service ${key} sets spec.sessionAffinity=ClientIP, which cannot be combined with session persistence (GEP-1619)` });
        continue;
      }
      if (index.byService.has(key)) {
        v.problems.push({ reason: PolicyReason.Conflicted, message: `Service ${key} is already targeted by an older BackendLBPolicy` });
        continue;
      }
      index.byService.set(key, r);
      v.applies.set(key, r);
    }
  }
  cache.set(rs, index);
  return index;
}

/**
 * Ancestor status: one entry per Gateway of ours whose programmed clusters
 * include a targeted Service. A policy no Gateway reaches gets no entry.
 */
export function backendLBPolicyStatuses(rs: ResourceSet, gateways: readonly IrGateway[], controllerName: string): StatusUpdate[] {
  const { verdicts } = backendLBPolicies(rs);
  const out: StatusUpdate[] = [];
  for (const v of verdicts) {
    const ns = v.policy.metadata.namespace ?? "default";
    const targets = new Set(
      (Array.isArray(v.policy.spec?.targetRefs) ? v.policy.spec.targetRefs : [])
        .filter((t) => (t?.group ?? "") === "" && t?.kind === "Service")
        .map((t) => `${ns}/${t.name}`),
    );
    const gen = generationOf(v.policy);
    const ancestors: PolicyAncestorStatus[] = [];
    for (const g of gateways) {
      const reached = [...g.clusters.values()].some((c) => c.service && targets.has(`${c.service.namespace}/${c.service.name}`));
      if (!reached) continue;
      const first = v.problems[0];
      const cond =
        first && v.applies.size === 0
          ? condition("Accepted", false, first.reason, v.problems.map((p) => p.message).join("; "), gen)
          : condition("Accepted", true, PolicyReason.Accepted, first ? `Policy is accepted; ignored: ${v.problems.map((p) => p.message).join("; ")}` : "Policy is accepted", gen);
      ancestors.push({
        ancestorRef: { group: "gateway.networking.k8s.io", kind: "Gateway", namespace: g.namespace, name: g.name },
        controllerName,
        conditions: [cond],
      });
    }
    if (ancestors.length === 0) continue;
    out.push({
      kind: "BackendLBPolicy",
      target: { apiVersion: v.policy.apiVersion, namespace: ns, name: v.policy.metadata.name },
      ancestors: ancestors.slice(0, 16),
    });
  }
  return out;
}
