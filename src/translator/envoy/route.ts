// IR virtual hosts -> a RouteConfiguration: matches, forwarding (weighted,
// with the invalid-backend share), redirects, direct responses, header
// modifiers and rewrites; the feature modules spell the rest (envoy/hooks.ts).
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  RedirectAction_RedirectResponseCode,
  RouteAction_ClusterNotFoundResponseCode,
  type RedirectActionSchema,
  RouteActionSchema,
  type RouteAction,
  type RouteMatchSchema,
} from "../../gen/envoy/config/route/v3/route_components_pb.js";
import { RouteConfigurationSchema, type RouteConfiguration } from "../../gen/envoy/config/route/v3/route_pb.js";
import type { StringMatcherSchema } from "../../gen/envoy/type/matcher/v3/string_pb.js";
import type { IrForwardAction, IrListener, IrMatch, IrPathRewrite, IrRoute, IrRouteAction, IrStringMatch, IrVirtualHost } from "../ir.ts";
import { escapeRegex, headersToAdd } from "./common.ts";
import { INVALID_BACKEND_CLUSTER } from "../names.ts";
import type { EmitHooks, RouteActionInit, RouteInit } from "./hooks.ts";
import { omitsPort } from "./redirect-port.ts";

/**
 * How a table spells what depends on its path matches. `prefixAsRegex`: PathPrefix matches are
 * emitted as a safe_regex (mesh tables: gRPC clients have no path_separated_prefix), where a
 * prefix_rewrite would replace the whole matched path, so ReplacePrefixMatch becomes a
 * regex_rewrite of the prefix alone.
 */
export interface RouteSpelling {
  prefixAsRegex?: boolean;
}

export function emitRouteConfiguration(l: IrListener, features: readonly EmitHooks[], spelling: RouteSpelling = {}): RouteConfiguration {
  return emitRouteTable(l.routeConfigName, l.virtualHosts, features, spelling);
}

/** The RouteConfigurations of an HTTP(S) listener: its shared table, or one per filter chain. */
export function emitRouteConfigurations(l: IrListener, features: readonly EmitHooks[]): RouteConfiguration[] {
  const tables = l.filterChains.flatMap((c) => (c.routeTable ? [c.routeTable] : []));
  if (tables.length === 0) return [emitRouteConfiguration(l, features)];
  return tables.map((t) => emitRouteTable(t.name, t.virtualHosts, features));
}

export function emitRouteTable(name: string, virtualHosts: readonly IrVirtualHost[], features: readonly EmitHooks[], spelling: RouteSpelling = {}): RouteConfiguration {
  // The matches of one rule share their IR action; they share its Envoy RouteAction too (never mutated).
  const actions = new Map<IrRouteAction, RouteAction>();
  return create(RouteConfigurationSchema, {
    name,
    // Gateway API hostnames never carry a port; match Host with or without one.
    ignorePortInHostMatching: true,
    virtualHosts: virtualHosts.map((vh) => ({ name: vh.name, domains: vh.domains, routes: vh.routes.map((r) => emitRoute(r, features, actions, spelling)) })),
  });
}

export function emitRoute(r: IrRoute, features: readonly EmitHooks[], actions?: Map<IrRouteAction, RouteAction>, spelling: RouteSpelling = {}): RouteInit {
  const route: RouteInit = {
    name: r.name,
    match: emitMatch(r.match),
    action: emitAction(r.action, features, actions, spelling),
    requestHeadersToAdd: headersToAdd(r.requestHeaders),
    requestHeadersToRemove: r.requestHeaders?.remove ?? [],
    responseHeadersToAdd: headersToAdd(r.responseHeaders),
    responseHeadersToRemove: r.responseHeaders?.remove ?? [],
  };
  for (const f of features) f.route?.(r, route);
  return route;
}

function stringMatcher(m: IrStringMatch): MessageInitShape<typeof StringMatcherSchema> {
  switch (m.type) {
    case "Exact":
      return { matchPattern: { case: "exact", value: m.value } };
    case "Prefix":
      return { matchPattern: { case: "prefix", value: m.value } };
    case "RegularExpression":
      return { matchPattern: { case: "safeRegex", value: { regex: m.value } } };
  }
}

function emitMatch(m: IrMatch): MessageInitShape<typeof RouteMatchSchema> {
  let pathSpecifier: MessageInitShape<typeof RouteMatchSchema>["pathSpecifier"];
  switch (m.path.type) {
    case "Exact":
      pathSpecifier = { case: "path", value: m.path.value };
      break;
    case "RegularExpression":
      pathSpecifier = { case: "safeRegex", value: { regex: m.path.value } };
      break;
    case "PathPrefix":
      // Gateway API prefixes match whole path segments, as path_separated_prefix does.
      pathSpecifier = m.path.value === "/" ? { case: "prefix", value: "/" } : { case: "pathSeparatedPrefix", value: m.path.value };
      break;
  }
  const headers: NonNullable<MessageInitShape<typeof RouteMatchSchema>["headers"]> = m.headers.map((h) => ({
    name: h.name,
    headerMatchSpecifier: { case: "stringMatch", value: stringMatcher(h.match) },
  }));
  if (m.method) headers.push({ name: ":method", headerMatchSpecifier: { case: "stringMatch", value: { matchPattern: { case: "exact", value: m.method } } } });
  return {
    pathSpecifier,
    headers,
    queryParameters: m.queryParams.map((q) => ({ name: q.name, queryParameterMatchSpecifier: { case: "stringMatch", value: stringMatcher(q.match) } })),
  };
}

