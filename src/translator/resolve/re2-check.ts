// Will Envoy compile this regex? Envoy 1.40 compiles `safe_regex` with C++ RE2 and refuses
// (NACKs the whole RouteConfiguration) a pattern that does not parse or whose program is larger
// than `re2.max_program_size.error_level`. This module answers before anything is served.
//
// Facts measured against Envoy 1.40.0 (`envoy --mode validate`, docs/validation.md):
// - Its RE2 matches bytes, as Latin-1: the pattern's UTF-8 bytes are its characters, and an
//   escape above \xFF (`\x{100}`, `\400`) is a syntax error.
// - Syntax otherwise follows RE2/Go, which re2js ports. Where the two differ we refuse what
//   either refuses (re2js refuses `\C`, which C++ takes). The pattern must also parse as UTF-8
//   (`[é-à]` is a valid byte range but not a valid rune range), as gRPC mesh clients read it so.
// - The program size is estimated from above by re2-size.ts.
import { RE2_MAX_PROGRAM_SIZE } from "../../api/re2-limits.ts";
import { estimateProgramSize } from "./re2-size.ts";

export type Re2Verdict = { ok: true; programSize: number } | { ok: false; message: string };

/** Longest pattern looked at; real ones are far shorter (CRD values are at most 4096). */
const MAX_PATTERN_CHARS = 8192;

/**
 * Unicode classes that C++ RE2 and re2js both know: the general categories. Scripts are left
 * out: the tables of the two libraries differ in version, and in Envoy's byte matching every
 * script but Latin and Common is empty anyway.
 */
const UNICODE_CLASSES = new Set([
  "Any", "Latin", "Common",
  "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
  "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
]);

/**
 * Escapes the Latin-1 parser refuses although re2js takes them: a code point above \xFF, and a
 * Unicode class name outside UNICODE_CLASSES. Returns a message, or undefined.
 */
function escapeProblem(p: string): string | undefined {
  for (let i = 0; i < p.length; i++) {
    if (p[i] !== "\\") continue;
    const next = p[i + 1] ?? "";
    if (next === "x" && p[i + 2] === "{") {
      const m = /^\{([0-9A-Fa-f]+)\}/.exec(p.slice(i + 2));
      if (m && parseInt(m[1] ?? "0", 16) > 0xff) return `escape \\x{${m[1]}} is above \\xFF (Envoy's RE2 matches bytes)`;
    } else if (/[0-7]/.test(next)) {
      const m = /^[0-7]{1,3}/.exec(p.slice(i + 1));
      if (m && parseInt(m[0], 8) > 0xff) return `escape \\${m[0]} is above \\xFF (Envoy's RE2 matches bytes)`;
    } else if (next === "p" || next === "P") {
      const rest = p.slice(i + 2);
      const name = rest.startsWith("{") ? (/^\{\^?([^}]*)\}/.exec(rest)?.[1] ?? "") : rest.slice(0, 1);
      if (!UNICODE_CLASSES.has(name)) return `Unicode class \\${next}{${name}} is not supported (use a general category such as \\pL)`;
    }
    i++; // skip the escaped character
  }
  return undefined;
}

function hasLoneSurrogate(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/**
 * Verdicts of recent patterns: a check costs two re2js compilations (about half a millisecond),
 * and every translation sees the same patterns again. A pure function's memo: bounded, and it
 * changes no result.
 */
const verdicts = new Map<string, Re2Verdict>();
const MAX_REMEMBERED = 4096;
/** Longer patterns are rare and are not remembered, which bounds the memo to a few MB. */
const MAX_REMEMBERED_CHARS = 1024;

/** Whether Envoy compiles `pattern` under the program-size `limit`, and if not, why. */
export function checkRe2(pattern: unknown, limit: number = RE2_MAX_PROGRAM_SIZE): Re2Verdict {
  if (typeof pattern !== "string" || pattern === "") return { ok: false, message: "is empty" };
  const key = `${limit}\u0000${pattern}`;
  const known = verdicts.get(key);
  if (known) return known;
  const v = check(pattern, limit);
  if (pattern.length > MAX_REMEMBERED_CHARS) return v;
  if (verdicts.size >= MAX_REMEMBERED) verdicts.delete(verdicts.keys().next().value ?? "");
  verdicts.set(key, v);
  return v;
}

function check(pattern: string, limit: number): Re2Verdict {
  if (pattern.length > MAX_PATTERN_CHARS) return { ok: false, message: `is longer than ${MAX_PATTERN_CHARS} characters` };
  if (hasLoneSurrogate(pattern)) return { ok: false, message: "is not valid UTF-8" };
  const esc = escapeProblem(pattern);
  if (esc) return { ok: false, message: `is not valid RE2: ${esc}` };
  let size: number;
  try {
    // Also parses it as UTF-8, as proxyless gRPC clients (mesh) do.
    size = estimateProgramSize(pattern);
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^error parsing regexp: /, "") : String(e);
    return { ok: false, message: `is not valid RE2: ${why}` };
  }
  if (size > limit) return { ok: false, message: `compiles to an RE2 program of up to ${size} instructions, over the limit of ${limit}` };
  return { ok: true, programSize: size };
}
