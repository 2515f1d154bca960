// HTTPRoute -> route entries (one per rule match) with their actions,
// clusters, precedence, and the route-level status facts (ResolvedRefs,
// PartiallyInvalid, Accepted=UnsupportedValue when no rule is usable).
import type { HTTPBackendRef, HTTPPathModifier, HTTPRoute, HTTPRouteFilter, HTTPRouteMatch, HTTPRouteRule } from "../../api/gateway-api.ts";
import { routeName } from "../names.ts";
import type { IrBackend, IrCluster, IrForwardAction, IrForwardFeatures, IrMatch, IrRedirect, IrRoute, IrRouteAction, IrStringMatch } from "../ir.ts";
import type { ClusterCache } from "./backends.ts";
import type { CompiledRoute, RouteEntry } from "./compiled-route.ts";
import { RouteReason } from "./conditions.ts";
import type { CompileContext, RuleBackends, RuleOutcome } from "./hooks.ts";
import { pathRewrite, resolveFilters, type RawRedirect, type RuleFilters } from "./filters.ts";
import type { ResolvedListener, Verdict } from "./model.ts";
import { precedenceOf } from "./precedence.ts";
import { HTTP_METHODS, quoteRegex, regexProblem, validHeaderName, validHeaderValue, validPath } from "./values.ts";

/** The IR route of an entry served on listener `l`; registers the clusters it uses. */
export function entryRoute(entry: RouteEntry, l: ResolvedListener, clusters: Map<string, IrCluster>): IrRoute {
  for (const c of entry.clusters) clusters.set(c.name, c);
  const r: IrRoute = { name: entry.name, match: entry.match, action: entry.action(l) };
  if (entry.requestHeaders) r.requestHeaders = entry.requestHeaders;
  if (entry.responseHeaders) r.responseHeaders = entry.responseHeaders;
  return Object.assign(r, entry.features);
}

const REFS_OK: Verdict = { ok: true, reason: RouteReason.ResolvedRefs, message: "All references are resolved" };

export function compileHTTPRoute(route: HTTPRoute, ctx: CompileContext, kind = "HTTPRoute"): CompiledRoute {
  const { clusters, hooks } = ctx;
  const claimed = claimedFilters(hooks);
  const ns = route.metadata.namespace ?? "default";
  const key = `${ns}/${route.metadata.name}`;
  const created = route.metadata.creationTimestamp ?? "";
  const rules = Array.isArray(route.spec?.rules) && route.spec.rules.length > 0 ? route.spec.rules : [{}];
  const refProblems: Verdict[] = [];
  const invalidRules: string[] = [];
  const entries: RouteEntry[] = [];
  const ruleNames = new Set<string>();
  rules.forEach((raw: HTTPRouteRule, ri) => {
    const rule: HTTPRouteRule = raw && typeof raw === "object" ? raw : {};
    const matches = Array.isArray(rule?.matches) && rule.matches.length > 0 ? rule.matches : [{}];
    const irMatches: IrMatch[] = [];
    let problem: string | undefined;
    for (const m of matches) {
      const r = irMatch(m);
      if (typeof r === "string") {
        problem = r;
        break;
      }
      irMatches.push(r);
    }
    let fr = resolveFilters(rule?.filters, false, claimed);
    if (!problem && !fr.ok) problem = fr.message;
    // Rule names MUST be unique within a route (the CRD's CEL rule; objects from older CRDs or
    // other sources may still repeat one): a repeated name makes that rule invalid, and its Envoy
    // routes are named by index so that no two routes share a name.
    const named = typeof rule?.name === "string" && rule.name !== "" ? rule.name : undefined;
    const repeated = named !== undefined && ruleNames.has(named);
    if (named !== undefined) ruleNames.add(named);
    const ruleId = named !== undefined && !repeated ? named : ri;
    if (!problem && repeated) problem = `rule name ${JSON.stringify(named)} is not unique within the route`;
    let backends = problem ? undefined : resolveBackends(rule?.backendRefs, clusters, kind, ns, refProblems);
    if (!problem && backends && typeof backends === "string") problem = backends;
    // A lone backendRef's URLRewrite is the rule's: every request goes to that backend.
    if (!problem && fr.ok && backends && typeof backends !== "string" && backends.rewrite) {
      if (fr.filters.rewrite || fr.filters.redirect) problem = "URLRewrite on a backendRef cannot be combined with a rule-level URLRewrite or RequestRedirect";
      else fr = { ok: true, filters: { ...fr.filters, rewrite: backends.rewrite } };
    }
    // The features, in FEATURES order, until one refuses the rule.
    const outcomes: Extract<RuleOutcome, { ok: true }>[] = [];
    if (!problem && fr.ok && backends && typeof backends !== "string") {
      for (const h of hooks) {
        if (!h.rule) continue;
        const current: RuleBackends = backends;
        const o = h.rule({
          rule,
          kind,
          namespace: ns,
          routeName: route.metadata.name,
          ruleIndex: ri,
          ruleId,
          rs: ctx.rs,
          clusters,
          backends: current,
          redirect: fr.filters.redirect !== undefined,
          refProblem: (v) => refProblems.push(v),
        });
        if (!o.ok) {
          problem = o.message;
          break;
        }
        if (o.backends) backends = o.backends;
        outcomes.push(o);
      }
    }
    // Checked after the features so that their problems keep the precedence they had in the core.
    if (!problem && fr.ok && (fr.filters.rewrite ?? fr.filters.redirect)?.path?.type === "ReplacePrefixMatch" && irMatches.some((m) => m.path.type !== "PathPrefix")) {
      problem = "ReplacePrefixMatch needs a PathPrefix match";
    }
    if (problem || !fr.ok || !backends || typeof backends === "string") {
      invalidRules.push(`rule ${ruleId}: ${problem ?? "invalid"}`);
      irMatches.forEach((match, mi) =>
        entries.push({
          name: routeName(kind, ns, route.metadata.name, ruleId, mi),
          precedence: precedenceOf(match, created, key, ri, mi),
          match,
          action: () => ({ kind: "direct", status: 500 }),
          clusters: [],
          features: {},
        }),
      );
      return;
    }
    const filters = fr.filters;
    const used: IrCluster[] = [];
    for (const o of outcomes) used.push(...(o.clusters ?? []));
    for (const b of backends.clusters) used.push(b);
    irMatches.forEach((match, mi) => {
      const prefix = match.path.type === "PathPrefix" ? match.path.value : undefined;
      const entry: RouteEntry = {
        name: routeName(kind, ns, route.metadata.name, ruleId, mi),
        precedence: precedenceOf(match, created, key, ri, mi),
        match,
        action: makeAction(filters, backends, prefix, outcomes),
        clusters: filters.redirect ? [] : used,
        features: {},
      };
      if (filters.requestHeaders) entry.requestHeaders = filters.requestHeaders;
      if (filters.responseHeaders) entry.responseHeaders = filters.responseHeaders;
      for (const o of outcomes) o.route?.(entry.features, match);
      entries.push(entry);
    });
  });
  const firstRef = refProblems[0];
  const resolvedRefs: Verdict = firstRef
    ? { ok: false, reason: firstRef.reason, message: refProblems.map((p) => p.message).join("; ") }
    : REFS_OK;
  return { entries, resolvedRefs, invalidRules, unusable: invalidRules.length === rules.length };
}

