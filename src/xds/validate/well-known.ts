// PGV's well-known string formats. The header regexes are PGV's own, kept
// byte-for-byte in meaning (note `+-.` in the name class is a range, so PGV and
// Envoy accept `,` in header names; we match them rather than RFC 7230).
import { isIPv4, isIPv6 } from "node:net";

export const HEADER_NAME_STRICT = /^:?[0-9a-zA-Z!#$%&'*+-.^_|~`]+$/;
export const HEADER_VALUE_STRICT = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
/** `strict: false`: only NUL, LF and CR are refused, for names and values alike. */
export const HEADER_LOOSE = /^[^\u0000\u000A\u000D]*$/;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const LABEL = /^[a-z0-9-]+$/;

/** Why `s` is not an RFC 1034 hostname (PGV's rules), or undefined when it is one. */
export function hostnameError(s: string): string | undefined {
  if (s.length > 253) return "hostname cannot exceed 253 characters";
  const host = (s.endsWith(".") ? s.slice(0, -1) : s).toLowerCase();
  for (const part of host.split(".")) {
    if (part.length === 0 || part.length > 63) return "hostname part must be non-empty and at most 63 characters";
    if (part.startsWith("-") || part.endsWith("-")) return "hostname parts cannot begin or end with a hyphen";
    if (!LABEL.test(part)) return "hostname parts can only contain alphanumeric characters or hyphens";
  }
  return undefined;
}

export function isIp(s: string): boolean {
  return isIPv4(s) || isIPv6Plain(s);
}

/** IPv6 without a zone id: PGV (inet_pton / net.ParseIP) refuses `fe80::1%eth0`. */
export function isIPv6Plain(s: string): boolean {
  return !s.includes("%") && isIPv6(s);
}

export { isIPv4 };

/**
 * A bare `local@domain` address. PGV's Go code first runs net/mail's parser
 * (which also takes `Name <a@b>`); we accept only the bare form, which is
 * what a config field holds.
 */
export function emailError(s: string): string | undefined {
  if (s.length > 254) return "email address cannot exceed 254 characters";
  const at = s.lastIndexOf("@");
  if (at <= 0) return "email address must be local@domain";
  const local = s.slice(0, at);
  if (local.length > 64) return "email address local part cannot exceed 64 characters";
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local)) {
    return "email address local part is not a dot-atom";
  }
  return hostnameError(s.slice(at + 1));
}

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

// RFC 3986 characters: unreserved, reserved (gen-delims + sub-delims) and '%'.
const URI_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
const PCT = /%(?![0-9A-Fa-f]{2})/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** RFC 3986 URI-reference: only allowed characters and well-formed %-escapes. */
export function isUriRef(s: string): boolean {
  if (!URI_CHARS.test(s) || PCT.test(s)) return false;
  // Without a scheme, a first segment holding ':' would be read as a scheme.
  if (!SCHEME.test(s)) {
    const firstSeg = s.split(/[/?#]/, 1)[0] ?? "";
    if (firstSeg.includes(":")) return false;
  }
  return true;
}

/** RFC 3986 absolute URI: a URI-reference with a scheme. */
export function isUri(s: string): boolean {
  return SCHEME.test(s) && isUriRef(s);
}
