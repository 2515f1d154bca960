// The HTTPRoute CORS filter (GEP-1767) -> IrCors: the rule's first CORS filter.
import type { HTTPCORSFilter, HTTPRouteRule } from "../../../api/gateway-api.ts";
import type { IrCors } from "../../ir.ts";

export function irCors(c: HTTPCORSFilter | undefined): IrCors {
  const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x !== "") : []);
  const out: IrCors = {
    allowOrigins: strs(c?.allowOrigins),
    allowCredentials: c?.allowCredentials === true,
    allowMethods: strs(c?.allowMethods),
    allowHeaders: strs(c?.allowHeaders),
    exposeHeaders: strs(c?.exposeHeaders),
  };
  if (typeof c?.maxAge === "number" && c.maxAge >= 0) out.maxAge = Math.floor(c.maxAge);
  return out;
}

/** The rule's CORS policy: its first CORS filter, as for every filter type but RequestMirror. */
export function ruleCors(rule: HTTPRouteRule): IrCors | undefined {
  const first = (Array.isArray(rule.filters) ? rule.filters : []).find((f) => f?.type === "CORS");
  return first ? irCors(first.cors) : undefined;
}
