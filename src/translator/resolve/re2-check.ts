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
//   range per contiguous run; re2js counts one instruction per class. The estimate walks the
//   re2js program of the Latin-1 view and weighs each instruction by what C++ makes of it,
//   rounding up wherever C++ may emit more (an upper bound, tested against the real Envoy).
// - Upstream RE2 defaults to UTF-8, where a class costs a byte sequence per UTF-8 range. The
//   estimate is the larger of the Latin-1 figure and a UTF-8 bound derived from RE2's compiler
//   (no suffix sharing counted), so an Envoy built that way accepts what we accept too. That
//   bound is not measured here: the pinned Envoy is Latin-1.
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

/** UTF-8 length of a code point. */
function utf8Len(r: number): number {
  return r < 0x80 ? 1 : r < 0x800 ? 2 : r < 0x10000 ? 3 : 4;
}

/**
 * Instructions a UTF-8 RE2 spends on one class, without crediting its suffix sharing: the class
 * is split as RE2's compiler splits it (same UTF-8 length, same leading bytes), and each piece
 * costs a byte range per byte; 80-10FFFF is RE2's special case of six byte ranges. Branches are
 * flattened away, but a multi-byte piece may leave a link behind: one more each.
 */
function utf8ClassCost(runes: ArrayLike<number>): number {
  let bytes = 0;
  let multiBytePieces = 0;
  const add = (lo: number, hi: number): void => {
    if (lo > hi) return;
    if (lo === 0x80 && hi === 0x10ffff) {
      bytes += 6;
      multiBytePieces += 3;
      return;
    }
    for (const max of [0x7f, 0x7ff, 0xffff]) {
      if (lo <= max && max < hi) {
        add(lo, max);
        add(max + 1, hi);
        return;
      }
    }
    if (hi >= 0x80) {
      for (let i = 1; i < 4; i++) {
        const m = (1 << (6 * i)) - 1;
        if ((lo & ~m) === (hi & ~m)) continue;
        if ((lo & m) !== 0) {
          add(lo, lo | m);
          add((lo | m) + 1, hi);
          return;
        }
        if ((hi & m) !== m) {
          add(lo, (hi & ~m) - 1);
          add(hi & ~m, hi);
          return;
        }
      }
    }
    bytes += utf8Len(lo);
    if (lo >= 0x80) multiBytePieces++;
  };
  for (let i = 0; i + 1 < runes.length; i += 2) add(runes[i] ?? 0, runes[i + 1] ?? 0);
  return bytes + multiBytePieces;
}

/** Case variants outside a code point's own upper and lower case (Unicode simple folding). */
const EXTRA_FOLDS: Record<number, number[]> = { 0x4b: [0x212a], 0x6b: [0x212a], 0x53: [0x17f], 0x73: [0x17f], 0xc5: [0x212b], 0xe5: [0x212b], 0xb5: [0x39c, 0x3bc], 0xdf: [0x1e9e] };

/**
 * A superset of the case variants of `r`, as class ranges: its upper and lower case, the
 * known extras, and for other non-ASCII letters room for two more 4-byte variants (Greek and
 * Cyrillic have orbits of three or four).
 */
function foldOrbit(r: number): number[] {
  const c = String.fromCodePoint(r);
  const set = new Set<number>([r, ...(EXTRA_FOLDS[r] ?? [])]);
  for (const v of [c.toUpperCase(), c.toLowerCase(), c.toUpperCase().toLowerCase(), c.toLowerCase().toUpperCase()]) {
    const cp = v.codePointAt(0);
    if (cp !== undefined && String.fromCodePoint(cp) === v) set.add(cp);
  }
  if (r >= 0x80 && !(r in EXTRA_FOLDS)) set.add(0x10fffe).add(0x10fffc);
  return [...set].sort((a, b) => a - b).flatMap((x) => [x, x]);
}

function utf8InstCost(i: ProgInst): number {
  switch (i.op) {
    case RUNE1:
      return utf8Len(i.runes[0] ?? 0);
    case RUNE_ANY:
      return utf8ClassCost([0, 0x10ffff]);
    case RUNE_ANY_NOT_NL:
      return utf8ClassCost([0, 9, 11, 0x10ffff]);
    case RUNE:
      if (i.runes.length === 1) return (i.arg & FOLD_CASE) !== 0 ? utf8ClassCost(foldOrbit(i.runes[0] ?? 0)) : utf8Len(i.runes[0] ?? 0);
      return Math.max(1, utf8ClassCost(i.runes));
    default:
      return instCost(i);
  }
}

function progOf(pattern: string): ProgInst[] {
  return (RE2JS.compile(pattern).re2() as unknown as { prog: { inst: ProgInst[] } }).prog.inst;
}

/** Upper bounds of the program size Envoy's RE2 reports, compiled as Latin-1 and as UTF-8 (throws if it does not parse). */
export function estimateProgramSizes(pattern: string): { latin1: number; utf8: number } {
  // UTF-8 first: its syntax errors quote the pattern as written.
  let utf8 = FIXED_COST;
  for (const i of progOf(pattern)) utf8 += utf8InstCost(i);
  let latin1 = FIXED_COST;
  for (const i of progOf(latin1View(pattern))) latin1 += instCost(i);
  return { latin1, utf8 };
}

/** An upper bound of the program size Envoy's RE2 reports for `pattern`, in either encoding. */
export function estimateProgramSize(pattern: string): number {
  const { latin1, utf8 } = estimateProgramSizes(pattern);
  return Math.max(latin1, utf8);
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
