// IrCors -> Envoy: the CORS HTTP filter in connection managers whose routes use
// it, and each route's CorsPolicy in typed_per_filter_config.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { CorsPolicySchema, CorsSchema } from "../../../gen/envoy/extensions/filters/http/cors/v3/cors_pb.js";
import type { StringMatcherSchema } from "../../../gen/envoy/type/matcher/v3/string_pb.js";
import type { IrCors, IrListener } from "../../ir.ts";
import { escapeRegex, pack } from "../../envoy/common.ts";
import type { HttpFilterInit } from "../../envoy/hooks.ts";

export const CORS_FILTER = "envoy.filters.http.cors";

/** The filter, in listeners where some route has a CORS policy. */
export function corsHttpFilters(l: IrListener): HttpFilterInit[] {
  if (!l.virtualHosts.some((vh) => vh.routes.some((r) => r.cors))) return [];
  return [{ name: CORS_FILTER, configType: { case: "typedConfig", value: pack(CorsSchema, {}) } }];
}

function originMatcher(origin: string): MessageInitShape<typeof StringMatcherSchema> {
  if (origin === "*") return { matchPattern: { case: "safeRegex", value: { regex: ".*" } } };
  if (origin.includes("*")) {
    return { matchPattern: { case: "safeRegex", value: { regex: origin.split("*").map(escapeRegex).join("[^/]*") } } };
  }
  return { matchPattern: { case: "exact", value: origin } };
}

export function corsPolicy(c: IrCors): Any {
  return pack(CorsPolicySchema, {
    allowOriginStringMatch: c.allowOrigins.map(originMatcher),
    allowMethods: c.allowMethods.join(","),
    allowHeaders: c.allowHeaders.join(","),
    exposeHeaders: c.exposeHeaders.join(","),
    maxAge: c.maxAge !== undefined ? String(c.maxAge) : "",
    allowCredentials: c.allowCredentials,
    // A preflight from an origin that is not allowed is answered here, without CORS headers: the
    // backend never sees it (HTTPRouteCORS checks this). Envoy forwards it by default.
    forwardNotMatchingPreflights: false,
  });
}
