// String and bytes rules. Lengths follow PGV: `len`, `min_len`, `max_len`
// count Unicode code points ("runes"), the `*_bytes` rules count UTF-8 bytes.
import { Buffer } from "node:buffer";
import { KnownRegex, StringRulesSchema, BytesRulesSchema, type BytesRules, type StringRules } from "../../gen/validate/validate_pb.js";
import { has, list, report, show, type Check } from "./check.ts";
import { compileRe2 } from "./re2.ts";
import {
  HEADER_LOOSE,
  HEADER_NAME_STRICT,
  HEADER_VALUE_STRICT,
  emailError,
  hostnameError,
  isIp,
  isIPv4,
  isIPv6Plain,
  isUri,
  isUriRef,
  isUuid,
} from "./well-known.ts";

type StrCheck = (s: string, p: Parameters<Check>[1], out: Parameters<Check>[2]) => void;

/** Patterns in the loaded protos that JS cannot run; their rules are skipped (see re2.ts). */
export const skippedPatterns = new Map<string, string>();

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

export function stringChecks(r: StringRules): Check | undefined {
  const F = StringRulesSchema.field;
  const c: StrCheck[] = [];
  if (has(r, F.const)) {
    const k = r.const;
    c.push((s, p, out) => s !== k && report(out, p, "string.const", `value ${show(s)} must equal ${show(k)}`));
  }
  if (has(r, F.len)) {
    const n = Number(r.len);
    c.push((s, p, out) => runeCount(s) !== n && report(out, p, "string.len", `value length must be ${n} characters`));
  }
  if (has(r, F.minLen)) {
    const n = Number(r.minLen);
    // A UTF-16 string holds at least length/2 code points: skip the count when that already suffices.
    c.push((s, p, out) => s.length < 2 * n && runeCount(s) < n && report(out, p, "string.min_len", `value length must be at least ${n} characters, got ${show(s)}`));
  }
  if (has(r, F.maxLen)) {
    const n = Number(r.maxLen);
    c.push((s, p, out) => s.length > n && runeCount(s) > n && report(out, p, "string.max_len", `value length must be at most ${n} characters`));
  }
  if (has(r, F.lenBytes)) {
    const n = Number(r.lenBytes);
    c.push((s, p, out) => Buffer.byteLength(s, "utf8") !== n && report(out, p, "string.len_bytes", `value must be exactly ${n} bytes`));
  }
  if (has(r, F.minBytes)) {
    const n = Number(r.minBytes);
    c.push((s, p, out) => Buffer.byteLength(s, "utf8") < n && report(out, p, "string.min_bytes", `value must be at least ${n} bytes`));
  }
  if (has(r, F.maxBytes)) {
    const n = Number(r.maxBytes);
    c.push((s, p, out) => s.length > n / 3 && Buffer.byteLength(s, "utf8") > n && report(out, p, "string.max_bytes", `value must be at most ${n} bytes, got ${Buffer.byteLength(s, "utf8")}`));
  }
  if (has(r, F.pattern)) {
    const pat = r.pattern;
    const re = compileRe2(pat);
    if (re.ok) {
      c.push((s, p, out) => !re.re.test(s) && report(out, p, "string.pattern", `value ${show(s)} does not match regex ${show(pat)}`));
    } else {
      skippedPatterns.set(pat, re.error);
    }
  }
  if (has(r, F.prefix)) {
    const k = r.prefix;
    c.push((s, p, out) => !s.startsWith(k) && report(out, p, "string.prefix", `value ${show(s)} must start with ${show(k)}`));
  }
  if (has(r, F.suffix)) {
    const k = r.suffix;
    c.push((s, p, out) => !s.endsWith(k) && report(out, p, "string.suffix", `value ${show(s)} must end with ${show(k)}`));
  }
  if (has(r, F.contains)) {
    const k = r.contains;
    c.push((s, p, out) => !s.includes(k) && report(out, p, "string.contains", `value ${show(s)} must contain ${show(k)}`));
  }
  if (has(r, F.notContains)) {
    const k = r.notContains;
    c.push((s, p, out) => s.includes(k) && report(out, p, "string.not_contains", `value ${show(s)} must not contain ${show(k)}`));
  }
  if (r.in.length > 0) {
    const ins = new Set(r.in);
    c.push((s, p, out) => !ins.has(s) && report(out, p, "string.in", `value ${show(s)} must be in ${list(r.in)}`));
  }
  if (r.notIn.length > 0) {
    const nin = new Set(r.notIn);
    c.push((s, p, out) => nin.has(s) && report(out, p, "string.not_in", `value ${show(s)} must not be in ${list(r.notIn)}`));
  }
  const wk = wellKnownString(r);
  if (wk) c.push(wk);
  if (c.length === 0) return undefined;
  const ignoreEmpty = r.ignoreEmpty;
  return (v, p, out) => {
    if (typeof v !== "string" || (ignoreEmpty && v === "")) return;
    for (const f of c) f(v, p, out);
  };
}

