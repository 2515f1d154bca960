// Will Envoy compile this regex? Envoy 1.40 compiles `safe_regex` with C++ RE2 and refuses
// (NACKs the whole RouteConfiguration) a pattern that does not parse or whose program is larger
// than `re2.max_program_size.error_level`. This module answers before anything is served.
//
// Facts measured against Envoy 1.40.0 (`envoy --mode validate`, docs/validation.md):
// - Its RE2 matches bytes, as Latin-1: the pattern's UTF-8 bytes are its characters, an escape
//   above \xFF (`\x{100}`, `\400`) is a syntax error, and a class is cut to \x00-\xFF.
// - Syntax otherwise follows RE2/Go, which re2js ports. Where the two differ we refuse what
//   either refuses (re2js refuses `\C`, which C++ takes). The pattern must also parse as UTF-8
//   (`[é-à]` is a valid byte range but not a valid rune range), as gRPC mesh clients read it so.
// - Program size is not re2js's: C++ adds a `.*?` prefix and compiles a class to one byte
//   range per contiguous run; re2js counts one instruction per class. The estimate below walks
//   the re2js program of the Latin-1 view and weighs each instruction by what C++ makes of it,
//   rounding up wherever C++ may emit more (an upper bound, tested against the real Envoy).
import { RE2JS } from "re2js";
import { RE2_MAX_PROGRAM_SIZE } from "../../api/re2-limits.ts";

export type Re2Verdict = { ok: true; programSize: number } | { ok: false; message: string };

/** The re2js program as far as we read it (the library does not type it). */
interface ProgInst {
  op: number;
  arg: number;
  runes: ArrayLike<number>;
}

// re2js Inst ops.
const ALT = 1;
const ALT_MATCH = 2;
const FAIL = 5;
const MATCH = 6;
const RUNE = 8;
const RUNE1 = 9;
const RUNE_ANY = 10;
const RUNE_ANY_NOT_NL = 11;
const FOLD_CASE = 1;

/** C++ adds the fail instruction, the `.*?` search prefix (a byte range and a link) and match. */
const FIXED_COST = 4;
/** C++ flattens an alternation away but may link each branch to a shared tail: count 2. */
const ALT_COST = 2;

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

/** The string C++ RE2 parses in Latin-1 mode: one character per UTF-8 byte. */
function latin1View(p: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(p)) out += String.fromCharCode(b);
  return out;
}

/** Contiguous runs of a class (re2js lists it as sorted [lo, hi] pairs) within \x00-\xFF. */
function latin1Runs(runes: ArrayLike<number>): number {
  let runs = 0;
  let lastHi = -2;
  for (let i = 0; i + 1 < runes.length; i += 2) {
    const lo = runes[i] ?? 0;
    const hi = Math.min(runes[i + 1] ?? 0, 0xff);
    if (lo > 0xff) break;
    if (lo > lastHi + 1) runs++;
    lastHi = hi;
  }
  return runs;
}

function instCost(i: ProgInst): number {
  switch (i.op) {
    case FAIL:
    case MATCH:
      return 0;
    case ALT:
    case ALT_MATCH:
      return ALT_COST;
    case RUNE1:
    case RUNE_ANY:
      return 1;
    case RUNE_ANY_NOT_NL:
      return 2;
    case RUNE:
      // A case-folded literal is a class of its case variants: at most two in Latin-1.
      if (i.runes.length === 1) return (i.arg & FOLD_CASE) !== 0 ? 2 : 1;
      return Math.max(1, latin1Runs(i.runes));
    default:
      return 1; // capture, empty width, nop
  }
}

/** An upper bound of the program size Envoy's RE2 reports for `pattern` (throws if it does not parse). */
export function estimateProgramSize(pattern: string): number {
  const prog = (RE2JS.compile(latin1View(pattern)).re2() as unknown as { prog: { inst: ProgInst[] } }).prog;
  let size = FIXED_COST;
  for (const i of prog.inst) size += instCost(i);
  return size;
}

function hasLoneSurrogate(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** Whether Envoy compiles `pattern` under the program-size `limit`, and if not, why. */
export function checkRe2(pattern: unknown, limit: number = RE2_MAX_PROGRAM_SIZE): Re2Verdict {
  if (typeof pattern !== "string" || pattern === "") return { ok: false, message: "is empty" };
  if (pattern.length > MAX_PATTERN_CHARS) return { ok: false, message: `is longer than ${MAX_PATTERN_CHARS} characters` };
  if (hasLoneSurrogate(pattern)) return { ok: false, message: "is not valid UTF-8" };
  const esc = escapeProblem(pattern);
  if (esc) return { ok: false, message: `is not valid RE2: ${esc}` };
  let size: number;
  try {
    // Proxyless gRPC clients (mesh) compile the pattern as UTF-8: it must parse that way too.
    RE2JS.compile(pattern);
    size = estimateProgramSize(pattern);
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^error parsing regexp: /, "") : String(e);
    return { ok: false, message: `is not valid RE2: ${why}` };
  }
  if (size > limit) return { ok: false, message: `compiles to an RE2 program of up to ${size} instructions, over the limit of ${limit}` };
  return { ok: true, programSize: size };
}
