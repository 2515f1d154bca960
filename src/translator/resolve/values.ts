// Small validators and parsers for user-written values that Envoy would
// reject (NACK) if passed through unchecked.
import { checkRe2 } from "./re2-check.ts";

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_|~`-]+$/;

/** An HTTP header name Envoy lets us add, match or remove. */
export function validHeaderName(n: unknown): n is string {
  return typeof n === "string" && n.length > 0 && n.length <= 256 && TOKEN.test(n) && n.toLowerCase() !== "host";
}

export function validHeaderValue(v: unknown): v is string {
  return typeof v === "string" && v.length <= 4096 && !/[\0\r\n]/.test(v);
}

/** A path a user may match or rewrite to: absolute, no query or fragment, no control characters. */
export function validPath(p: unknown): p is string {
  return typeof p === "string" && p.startsWith("/") && p.length <= 1024 && !/[?#\s\0]/.test(p);
}

/**
 * Why Envoy would refuse `r` in a `safe_regex` (re2-check.ts: RE2 syntax as Envoy parses it, and
 * the program-size limit), as a phrase to put after the field name; undefined when it compiles.
 */
export function regexProblem(r: unknown): string | undefined {
  const v = checkRe2(r);
  return v.ok ? undefined : v.message;
}

/** A pattern quoted for a status message, cut short when long. */
export function quoteRegex(r: unknown): string {
  const s = typeof r === "string" ? r : String(r);
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}

export const HTTP_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]);

/** A DNS-1123 hostname (no wildcard). */
export function validHostname(h: unknown): h is string {
  return typeof h === "string" && h.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i.test(h);
}

const DURATION_RE = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
const DURATION_PART_RE = /([0-9]{1,5})(ms|h|m|s)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/**
 * Gateway API Duration (GEP-2257): up to four `<n><unit>` parts, units h, m,
 * s, ms. Returns milliseconds (an integer), or undefined when malformed.
 */
export function parseDurationMs(d: unknown): number | undefined {
  if (typeof d !== "string" || !DURATION_RE.test(d)) return undefined;
  let ms = 0;
  for (const m of d.matchAll(DURATION_PART_RE)) ms += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0);
  return ms;
}

/** A Gateway API Duration in seconds (summed in whole milliseconds, so `100ms200ms` is exactly 0.3). */
export function parseDuration(d: unknown): number | undefined {
  const ms = parseDurationMs(d);
  return ms === undefined ? undefined : ms / 1000;
}

/** An IPv4 or IPv6 literal (Gateway addresses; EDS takes only IP endpoints). */
export function isIp(v: string): boolean {
  return /^(\d{1,3})(\.\d{1,3}){3}$/.test(v) ? v.split(".").every((o) => Number(o) <= 255) : /^[0-9a-fA-F:.]+$/.test(v) && v.includes(":");
}
