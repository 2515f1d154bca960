// GEP-1619 session persistence: validation, default names and cookie paths.
// Pure functions; resolve/ calls them for route rules and BackendLBPolicy, and
// envoy/session.ts turns the result into the stateful_session filter config.
import { createHash } from "node:crypto";
import type { SessionPersistence } from "../../api/gateway-api.ts";
import type { IrPathMatch, IrSessionPersistence } from "../ir.ts";
import { parseDurationMs } from "./values.ts";

/** Where a persistence config comes from; decides the default name and the cookie Path. */
export type SessionOrigin =
  | { kind: "route"; routeKind: string; namespace: string; name: string; ruleIndex: number; ruleName?: string }
  | { kind: "policy"; namespace: string; name: string };

/** Cookie names and header names are RFC 7230 tokens; this subset is safe for both. */
const TOKEN_RE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * The default session name: distinct per route rule (GEP-1619: rules must not
 * share sessions), deterministic, readable, and a valid cookie/header token.
 * The hash covers the unambiguous identity; the prefix is only for humans.
 */
export function defaultSessionName(origin: SessionOrigin): string {
  const id =
    origin.kind === "route"
      ? [origin.routeKind, origin.namespace, origin.name, origin.ruleName ?? String(origin.ruleIndex)]
      : ["BackendLBPolicy", origin.namespace, origin.name];
  const hash = createHash("sha256").update(id.join("\u0000")).digest("hex").slice(0, 8);
  const readable =
    origin.kind === "route"
      ? `${origin.namespace}-${origin.name}-${origin.ruleName ?? `rule${origin.ruleIndex}`}`
      : `${origin.namespace}-${origin.name}`;
  return `sy-${readable.slice(0, 80)}-${hash}`.toLowerCase();
}

export type SessionResolution =
  | { ok: true; session: Omit<IrSessionPersistence, "path">; origin: SessionOrigin }
  | { ok: false; reason: "UnsupportedValue"; message: string };

function unsupported(message: string): SessionResolution {
  return { ok: false, reason: "UnsupportedValue", message };
}

/**
 * Validates one SessionPersistence and fills its defaults. Everything Envoy's
 * stateful_session cannot express is refused with a message, never dropped:
 *  - idleTimeout: neither the cookie nor the header state has an idle expiry
 *    (Envoy re-sets the cookie only when the chosen host changes).
 *  - absoluteTimeout with a Session cookie: Envoy's cookie ttl is both the
 *    Max-Age and the expiry encoded in the value, so a session cookie (no
 *    Max-Age) cannot carry a gateway-tracked lifetime.
 *  - absoluteTimeout with Header: header state has no expiry at all.
 */
/** null (JSON's "unset") and undefined are the same; any other non-string is refused. */
function optString(v: unknown, field: string): string | undefined | { bad: string } {
  if (v === undefined || v === null) return undefined;
  return typeof v === "string" ? v : { bad: `sessionPersistence.${field} must be a string` };
}