const REDIRECT_CODES: Record<number, RedirectAction_RedirectResponseCode> = {
  301: RedirectAction_RedirectResponseCode.MOVED_PERMANENTLY,
  302: RedirectAction_RedirectResponseCode.FOUND,
  303: RedirectAction_RedirectResponseCode.SEE_OTHER,
  307: RedirectAction_RedirectResponseCode.TEMPORARY_REDIRECT,
  308: RedirectAction_RedirectResponseCode.PERMANENT_REDIRECT,
};

/** A literal for a regex_rewrite substitution, where a backslash starts a group reference. */
function literalSubstitution(s: string): string {
  return s.replace(/\\/g, "\\\\");
}

/** Prefix replacement with the spec's slash rules; undefined: use prefix_rewrite. */
function prefixRegex(p: Extract<IrPathRewrite, { type: "ReplacePrefixMatch" }>, prefixAsRegex: boolean): { pattern: { regex: string }; substitution: string } | undefined {
  const replacement = p.value.replace(/\/+$/, "");
  if (p.prefix === "/") {
    // Every path matches "/": put the replacement in front of the whole path.
    return { pattern: { regex: "^/(.*)" }, substitution: replacement === "" ? "/\\1" : `${replacement}/\\1` };
  }
  // Replacing with "/": "/prefix/x" -> "/x" and "/prefix" -> "/".
  if (replacement === "") return { pattern: { regex: `^${escapeRegex(p.prefix)}/*` }, substitution: "/" };
  // The match already ended the prefix at a segment boundary: "/prefix/x" -> "<replacement>/x".
  if (prefixAsRegex) return { pattern: { regex: `^${escapeRegex(p.prefix)}` }, substitution: literalSubstitution(replacement) };
  return undefined;
}

function emitAction(a: IrRouteAction, features: readonly EmitHooks[], actions: Map<IrRouteAction, RouteAction> | undefined, spelling: RouteSpelling): RouteInit["action"] {
  const asRegex = spelling.prefixAsRegex === true;
  switch (a.kind) {
    case "direct":
      return { case: "directResponse", value: { status: a.status } };
    case "redirect": {
      const r = a.redirect;
      // A scheme's default port stays out of Location (redirect-port.ts).
      const defaultPort = omitsPort(r);
      const v: MessageInitShape<typeof RedirectActionSchema> = { responseCode: REDIRECT_CODES[r.statusCode] ?? RedirectAction_RedirectResponseCode.FOUND };
      if (!defaultPort) v.portRedirect = r.port;
      if (r.scheme) v.schemeRewriteSpecifier = { case: "schemeRedirect", value: r.scheme };
      if (r.hostname) v.hostRedirect = r.hostname;
      if (r.path?.type === "ReplaceFullPath") v.pathRewriteSpecifier = { case: "pathRedirect", value: r.path.value };
      else if (r.path?.type === "ReplacePrefixMatch") {
        const re = prefixRegex(r.path, asRegex);
        v.pathRewriteSpecifier = re ? { case: "regexRewrite", value: re } : { case: "prefixRewrite", value: r.path.value.replace(/\/+$/, "") };
      }
      return { case: "redirect", value: v };
    }
    case "forward": {
      let value = actions?.get(a);
      if (!value) {
        value = create(RouteActionSchema, forward(a, features, asRegex));
        actions?.set(a, value);
      }
      return { case: "route", value };
    }
  }
}

function forward(a: IrForwardAction, features: readonly EmitHooks[], prefixAsRegex: boolean): RouteActionInit {
  const v: RouteActionInit = {};
  const only = a.backends[0];
  if (a.backends.length === 1 && a.invalidWeight === 0 && only && !only.requestHeaders && !only.responseHeaders) {
    v.clusterSpecifier = { case: "cluster", value: only.cluster };
  } else {
    const clusters = a.backends.map((b) => ({
      name: b.cluster,
      weight: b.weight,
      requestHeadersToAdd: headersToAdd(b.requestHeaders),
      requestHeadersToRemove: b.requestHeaders?.remove ?? [],
      responseHeadersToAdd: headersToAdd(b.responseHeaders),
      responseHeadersToRemove: b.responseHeaders?.remove ?? [],
    }));
    if (a.invalidWeight > 0) {
      // The invalid share goes to a cluster that is never sent: Envoy answers it with 500.
      clusters.push({ name: INVALID_BACKEND_CLUSTER, weight: a.invalidWeight, requestHeadersToAdd: [], requestHeadersToRemove: [], responseHeadersToAdd: [], responseHeadersToRemove: [] });
      v.clusterNotFoundResponseCode = RouteAction_ClusterNotFoundResponseCode.INTERNAL_SERVER_ERROR;
    }
    v.clusterSpecifier = { case: "weightedClusters", value: { clusters } };
  }
  if (a.rewrite?.hostname) v.hostRewriteSpecifier = { case: "hostRewriteLiteral", value: a.rewrite.hostname };
  const p = a.rewrite?.path;
  if (p?.type === "ReplaceFullPath") {
    v.regexRewrite = { pattern: { regex: "^/.*$" }, substitution: p.value };
  } else if (p?.type === "ReplacePrefixMatch") {
    const re = prefixRegex(p, prefixAsRegex);
    if (re) v.regexRewrite = re;
    else v.prefixRewrite = p.value.replace(/\/+$/, "");
  }
  for (const f of features) f.forward?.(a, v);
  return v;
}