interface Backends {
  backends: IrBackend[];
  clusters: IrCluster[];
  invalidWeight: number;
  /** The URLRewrite of the rule's only backendRef. */
  rewrite?: { hostname?: string; path?: HTTPPathModifier };
}

function resolveBackends(refs: HTTPBackendRef[] | undefined, cache: ClusterCache, kind: string, ns: string, problems: Verdict[]): Backends | string {
  const out: Backends = { backends: [], clusters: [], invalidWeight: 0 };
  for (const ref of Array.isArray(refs) ? refs : []) {
    if (!ref || typeof ref !== "object") continue;
    const weight = typeof ref.weight === "number" && Number.isInteger(ref.weight) && ref.weight >= 0 ? ref.weight : 1;
    const res = cache.resolve(ref, kind, ns);
    if (!res.ok) {
      problems.push({ ok: false, reason: res.reason, message: res.message });
      out.invalidWeight += weight;
      continue;
    }
    const fr = resolveFilters(ref.filters, true);
    if (!fr.ok) return fr.message;
    if (fr.filters.rewrite) {
      // Envoy rewrites paths per route, not per weighted cluster: only a lone backendRef can carry one.
      if ((refs ?? []).length !== 1) return "URLRewrite on a backendRef needs it to be the rule's only backendRef";
      out.rewrite = fr.filters.rewrite;
    }
    if (weight === 0) continue;
    const b: IrBackend = { cluster: res.cluster.name, weight };
    if (fr.filters.requestHeaders) b.requestHeaders = fr.filters.requestHeaders;
    if (fr.filters.responseHeaders) b.responseHeaders = fr.filters.responseHeaders;
    const same = out.backends.find((x) => x.cluster === b.cluster && !x.requestHeaders && !x.responseHeaders && !b.requestHeaders && !b.responseHeaders);
    if (same) same.weight += weight;
    else out.backends.push(b);
    if (!out.clusters.includes(res.cluster)) out.clusters.push(res.cluster);
  }
  return out;
}

/** Every filter type some feature implements, with its check. */
function claimedFilters(hooks: CompileContext["hooks"]): ReadonlyMap<string, (f: HTTPRouteFilter) => string | undefined> {
  return new Map(hooks.flatMap((h) => Object.entries(h.filters ?? {})));
}