export function resolveSessionPersistence(input: SessionPersistence, origin: SessionOrigin): SessionResolution {
  const fields = {
    type: optString(input?.type, "type"),
    sessionName: optString(input?.sessionName, "sessionName"),
    absoluteTimeout: optString(input?.absoluteTimeout, "absoluteTimeout"),
    idleTimeout: optString(input?.idleTimeout, "idleTimeout"),
    lifetimeType: optString(input?.cookieConfig?.lifetimeType, "cookieConfig.lifetimeType"),
  };
  for (const v of Object.values(fields)) if (typeof v === "object") return unsupported(v.bad);
  const str = (v: string | undefined | { bad: string }): string | undefined => (typeof v === "string" ? v : undefined);
  const cookieConfig = input?.cookieConfig !== undefined && input?.cookieConfig !== null ? input.cookieConfig : undefined;
  const sp: SessionPersistence = {};
  const [t, n, a, i, l] = [str(fields.type), str(fields.sessionName), str(fields.absoluteTimeout), str(fields.idleTimeout), str(fields.lifetimeType)];
  if (t !== undefined) sp.type = t;
  if (n !== undefined) sp.sessionName = n;
  if (a !== undefined) sp.absoluteTimeout = a;
  if (i !== undefined) sp.idleTimeout = i;
  if (cookieConfig !== undefined) sp.cookieConfig = l !== undefined ? { lifetimeType: l } : {};
  const rawType = sp.type ?? "Cookie";
  if (rawType !== "Cookie" && rawType !== "Header") return unsupported(`sessionPersistence.type ${JSON.stringify(rawType)} is not supported`);
  const type: "Cookie" | "Header" = rawType === "Header" ? "Header" : "Cookie";
  if (sp.cookieConfig && type !== "Cookie") return unsupported("sessionPersistence.cookieConfig can only be set with type Cookie");
  const lifetime = sp.cookieConfig?.lifetimeType ?? "Session";
  if (lifetime !== "Session" && lifetime !== "Permanent") {
    return unsupported(`sessionPersistence.cookieConfig.lifetimeType ${JSON.stringify(lifetime)} is not supported`);
  }
  if (sp.sessionName !== undefined && (sp.sessionName.length > 128 || !TOKEN_RE.test(sp.sessionName))) {
    return unsupported(`sessionPersistence.sessionName ${JSON.stringify(sp.sessionName)} is not a valid ${type === "Cookie" ? "cookie" : "header"} name`);
  }
  if (sp.idleTimeout !== undefined) {
    if (parseDurationMs(sp.idleTimeout) === undefined) return unsupported(`sessionPersistence.idleTimeout ${JSON.stringify(sp.idleTimeout)} is not a valid duration`);
    return unsupported("sessionPersistence.idleTimeout is not supported: Envoy's stateful session has no idle expiry");
  }
  let ttlSeconds: number | undefined;
  if (sp.absoluteTimeout !== undefined) {
    const ms = parseDurationMs(sp.absoluteTimeout);
    if (ms === undefined) return unsupported(`sessionPersistence.absoluteTimeout ${JSON.stringify(sp.absoluteTimeout)} is not a valid duration`);
    if (type === "Header") return unsupported("sessionPersistence.absoluteTimeout is not supported with type Header: Envoy's header session state has no expiry");
    if (lifetime === "Session") {
      return unsupported("sessionPersistence.absoluteTimeout is not supported with a Session cookie: Envoy can only expire a session through the cookie's Max-Age (use lifetimeType Permanent)");
    }
    if (ms === 0) return unsupported("sessionPersistence.absoluteTimeout must be greater than zero for a Permanent cookie");
    ttlSeconds = ms / 1000;
  }
  if (type === "Cookie" && lifetime === "Permanent" && ttlSeconds === undefined) {
    return unsupported("sessionPersistence.absoluteTimeout is required when cookieConfig.lifetimeType is Permanent");
  }
  const name = sp.sessionName ?? defaultSessionName(origin);
  const session: Omit<IrSessionPersistence, "path"> =
    type === "Header" ? { type, name: name.toLowerCase() } : { type, name, ...(ttlSeconds !== undefined ? { ttlSeconds } : {}) };
  return { ok: true, session, origin };
}

/**
 * The cookie Path for one Envoy route, following GEP-1619 "Path": a rule that
 * matches all paths gets `/`; a prefix or exact match gets its own path (so a
 * rule's session is scoped to what it matches); a regex gets its longest
 * literal prefix, cut back to a whole segment. BackendLBPolicy leaves Path unset
 * (undefined) because several routes can reach one Service.
 */
export function cookiePathFor(origin: SessionOrigin, path: IrPathMatch | undefined): string | undefined {
  if (origin.kind === "policy") return undefined;
  if (!path) return "/";
  switch (path.type) {
    case "PathPrefix":
    case "Exact": {
      const trimmed = path.value.replace(/\/+$/, "");
      return trimmed === "" ? "/" : trimmed;
    }
    case "RegularExpression":
      return literalRegexPrefix(path.value);
  }
}

/** `/p1/p2/.*` -> `/p1/p2`; anything without a literal leading segment -> `/`. */
export function literalRegexPrefix(re: string): string {
  const body = re.startsWith("^") ? re.slice(1) : re;
  let literal = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? "";
    if (c === "\\") {
      const next = body[i + 1] ?? "";
      // Only escaped punctuation is a literal; \d, \w etc. are classes.
      if (/[A-Za-z0-9]/.test(next) || next === "") break;
      literal += next;
      i++;
      continue;
    }
    if (/[.*+?()[\]{}|$^]/.test(c)) {
      // A quantifier makes the previous character optional or repeated.
      if (/[*+?{]/.test(c)) literal = literal.slice(0, -1);
      break;
    }
    literal += c;
  }
  if (!literal.startsWith("/")) return "/";
  const cut = literal.lastIndexOf("/");
  // A partial last segment is not a path prefix; keep only whole segments.
  const whole = cut === literal.length - 1 ? literal : literal.slice(0, cut);
  const trimmed = whole.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

/** Attaches the cookie Path for one Envoy route to a resolved session. */
export function sessionForRoute(resolved: { session: Omit<IrSessionPersistence, "path">; origin: SessionOrigin }, path: IrPathMatch | undefined): IrSessionPersistence {
  if (resolved.session.type === "Header") return { ...resolved.session };
  const p = cookiePathFor(resolved.origin, path);
  return p === undefined ? { ...resolved.session } : { ...resolved.session, path: p };
}