function wellKnownString(r: StringRules): StrCheck | undefined {
  const wk = r.wellKnown;
  if (wk.case === "wellKnownRegex") {
    if (wk.value === KnownRegex.UNKNOWN) return undefined;
    const name = wk.value === KnownRegex.HTTP_HEADER_NAME;
    // `strict` defaults to true; false relaxes both kinds to "no NUL, CR, LF".
    const re = !r.strict ? HEADER_LOOSE : name ? HEADER_NAME_STRICT : HEADER_VALUE_STRICT;
    const what = `a valid HTTP header ${name ? "name" : "value"}${r.strict ? "" : " (no NUL, CR or LF)"}`;
    return (s, p, out) => !re.test(s) && report(out, p, "string.well_known_regex", `value ${show(s)} must be ${what}`);
  }
  if (wk.case === undefined || !wk.value) return undefined;
  const fails = (rule: string, what: string, bad: (s: string) => string | false | undefined): StrCheck => (s, p, out) => {
    const why = bad(s);
    if (why !== false && why !== undefined) report(out, p, `string.${rule}`, `value ${show(s)} must be ${what}${why ? `: ${why}` : ""}`);
  };
  const not = (ok: (s: string) => boolean) => (s: string) => !ok(s) && "";
  switch (wk.case) {
    case "email":
      return fails("email", "a valid email address", emailError);
    case "hostname":
      return fails("hostname", "a valid hostname", hostnameError);
    case "address":
      return fails("address", "a valid hostname or IP address", not((s) => isIp(s) || hostnameError(s) === undefined));
    case "ip":
      return fails("ip", "a valid IP address", not(isIp));
    case "ipv4":
      return fails("ipv4", "a valid IPv4 address", not(isIPv4));
    case "ipv6":
      return fails("ipv6", "a valid IPv6 address", not(isIPv6Plain));
    case "uri":
      return fails("uri", "a valid absolute URI", not(isUri));
    case "uriRef":
      return fails("uri_ref", "a valid URI reference", not(isUriRef));
    case "uuid":
      return fails("uuid", "a valid UUID", not(isUuid));
  }
}

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle);
}

type BytesCheck = (b: Uint8Array, p: Parameters<Check>[1], out: Parameters<Check>[2]) => void;

export function bytesChecks(r: BytesRules): Check | undefined {
  const F = BytesRulesSchema.field;
  const c: BytesCheck[] = [];
  if (has(r, F.const)) {
    const k = r.const;
    c.push((b, p, out) => !bytesEq(b, k) && report(out, p, "bytes.const", `value must equal the ${k.length} const bytes`));
  }
  if (has(r, F.len)) {
    const n = Number(r.len);
    c.push((b, p, out) => b.length !== n && report(out, p, "bytes.len", `value must be ${n} bytes, got ${b.length}`));
  }
  if (has(r, F.minLen)) {
    const n = Number(r.minLen);
    c.push((b, p, out) => b.length < n && report(out, p, "bytes.min_len", `value must be at least ${n} bytes, got ${b.length}`));
  }
  if (has(r, F.maxLen)) {
    const n = Number(r.maxLen);
    c.push((b, p, out) => b.length > n && report(out, p, "bytes.max_len", `value must be at most ${n} bytes, got ${b.length}`));
  }
  if (has(r, F.pattern)) {
    const pat = r.pattern;
    const re = compileRe2(pat);
    if (re.ok) {
      // RE2 runs on the bytes as UTF-8; invalid sequences become U+FFFD here.
      c.push((b, p, out) => !re.re.test(Buffer.from(b).toString("utf8")) && report(out, p, "bytes.pattern", `value does not match regex ${show(pat)}`));
    } else {
      skippedPatterns.set(pat, re.error);
    }
  }
  if (has(r, F.prefix)) {
    const k = r.prefix;
    c.push((b, p, out) => !(b.length >= k.length && bytesEq(b.subarray(0, k.length), k)) && report(out, p, "bytes.prefix", "value must start with the prefix bytes"));
  }
  if (has(r, F.suffix)) {
    const k = r.suffix;
    c.push((b, p, out) => !(b.length >= k.length && bytesEq(b.subarray(b.length - k.length), k)) && report(out, p, "bytes.suffix", "value must end with the suffix bytes"));
  }
  if (has(r, F.contains)) {
    const k = r.contains;
    c.push((b, p, out) => indexOf(b, k) < 0 && report(out, p, "bytes.contains", "value must contain the given bytes"));
  }
  if (r.in.length > 0) {
    const ins = r.in;
    c.push((b, p, out) => !ins.some((k) => bytesEq(b, k)) && report(out, p, "bytes.in", "value must be one of the allowed byte strings"));
  }
  if (r.notIn.length > 0) {
    const nin = r.notIn;
    c.push((b, p, out) => nin.some((k) => bytesEq(b, k)) && report(out, p, "bytes.not_in", "value must not be one of the refused byte strings"));
  }
  const wk = r.wellKnown;
  if (wk.case !== undefined && wk.value) {
    const lens = wk.case === "ip" ? [4, 16] : wk.case === "ipv4" ? [4] : [16];
    c.push((b, p, out) => !lens.includes(b.length) && report(out, p, `bytes.${wk.case}`, `value must be ${lens.join(" or ")} bytes (an ${wk.case} address), got ${b.length}`));
  }
  if (c.length === 0) return undefined;
  return (v, p, out) => {
    if (!(v instanceof Uint8Array)) return;
    for (const f of c) f(v, p, out);
  };
}
