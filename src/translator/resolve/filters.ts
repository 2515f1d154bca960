// HTTPRoute filters -> IR pieces. A filter that cannot be honoured makes its
// rule invalid (UnsupportedValue) rather than being skipped silently.
import type { HTTPPathModifier, HTTPRouteFilter, HeaderModifier } from "../../api/gateway-api.ts";
import type { IrHeaderOps, IrPathRewrite } from "../ir.ts";
import { validHeaderName, validHeaderValue, validHostname, validPath } from "./values.ts";

export interface RawRedirect {
  scheme?: string;
  hostname?: string;
  port?: number;
  path?: HTTPPathModifier;
  statusCode: number;
}

export interface RuleFilters {
  requestHeaders?: IrHeaderOps;
  responseHeaders?: IrHeaderOps;
  redirect?: RawRedirect;
  rewrite?: { hostname?: string; path?: HTTPPathModifier };
}

export type FilterResult = { ok: true; filters: RuleFilters } | { ok: false; message: string };

export function headerOps(m: HeaderModifier | undefined): IrHeaderOps | string {
  const ops: IrHeaderOps = { set: [], add: [], remove: [] };
  const seen = new Set<string>();
  for (const [list, out] of [
    [m?.set, ops.set],
    [m?.add, ops.add],
  ] as const) {
    for (const h of Array.isArray(list) ? list : []) {
      if (!validHeaderName(h?.name) || !validHeaderValue(h?.value)) return `header ${String(h?.name)} cannot be modified`;
      const k = `${list === m?.set ? "s" : "a"}/${h.name.toLowerCase()}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ name: h.name.toLowerCase(), value: h.value });
    }
  }
  for (const r of Array.isArray(m?.remove) ? m.remove : []) {
    if (!validHeaderName(r)) return `header ${String(r)} cannot be removed`;
    if (!ops.remove.includes(r.toLowerCase())) ops.remove.push(r.toLowerCase());
  }
  return ops;
}

function pathModifier(p: HTTPPathModifier | undefined): string | undefined {
  if (!p) return undefined;
  if (p.type === "ReplaceFullPath") return validPath(p.replaceFullPath) ? undefined : "replaceFullPath must be an absolute path";
  if (p.type === "ReplacePrefixMatch") return validPath(p.replacePrefixMatch) ? undefined : "replacePrefixMatch must be an absolute path";
  return `path modifier type ${String(p.type)} is not supported`;
}

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/** A feature's check of a filter type it implements (resolve/hooks.ts); a message refuses the filter. */
export type FilterCheck = (filter: HTTPRouteFilter) => string | undefined;

/**
 * Route-level filters. `backendLevel` restricts them to what a backendRef may
 * carry; `claimed` are the filter types feature modules implement.
 */
export function resolveFilters(list: HTTPRouteFilter[] | undefined, backendLevel: boolean, claimed: ReadonlyMap<string, FilterCheck> = new Map()): FilterResult {
  const f: RuleFilters = {};
  for (const filter of Array.isArray(list) ? list : []) {
    const type = String(filter?.type ?? "");
    // URLRewrite on a backendRef is taken here; the rule accepts it only for a lone backendRef (httproute.ts).
    if (backendLevel && type !== "RequestHeaderModifier" && type !== "ResponseHeaderModifier" && type !== "URLRewrite") {
      return { ok: false, message: `filter ${type} is not supported on backendRefs` };
    }
    switch (type) {
      case "RequestHeaderModifier":
      case "ResponseHeaderModifier": {
        const ops = headerOps(type === "RequestHeaderModifier" ? filter.requestHeaderModifier : filter.responseHeaderModifier);
        if (typeof ops === "string") return { ok: false, message: ops };
        if (type === "RequestHeaderModifier") f.requestHeaders ??= ops;
        else f.responseHeaders ??= ops;
        break;
      }
      case "RequestRedirect": {
        if (f.redirect) break;
        const r = filter.requestRedirect ?? {};
        const statusCode = r.statusCode ?? 302;
        if (!REDIRECT_CODES.has(statusCode)) return { ok: false, message: `redirect statusCode ${statusCode} is not supported` };
        if (r.scheme !== undefined && r.scheme !== "http" && r.scheme !== "https") return { ok: false, message: `redirect scheme ${r.scheme} is not supported` };
        if (r.hostname !== undefined && !validHostname(r.hostname)) return { ok: false, message: `redirect hostname ${r.hostname} is not valid` };
        if (r.port !== undefined && (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535)) return { ok: false, message: `redirect port ${r.port} is not valid` };
        const bad = pathModifier(r.path);
        if (bad) return { ok: false, message: bad };
        f.redirect = { statusCode };
        if (r.scheme !== undefined) f.redirect.scheme = r.scheme;
        if (r.hostname !== undefined) f.redirect.hostname = r.hostname;
        if (r.port !== undefined) f.redirect.port = r.port;
        if (r.path) f.redirect.path = r.path;
        break;
      }
      case "URLRewrite": {
        if (f.rewrite) break;
        const u = filter.urlRewrite ?? {};
        if (u.hostname !== undefined && !validHostname(u.hostname)) return { ok: false, message: `rewrite hostname ${u.hostname} is not valid` };
        const bad = pathModifier(u.path);
        if (bad) return { ok: false, message: bad };
        f.rewrite = {};
        if (u.hostname !== undefined) f.rewrite.hostname = u.hostname;
        if (u.path) f.rewrite.path = u.path;
        break;
      }
      case "ExtensionRef":
        return { ok: false, message: `ExtensionRef filter ${filter.extensionRef?.kind ?? ""}/${filter.extensionRef?.name ?? ""} is not supported` };
      default: {
        const check = claimed.get(type);
        if (!check) return { ok: false, message: `filter type ${type} is not supported` };
        const bad = check(filter);
        if (bad !== undefined) return { ok: false, message: bad };
      }
    }
  }
  if (f.redirect && f.rewrite) return { ok: false, message: "RequestRedirect and URLRewrite cannot be used together" };
  return { ok: true, filters: f };
}

/** Turns a path modifier into the IR form, given the rule's path match. */
export function pathRewrite(p: HTTPPathModifier, matchPrefix: string | undefined): IrPathRewrite | undefined {
  if (p.type === "ReplaceFullPath") return { type: "ReplaceFullPath", value: p.replaceFullPath ?? "/" };
  if (matchPrefix === undefined) return undefined;
  return { type: "ReplacePrefixMatch", prefix: matchPrefix, value: p.replacePrefixMatch ?? "/" };
}
