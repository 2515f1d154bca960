// Session persistence (GEP-1619, docs/session-persistence.md): a rule's
// sessionPersistence or a BackendLBPolicy on its Services -> IrRoute.session
// per Envoy route, a cluster of its own over a weighted split, the policies'
// status; in Envoy the stateful_session filter, enabled per route.
import type { Feature } from "../feature.ts";
import { sessionPerFilterConfig, statefulSessionHttpFilter } from "./emit.ts";
import { backendLBPolicyStatuses } from "./policy.ts";
import { routeSession, ruleSession } from "./rule.ts";
import { sessionSplit } from "./split.ts";

const persists = (r: { spec?: { rules?: unknown } }): boolean =>
  Array.isArray(r.spec?.rules) && r.spec.rules.some((rule: unknown) => rule !== null && typeof rule === "object" && "sessionPersistence" in rule && rule.sessionPersistence !== undefined);

export const sessionPersistence: Feature = {
  name: "session-persistence",
  resolve: {
    rule(ctx) {
      const id = { routeKind: ctx.kind, namespace: ctx.namespace, name: ctx.routeName, ruleIndex: ctx.ruleIndex, ...(typeof ctx.ruleId === "string" ? { ruleName: ctx.ruleId } : {}) };
      const session = ruleSession(ctx.rule.sessionPersistence, id, ctx.backends.clusters, ctx.rs);
      if (!session.ok) return { ok: false, message: session.message };
      if (!session.resolved) return { ok: true };
      // Persistence across a weighted split needs one cluster for the rule (split.ts).
      const split = sessionSplit(ctx.rule.backendRefs, ctx.clusters, ctx.kind, ctx.namespace, ctx.routeName, ctx.ruleId, ctx.backends);
      return {
        ok: true,
        ...(split ? { backends: split } : {}),
        // A redirect reaches no backend: nothing to persist.
        ...(ctx.redirect
          ? {}
          : {
              route(out, match) {
                const s = routeSession(session, match.path);
                if (s) out.session = s;
              },
            }),
      };
    },
    gateways: backendLBPolicyStatuses,
    // A split with persistence merges its backends' endpoints into one cluster (split.ts).
    endpointsShapeMore: (rs) => rs.list("BackendLBPolicy").length > 0 || rs.list("HTTPRoute").some(persists) || rs.list("GRPCRoute").some(persists),
  },
  emit: {
    // Always present and disabled: routes enable it per route, so session
    // persistence changes only touch RDS and never drain the listener.
    httpFilters: () => [statefulSessionHttpFilter()],
    route(r, out) {
      if (r.session) out.typedPerFilterConfig = { ...out.typedPerFilterConfig, ...sessionPerFilterConfig(r.session) };
    },
  },
};