function makeAction(
  f: RuleFilters,
  b: RuleBackends,
  prefix: string | undefined,
  outcomes: readonly Extract<RuleOutcome, { ok: true }>[],
): (l: ResolvedListener) => IrRouteAction {
  if (f.redirect) {
    const raw = f.redirect;
    return (l) => ({ kind: "redirect", redirect: finalizeRedirect(raw, l, prefix) });
  }
  const total = b.backends.reduce((s, x) => s + x.weight, 0);
  if (total === 0) {
    return () => ({ kind: "direct", status: 500 });
  }
  // `mirrors` is always present, so it keeps its place among the action's fields (the IR goldens).
  const action: IrForwardAction = { kind: "forward", backends: b.backends, invalidWeight: b.invalidWeight, mirrors: [] };
  if (f.rewrite) {
    const rw: { hostname?: string; path?: ReturnType<typeof pathRewrite> & object } = {};
    if (f.rewrite.hostname) rw.hostname = f.rewrite.hostname;
    const p = f.rewrite.path ? pathRewrite(f.rewrite.path, prefix) : undefined;
    if (p) rw.path = p;
    action.rewrite = rw;
  }
  const features: IrForwardFeatures = action;
  for (const o of outcomes) o.forward?.(features);
  return () => action;
}

/** The redirect's port as the spec derives it when unset, from the scheme or the listener. */
function finalizeRedirect(raw: RawRedirect, l: ResolvedListener, prefix: string | undefined): IrRedirect {
  const port = raw.port ?? (raw.scheme !== undefined ? (raw.scheme === "https" ? 443 : 80) : l.port);
  // The scheme is always spelled out so that the emitter can tell a default port (http 80, https
  // 443), which Location leaves out, from one it must write.
  const scheme = raw.scheme ?? (l.protocol === "HTTPS" ? "https" : "http");
  const r: IrRedirect = { statusCode: raw.statusCode, port, scheme };
  if (raw.hostname !== undefined) r.hostname = raw.hostname;
  if (raw.path) {
    const p = pathRewrite(raw.path, prefix);
    if (p) r.path = p;
  }
  return r;
}

function irMatch(m: HTTPRouteMatch): IrMatch | string {
  const out: IrMatch = { path: { type: "PathPrefix", value: "/" }, headers: [], queryParams: [] };
  const p = m?.path;
  if (p) {
    const type = p.type ?? "PathPrefix";
    const value = p.value ?? "/";
    if (type === "Exact" || type === "PathPrefix") {
      if (!validPath(value)) return `path ${String(value)} is not a valid path`;
      out.path = type === "PathPrefix" ? { type: "PathPrefix", value: value.replace(/\/+$/, "") || "/" } : { type: "Exact", value };
    } else if (type === "RegularExpression") {
      const bad = regexProblem(value);
      if (bad) return `path.value regex ${quoteRegex(value)} ${bad}`;
      out.path = { type: "RegularExpression", value };
    } else return `path match type ${String(type)} is not supported`;
  }
  const seenHeaders = new Set<string>();
  for (const h of Array.isArray(m?.headers) ? m.headers : []) {
    if (!validHeaderName(h?.name)) return `header match name ${String(h?.name)} is not valid`;
    const lower = h.name.toLowerCase();
    if (seenHeaders.has(lower)) continue; // the first match for a name wins
    seenHeaders.add(lower);
    const sm = stringMatch(h.type, h.value, `header match ${JSON.stringify(lower)}`);
    if (typeof sm === "string") return sm;
    out.headers.push({ name: lower, match: sm });
  }
  const seenQuery = new Set<string>();
  for (const q of Array.isArray(m?.queryParams) ? m.queryParams : []) {
    if (typeof q?.name !== "string" || q.name === "" || q.name.length > 256) return "query param match needs a name";
    if (seenQuery.has(q.name)) continue;
    seenQuery.add(q.name);
    const sm = stringMatch(q.type, q.value, `query param match ${JSON.stringify(q.name)}`);
    if (typeof sm === "string") return sm;
    out.queryParams.push({ name: q.name, match: sm });
  }
  if (m?.method !== undefined) {
    if (!HTTP_METHODS.has(m.method)) return `method ${String(m.method)} is not supported`;
    out.method = m.method;
  }
  return out;
}

/** `field` names the match in messages, e.g. `header match "x-a"`. */
function stringMatch(type: string | undefined, value: unknown, field: string): IrStringMatch | string {
  const t = type ?? "Exact";
  if (t === "Exact") {
    if (!validHeaderValue(value)) return `match value ${String(value)} is not valid`;
    return { type: "Exact", value };
  }
  if (t === "RegularExpression") {
    const bad = regexProblem(value);
    if (bad || typeof value !== "string") return `${field} value regex ${quoteRegex(value)} ${bad ?? "is not a string"}`;
    return { type: "RegularExpression", value };
  }
  return `match type ${t} is not supported`;
}
