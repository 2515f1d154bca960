// The program size Envoy's RE2 will report for a regex, bounded from above without C++.
//
// re2js's programSize() is not C++ RE2's: C++ adds a `.*?` search prefix and compiles each
// class to byte ranges, where re2js counts one instruction per class. So the re2js program is
// walked and each instruction weighed by what C++ makes of it, in two encodings:
// - Latin-1, what the pinned Envoy 1.40.0 uses (measured: `\x{100}` is a syntax error there,
//   `\p{L}` costs 7): the pattern's UTF-8 bytes are its characters, a class costs one byte range
//   per contiguous run within \x00-\xFF. Checked against Envoy's own figures in
//   test/envoy/regex.test.ts; literals and plain classes are exact.
// - UTF-8, upstream RE2's default, in case an Envoy build uses it: a class costs a byte range
//   per byte of each UTF-8 piece RE2's compiler splits it into, with no suffix sharing
//   credited. Derived from RE2's compiler, not measured here.
// The estimate is the larger of the two; wherever C++ may emit more, it rounds up.
import { RE2JS } from "re2js";

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

