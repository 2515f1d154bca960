// Envoy's request matchers over proto3 JSON: string, header, query parameter and path matching,
// each answering whether it matched and, if not, a sentence saying why.
import { RE2JS } from "re2js";
import type { Json } from "./types.ts";

/** Undefined: matched; a string: the reason it did not. */
export type Miss = string | undefined;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const obj = (v: unknown): Json | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

const regexCache = new Map<string, RE2JS | Error>();

/** Whether `regex` (RE2 syntax, as Envoy's safe_regex) matches all of `value`. */
export function fullMatch(regex: string, value: string): boolean | Error {
  let re = regexCache.get(regex);
  if (!re) {
    try {
      re = RE2JS.compile(regex);
    } catch (err) {
      re = err instanceof Error ? err : new Error(String(err));
    }
    regexCache.set(regex, re);
  }
  return re instanceof Error ? re : re.matches(value);
}

/** envoy.type.matcher.v3.StringMatcher: exact, prefix, suffix, contains, safe_regex; ignore_case. */
export function stringMatch(m: Json, value: string): Miss {
  const ic = m.ignoreCase === true;
  const v = ic ? value.toLowerCase() : value;
  const norm = (s: string) => (ic ? s.toLowerCase() : s);
  const exact = str(m.exact);
  if (exact !== undefined) return v === norm(exact) ? undefined : `is not ${JSON.stringify(exact)}`;
  const prefix = str(m.prefix);
  if (prefix !== undefined) return v.startsWith(norm(prefix)) ? undefined : `does not start with ${JSON.stringify(prefix)}`;
  const suffix = str(m.suffix);
  if (suffix !== undefined) return v.endsWith(norm(suffix)) ? undefined : `does not end with ${JSON.stringify(suffix)}`;
  const contains = str(m.contains);
  if (contains !== undefined) return v.includes(norm(contains)) ? undefined : `does not contain ${JSON.stringify(contains)}`;
  const regex = str(obj(m.safeRegex)?.regex);
  if (regex !== undefined) {
    const r = fullMatch(regex, value);
    if (r instanceof Error) return `has a regex Envoy cannot use (${r.message})`;
    return r ? undefined : `does not match the regex ${JSON.stringify(regex)}`;
  }
  return "has a matcher explain does not know";
}

/** Request headers by lower-case name; repeated headers joined with "," as Envoy's matchers see them. */
export type Headers = ReadonlyMap<string, string>;

/** envoy.config.route.v3.HeaderMatcher. */
export function headerMatch(m: Json, headers: Headers): Miss {
  const name = (str(m.name) ?? "").toLowerCase();
  const value = headers.get(name) ?? (m.treatMissingHeaderAsEmpty === true ? "" : undefined);
  const invert = m.invertMatch === true;
  const label = `header ${name}`;
  let miss: Miss;
  if (m.presentMatch !== undefined) {
    const want = m.presentMatch !== false;
    miss = (value !== undefined) === want ? undefined : want ? `${label} is absent` : `${label} is present`;
  } else if (value === undefined) {
    // A missing header matches nothing but an inverted matcher.
    return invert ? undefined : `${label} is absent`;
  } else if (obj(m.stringMatch)) {
    const r = stringMatch(obj(m.stringMatch)!, value);
    miss = r && `${label} ${JSON.stringify(value)} ${r}`;
  } else if (str(m.exactMatch) !== undefined) {
    miss = value === m.exactMatch ? undefined : `${label} ${JSON.stringify(value)} is not ${JSON.stringify(m.exactMatch)}`;
  } else if (obj(m.rangeMatch)) {
    const r = obj(m.rangeMatch)!;
    const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
    const ok = n >= Number(r.start ?? 0) && n < Number(r.end ?? 0);
    miss = ok ? undefined : `${label} ${JSON.stringify(value)} is not in [${String(r.start)}, ${String(r.end)})`;
  } else {
    miss = undefined; // No value matcher: presence is enough.
  }
  if (invert) return miss ? undefined : `${label} must not match, and does`;
  return miss;
}

/** envoy.config.route.v3.QueryParameterMatcher; Envoy reads a parameter's first value. */
export function queryMatch(m: Json, query: ReadonlyMap<string, string>): Miss {
  const name = str(m.name) ?? "";
  const value = query.get(name);
  const label = `query parameter ${name}`;
  if (m.presentMatch === true) return value !== undefined ? undefined : `${label} is absent`;
  if (value === undefined) return `${label} is absent`;
  const sm = obj(m.stringMatch);
  if (!sm) return undefined;
  const r = stringMatch(sm, value);
  return r && `${label} ${JSON.stringify(value)} ${r}`;
}

/** The path part of a route match (prefix, path, safe_regex, path_separated_prefix), on a path without query. */
export function pathMatch(match: Json, path: string): Miss {
  const cs = match.caseSensitive !== false;
  const p = cs ? path : path.toLowerCase();
  const norm = (s: string) => (cs ? s : s.toLowerCase());
  const prefix = str(match.prefix);
  if (prefix !== undefined) return p.startsWith(norm(prefix)) ? undefined : `path ${path} does not start with ${prefix}`;
  const exact = str(match.path);
  if (exact !== undefined) return p === norm(exact) ? undefined : `path ${path} is not ${exact}`;
  const sep = str(match.pathSeparatedPrefix);
  if (sep !== undefined) {
    const s = norm(sep);
    return p === s || p.startsWith(s.endsWith("/") ? s : `${s}/`) ? undefined : `path ${path} is not ${sep} nor under ${sep}/`;
  }
  const regex = str(obj(match.safeRegex)?.regex);
  if (regex !== undefined) {
    const r = fullMatch(regex, path);
    if (r instanceof Error) return `the path regex cannot be used (${r.message})`;
    return r ? undefined : `path ${path} does not match the regex ${regex}`;
  }
  if (match.connectMatcher !== undefined) return "matches only CONNECT requests";
  return "has a path matcher explain does not know";
}

/**
 * The path as the connection manager hands it to routing: RFC 3986 dot segments removed
 * (normalize_path) and repeated slashes merged (merge_slashes), query and fragment cut off.
 */
export function routingPath(raw: string, opts: { normalize: boolean; mergeSlashes: boolean }): { path: string; query: string } {
  const q = raw.search(/[?#]/);
  let path = q < 0 ? raw : raw.slice(0, q);
  const query = q >= 0 && raw[q] === "?" ? raw.slice(q + 1).split("#")[0]! : "";
  if (!path.startsWith("/")) path = `/${path}`;
  if (opts.normalize) path = removeDotSegments(path);
  if (opts.mergeSlashes) path = path.replace(/\/{2,}/g, "/");
  return { path, query };
}

function removeDotSegments(path: string): string {
  const out: string[] = [];
  const parts = path.split("/").slice(1);
  for (const [i, seg] of parts.entries()) {
    const last = i === parts.length - 1;
    if (seg === ".") {
      if (last) out.push("");
    } else if (seg === "..") {
      out.pop();
      if (last) out.push("");
    } else out.push(seg);
  }
  return `/${out.join("/")}`;
}

/** Query parameters, first value wins, as Envoy's query matchers read them. */
export function parseQuery(query: string, extra: Record<string, string> = {}): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const dec = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, " "));
      } catch {
        return s;
      }
    };
    const k = dec(eq < 0 ? part : part.slice(0, eq));
    if (!out.has(k)) out.set(k, eq < 0 ? "" : dec(part.slice(eq + 1)));
  }
  for (const [k, v] of Object.entries(extra)) if (!out.has(k)) out.set(k, v);
  return out;
}
