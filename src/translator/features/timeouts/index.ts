// Timeouts and retries of a route rule (timeouts.request, timeouts.backendRequest,
// retry): IrForwardAction's timeout fields and Envoy's timeout and retry_policy.
import type { Feature } from "../feature.ts";
import { emitTimeouts } from "./emit.ts";
import { applyTimeouts, ruleTimeouts } from "./resolve.ts";

export const timeouts: Feature = {
  name: "timeouts",
  resolve: {
    rule(ctx) {
      const t = ruleTimeouts(ctx.rule);
      if (typeof t === "string") return { ok: false, message: t };
      return { ok: true, forward: (out) => applyTimeouts(t, out) };
    },
    // HTTPRouteRetry is the v1.6.1 name of HTTPRouteRetryCodes, kept for that suite; v1.7 names retry on
    // status codes and on connection errors without codes apart.
    supportedFeatures: ["HTTPRouteBackendTimeout", "HTTPRouteRequestTimeout", "HTTPRouteRetry", "HTTPRouteRetryCodes", "HTTPRouteRetryConnectionError"],
  },
  emit: { forward: emitTimeouts },
};
