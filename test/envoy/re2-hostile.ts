// A fast-check generator of regexes that aim at where RE2 and JavaScript part ways, and at
// where C++ RE2's program grows faster than re2js's: big and nested repetitions, JS-only
// escapes, Unicode classes, case folding, classes of many disjoint ranges, long alternations.
import fc from "fast-check";

const atom: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("a", "x", "/", "-", "é", "ß", "K", "k", "\\.", "\\/", "0"),
  fc.constantFrom(".", "\\w", "\\W", "\\d", "\\D", "\\s", "\\S", "[^/]", "[^a]", "(?s:.)", "\\b", "\\B", "^", "$", "\\A", "\\z"),
  fc.constantFrom("\\pL", "\\PL", "\\p{Lu}", "\\p{Greek}", "\\p{Han}", "\\pN", "\\p{^L}", "[[:alpha:]]", "[[:^space:]]", "[[:word:]]"),
  fc.constantFrom("(?i)k", "(?i:[a-z])", "(?i)[[:word:]]", "(?i:é)", "(?i)\\pL", "(?i)[^k]"),
  fc.constantFrom("\\x41", "\\x{41}", "\\xff", "\\x{FF}", "\\x{100}", "\\x{10FFFF}", "\\377", "\\400", "\\Q.*\\E"),
  // JavaScript-only or otherwise RE2-hostile spellings
  fc.constantFrom("\\e", "\\k", "\\Z", "\\cA", "\\u0041", "[^]", "[a-\\d]", "\\1", "(?=a)", "(?<=a)", "(?<n>a)", "(?P<n>a)", "\\C", "\\v", "\\h", "(?U)a+"),
  // many disjoint ranges in one class
  fc.integer({ min: 2, max: 120 }).map((n) => `[${Array.from({ length: n }, (_, i) => String.fromCharCode(0x21 + ((i * 2) % 94))).join("").replace(/[\]\\^-]/g, "\\$&")}]`),
  fc.integer({ min: 2, max: 60 }).map((n) => `[${Array.from({ length: n }, (_, i) => `\\x{${(0xa0 + i * 2).toString(16)}}`).join("")}]`),
);

const quant: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("", "", "*", "+", "?", "*?", "+?", "{2}", "{0,3}", "{3,}"),
  fc.integer({ min: 1, max: 1001 }).map((n) => `{${n}}`),
  fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 1001 })).map(([a, b]) => `{${a},${b}}`),
);

const piece: fc.Arbitrary<string> = fc.tuple(atom, quant).map(([a, q]) => a + q);

/** A regex of up to a few nested groups with quantifiers on the groups too. */
export const hostileRegex: fc.Arbitrary<string> = fc.letrec<{ re: string }>((tie) => ({
  re: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.array(piece, { minLength: 1, maxLength: 4 }).map((ps) => ps.join("")),
    fc.tuple(fc.array(tie("re"), { minLength: 1, maxLength: 3 }), fc.constantFrom("(", "(?:", "(?i:"), quant).map(([alts, open, q]) => `${open}${alts.join("|")})${q}`),
    fc.tuple(tie("re"), tie("re")).map(([a, b]) => a + b),
  ),
})).re;
