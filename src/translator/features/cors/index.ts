// CORS (the HTTPRoute CORS filter): IrRoute.cors, the CORS HTTP filter and a
// CorsPolicy per route.
import type { Feature } from "../feature.ts";
import { CORS_FILTER, corsHttpFilters, corsPolicy } from "./emit.ts";
import { ruleCors } from "./resolve.ts";

export const cors: Feature = {
  name: "cors",
  resolve: {
    // Every CORS filter is valid: unusable fields are left out (resolve.ts).
    filters: { CORS: () => undefined },
    rule(ctx) {
      const c = ruleCors(ctx.rule);
      return c ? { ok: true, route: (out) => void (out.cors = c) } : { ok: true };
    },
    supportedFeatures: ["HTTPRouteCORS"],
  },
  emit: {
    httpFilters: corsHttpFilters,
    route(r, out) {
      if (r.cors) out.typedPerFilterConfig = { ...out.typedPerFilterConfig, [CORS_FILTER]: corsPolicy(r.cors) };
    },
  },
};
