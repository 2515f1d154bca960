// Session persistence for one HTTPRoute/GRPCRoute rule: the rule's own
// sessionPersistence, or else a BackendLBPolicy on one of its backends.
import { createHash } from "node:crypto";
import type { SessionPersistence } from "../../../api/gateway-api.ts";
import type { ResourceSet } from "../../../api/resource-set.ts";
import type { IrCluster, IrPathMatch, IrSessionPersistence } from "../../ir.ts";
import { backendLBPolicies } from "./policy.ts";
import { resolveSessionPersistence, sessionForRoute, type SessionOrigin, type SessionResolution } from "./config.ts";

export type RuleSession =
  | { ok: true; resolved?: Extract<SessionResolution, { ok: true }> }
  | { ok: false; message: string };

export interface RuleIdentity {
  routeKind: string;
  namespace: string;
  name: string;
  ruleIndex: number;
  ruleName?: string;
}

function ruleSuffix(r: RuleIdentity): string {
  return createHash("sha256")
    .update([r.routeKind, r.namespace, r.name, r.ruleName ?? String(r.ruleIndex)].join("\u0000"))
    .digest("hex")
    .slice(0, 8);
}

/**
 * Resolves the rule's persistence against its backend clusters.
 * - Rule-level config wins over BackendLBPolicy (GEP-1619).
 * - A backend Service with spec.sessionAffinity=ClientIP makes rule-level
 *   persistence invalid (GEP-1619: such a route MUST be rejected).
 * - Policy-level persistence gets a per-rule suffix on its session name so
 *   that two rules reaching one Service never share a session (GEP-1619 edge
 *   case "Route Rules Referencing a Session Persistent Enabled Service").
 */
export function ruleSession(sp: SessionPersistence | undefined, id: RuleIdentity, backends: readonly IrCluster[], rs: ResourceSet | undefined): RuleSession {
  if (sp && typeof sp === "object") {
    for (const c of backends) {
      if (!c.service || !rs) continue;
      const svc = rs.get("Service", `${c.service.namespace}/${c.service.name}`);
      if (svc?.spec?.sessionAffinity === "ClientIP") {
        return { ok: false, message: `sessionPersistence cannot be combined with Service ${c.service.namespace}/${c.service.name} spec.sessionAffinity=ClientIP` };
      }
    }
    const origin: SessionOrigin = { kind: "route", ...id };
    const r = resolveSessionPersistence(sp, origin);
    return r.ok ? { ok: true, resolved: r } : { ok: false, message: r.message };
  }
  if (!rs) return { ok: true };
  const index = backendLBPolicies(rs);
  if (index.byService.size === 0) return { ok: true };
  for (const c of backends) {
    if (!c.service) continue;
    const p = index.byService.get(`${c.service.namespace}/${c.service.name}`);
    if (!p) continue;
    // The first backend's policy applies to the whole rule (GEP-1619 lets
    // implementations apply it to all backends of a split equally).
    return { ok: true, resolved: { ...p, session: { ...p.session, name: `${p.session.name}-${ruleSuffix(id)}` } } };
  }
  return { ok: true };
}

/** The session of one Envoy route of the rule (cookie Path depends on the match). */
export function routeSession(rs: RuleSession, path: IrPathMatch): IrSessionPersistence | undefined {
  return rs.ok && rs.resolved ? sessionForRoute(rs.resolved, path) : undefined;
}
