// GRPCRoute matches -> IR matches, and GRPCRoute precedence.
//
// A gRPC request's path is `/<service>/<method>`. Matching is anchored on both
// segments so that a service never leaks into a longer one: `pkg.Svc` must not
// match `/pkg.SvcOther/M`, so service-only matches are the regex
// `/pkg\.Svc/[^/]+`, never a bare string prefix.
import type { GRPCRouteMatch, HTTPHeaderMatch } from "../../api/gateway-api.ts";
import type { IrHeaderMatch, IrMatch } from "../ir.ts";
import { quoteRegex, regexProblem, validHeaderName, validHeaderValue } from "./values.ts";

/** Service: a dotted name of identifiers (the CRD's pattern); method: one identifier. */
const SERVICE_RE = /^(?:[A-Za-z_][A-Za-z_0-9]*\.)*[A-Za-z_][A-Za-z_0-9]*$/;
const METHOD_RE = /^[A-Za-z_][A-Za-z_0-9]*$/;
const SEGMENT = "[^/]+";

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

export type GrpcMatchResult = { ok: true; match: IrMatch; serviceChars: number; methodChars: number } | { ok: false; message: string };

function headers(list: HTTPHeaderMatch[] | undefined): IrHeaderMatch[] | string {
  const out: IrHeaderMatch[] = [];
  const seen = new Set<string>();
  for (const h of Array.isArray(list) ? list : []) {
    if (!validHeaderName(h?.name)) return `header match name ${JSON.stringify(h?.name)} is not valid`;
    const name = h.name.toLowerCase();
    // First match per name wins (the spec: later duplicates are ignored).
    if (seen.has(name)) continue;
    seen.add(name);
    const type = h.type ?? "Exact";
    if (type === "Exact") {
      if (!validHeaderValue(h.value)) return `header match value for ${name} is not valid`;
      out.push({ name, match: { type: "Exact", value: h.value } });
    } else if (type === "RegularExpression") {
      const bad = regexProblem(h.value);
      if (bad || typeof h.value !== "string") return `header match ${JSON.stringify(name)} value regex ${quoteRegex(h.value)} ${bad ?? "is not a string"}`;
      out.push({ name, match: { type: "RegularExpression", value: h.value } });
    } else {
      return `header match type ${JSON.stringify(type)} is not supported`;
    }
  }
  return out;
}

/** One GRPCRouteMatch (or none: match every gRPC request). */
export function grpcMatch(m: GRPCRouteMatch | undefined): GrpcMatchResult {
  const hs = headers(m?.headers);
  if (typeof hs === "string") return { ok: false, message: hs };
  const method = m?.method;
  if (!method) return { ok: true, match: { path: { type: "PathPrefix", value: "/" }, headers: hs, queryParams: [] }, serviceChars: 0, methodChars: 0 };
  const type = method.type ?? "Exact";
  const service = method.service === "" ? undefined : method.service;
  const meth = method.method === "" ? undefined : method.method;
  if (type === "Exact") {
    if (service === undefined && meth === undefined) return { ok: false, message: "method match of type Exact needs a service, a method or both" };
    if (service !== undefined && !SERVICE_RE.test(service)) return { ok: false, message: `service ${JSON.stringify(service)} is not a valid gRPC service name` };
    if (meth !== undefined && !METHOD_RE.test(meth)) return { ok: false, message: `method ${JSON.stringify(meth)} is not a valid gRPC method name` };
    const chars = { serviceChars: service?.length ?? 0, methodChars: meth?.length ?? 0 };
    if (service !== undefined && meth !== undefined) {
      return { ok: true, match: { path: { type: "Exact", value: `/${service}/${meth}` }, headers: hs, queryParams: [] }, ...chars };
    }
    const re = `/${service !== undefined ? escapeRegex(service) : SEGMENT}/${meth !== undefined ? escapeRegex(meth) : SEGMENT}`;
    const bad = regexProblem(re);
    if (bad) return { ok: false, message: `method match (as the path regex ${quoteRegex(re)}) ${bad}` };
    return { ok: true, match: { path: { type: "RegularExpression", value: re }, headers: hs, queryParams: [] }, ...chars };
  }
  if (type === "RegularExpression") {
    // Each part must be a regex on its own, so that `a)|(b` cannot break out of its group.
    const badService = service !== undefined ? regexProblem(service) : undefined;
    if (badService) return { ok: false, message: `method.service regex ${quoteRegex(service)} ${badService}` };
    const badMethod = meth !== undefined ? regexProblem(meth) : undefined;
    if (badMethod) return { ok: false, message: `method.method regex ${quoteRegex(meth)} ${badMethod}` };
    // Each part is grouped so an alternation stays inside its own segment.
    const re = `/${service !== undefined ? `(?:${service})` : SEGMENT}/${meth !== undefined ? `(?:${meth})` : SEGMENT}`;
    // The parts fit on their own; together they may not.
    const bad = regexProblem(re);
    if (bad) return { ok: false, message: `method match (as the path regex ${quoteRegex(re)}) ${bad}` };
    // Regex parts are implementation-specific; they count as no characters, so exact matches win.
    return { ok: true, match: { path: { type: "RegularExpression", value: re }, headers: hs, queryParams: [] }, serviceChars: 0, methodChars: 0 };
  }
  return { ok: false, message: `method match type ${JSON.stringify(type)} is not supported` };
}
