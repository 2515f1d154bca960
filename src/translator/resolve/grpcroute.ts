// GRPCRoute (v1 and v1alpha2 share the shape) -> route entries.
//
// A gRPC call is an HTTP/2 POST to `/<service>/<method>`, so a GRPCRoute
// compiles to the same IR as an HTTPRoute: each GRPCRouteMatch becomes a path
// (exact or anchored regex, see grpc-match.ts) plus header matches, and the
// rule's filters, backends, mirrors and session persistence go through the
// HTTPRoute compiler unchanged. What differs is handled here: the match
// syntax, the filter subset, GRPCRoute precedence, and HTTP/2 to backends.
import type { GRPCRoute, GRPCRouteRule, HTTPRoute, HTTPRouteMatch, HTTPRouteRule } from "../../api/gateway-api.ts";
import type { IrMatch } from "../ir.ts";
import { grpcMatch } from "./grpc-match.ts";
import type { CompiledRoute } from "./compiled-route.ts";
import type { CompileContext } from "./hooks.ts";
import { compileHTTPRoute } from "./httproute.ts";
import type { Precedence } from "./precedence.ts";

/** The filters GRPCRouteFilter allows (ExtensionRef is reported unsupported by the HTTP compiler). */
const GRPC_FILTERS = new Set(["RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "ExtensionRef"]);

/** Specificity of one match: exact characters, and a rank (2 exact, 1 regex, 0 match-all). */
export interface GrpcChars {
  service: number;
  method: number;
  rank: number;
}

interface RuleFacts {
  ruleId: string | number;
  /** Per match: characters of the exact service and method (GRPCRoute precedence). */
  chars: GrpcChars[];
  problem?: string;
  /** The problem is in a match: the rule has no usable matches and emits nothing. */
  matchProblem?: boolean;
}

/** An IR match back in HTTPRouteMatch form, for the HTTPRoute compiler. */
function asHttpMatch(m: IrMatch): HTTPRouteMatch {
  return {
    path: { type: m.path.type, value: m.path.value },
    headers: m.headers.map((h) => ({ name: h.name, type: h.match.type === "RegularExpression" ? "RegularExpression" : "Exact", value: h.match.value })),
  };
}

function filterProblem(rule: GRPCRouteRule): string | undefined {
  const lists = [rule.filters, ...(Array.isArray(rule.backendRefs) ? rule.backendRefs.map((b) => b?.filters) : [])];
  for (const list of lists) {
    for (const f of Array.isArray(list) ? list : []) {
      const type = String(f?.type ?? "");
      if (!GRPC_FILTERS.has(type)) return `filter type ${type} is not supported on a GRPCRoute`;
    }
  }
  return undefined;
}

/**
 * GRPCRoute precedence mapped onto the HTTP precedence tuple so that the
 * shared virtual-host sort orders gRPC routes by the GRPCRoute rules:
 * service characters, then method characters, then header count, then (our
 * tie-break) exact before regex before match-all, then age, namespace/name, rule, match.
 * GRPCRoutes and HTTPRoutes never share a virtual host (their hostname
 * overlap is a conflict, see l7-conflicts.ts), so the two orders never mix.
 */
export function grpcPrecedence(
  chars: GrpcChars,
  headers: number,
  created: string,
  key: string,
  rule: number,
  match: number,
): Precedence {
  return {
    pathRank: 0,
    // Method names are at most 1024 characters (CRD), so this keeps service first.
    pathLength: chars.service * 2048 + chars.method,
    method: 0,
    headers,
    queryParams: chars.rank,
    created,
    key,
    rule,
    match,
  };
}

export function compileGRPCRoute(route: GRPCRoute, ctx: CompileContext): CompiledRoute {
  const ns = route.metadata.namespace ?? "default";
  const key = `${ns}/${route.metadata.name}`;
  const created = route.metadata.creationTimestamp ?? "";
  const rules: GRPCRouteRule[] = Array.isArray(route.spec?.rules) && route.spec.rules.length > 0 ? route.spec.rules : [{}];
  const facts: RuleFacts[] = [];
  const httpRules: HTTPRouteRule[] = rules.map((rule, ri) => {
    const ruleId = typeof rule?.name === "string" && rule.name !== "" ? rule.name : ri;
    const f: RuleFacts = { ruleId, chars: [] };
    facts.push(f);
    const out: HTTPRouteRule = {};
    if (typeof rule?.name === "string") out.name = rule.name;
    const matches = Array.isArray(rule?.matches) && rule.matches.length > 0 ? rule.matches : [undefined];
    const httpMatches: HTTPRouteMatch[] = [];
    for (const m of matches) {
      const r = grpcMatch(m);
      if (!r.ok) {
        f.problem = r.message;
        f.matchProblem = true;
        break;
      }
      const rank = r.serviceChars + r.methodChars > 0 ? 2 : r.match.path.type === "RegularExpression" ? 1 : 0;
      f.chars.push({ service: r.serviceChars, method: r.methodChars, rank });
      httpMatches.push(asHttpMatch(r.match));
    }
    // Unusable matches: compiled only to keep rule indexes aligned; its entry is dropped.
    if (f.matchProblem) return out;
    out.matches = httpMatches;
    f.problem = filterProblem(rule ?? {});
    // Unsupported filters: the rule's matches answer with an error (no backends), like an invalid HTTPRoute rule.
    if (f.problem) return out;
    if (rule.filters) out.filters = rule.filters;
    if (rule.backendRefs) out.backendRefs = rule.backendRefs;
    if (rule.sessionPersistence) out.sessionPersistence = rule.sessionPersistence;
    return out;
  });
  const synthetic: HTTPRoute = {
    apiVersion: route.apiVersion,
    kind: "HTTPRoute",
    metadata: route.metadata,
    spec: { rules: httpRules },
  };
  const compiled = compileHTTPRoute(synthetic, ctx, "GRPCRoute");

  // Entries come out in rule order, one per match; re-key their precedence and
  // drop the placeholder entries of rules that are invalid as gRPC.
  const entries: CompiledRoute["entries"] = [];
  let i = 0;
  facts.forEach((f, ri) => {
    const count = f.matchProblem ? 1 : f.chars.length;
    for (let mi = 0; mi < count; mi++, i++) {
      const e = compiled.entries[i];
      if (!e || f.matchProblem) continue;
      const c = f.chars[mi] ?? { service: 0, method: 0, rank: 0 };
      e.precedence = grpcPrecedence(c, e.match.headers.length, created, key, ri, mi);
      entries.push(e);
    }
  });
  // Backends of a GRPCRoute speak HTTP/2 whatever their appProtocol says: the
  // cluster cache gives the kind a cluster of that protocol (backends.ts).

  const invalidRules = [
    ...facts.filter((f) => f.problem).map((f) => `rule ${f.ruleId}: ${f.problem}`),
    ...compiled.invalidRules.filter((msg) => !facts.some((f) => f.problem && msg.startsWith(`rule ${f.ruleId}:`))),
  ];
  return { entries, resolvedRefs: compiled.resolvedRefs, invalidRules, unusable: invalidRules.length >= rules.length };
}
