// The RE2 checker: what Envoy 1.40 refuses, and the program-size bound. The sizes quoted in
// comments were measured with `envoy --mode validate` (test/envoy/re2-fidelity.test.ts checks
// the bound against the real Envoy on every run that has one).
import { describe, expect, it } from "vitest";
import { RE2_MAX_PROGRAM_SIZE } from "../../src/api/re2-limits.ts";
import { checkRe2 } from "../../src/translator/resolve/re2-check.ts";
import { estimateProgramSize, estimateProgramSizes } from "../../src/translator/resolve/re2-size.ts";
import { escapeRegex } from "../../src/translator/resolve/grpc-match.ts";

const refused = (p: string, limit?: number): string => {
  const v = checkRe2(p, limit);
  if (v.ok) throw new Error(`${JSON.stringify(p)} was accepted (size ${v.programSize})`);
  return v.message;
};

describe("RE2 syntax as Envoy parses it", () => {
  it.each(["a{2,1001}", "\\e", "\\k", "\\Z", "\\cA", "\\u0041", "[^]", "[a-\\d]"])("refuses the JavaScript-only %s", (p) => {
    expect(refused(p)).toMatch(/^is not valid RE2: /);
  });

  it.each(["(?=a)", "(?!a)", "(?<=a)", "(?<!a)", "(a)\\1", "a{1001}", "(?:a{100}){11}", "(", "[z-a]", "a**"])("refuses %s", (p) => {
    expect(refused(p)).toMatch(/^is not valid RE2: /);
  });

  it.each(["\\x{100}", "[\\x{ff}-\\x{100}]", "\\x{10FFFF}", "\\400", "[\\777]"])("refuses %s: above \\xFF, which Envoy's byte-mode RE2 rejects", (p) => {
    expect(refused(p)).toMatch(/above \\xFF/);
  });

  it("refuses Unicode scripts, keeps general categories", () => {
    expect(refused("\\p{Greek}")).toMatch(/Unicode class \\p\{Greek\}/);
    expect(refused("\\P{^Han}")).toMatch(/Unicode class/);
    for (const p of ["\\pL", "\\p{Lu}", "\\PN", "\\p{^L}", "\\p{Latin}", "\\p{Any}"]) expect(checkRe2(p).ok, p).toBe(true);
  });

  it("refuses a class range that is valid in bytes but not in runes (gRPC clients read UTF-8)", () => {
    expect(refused("[é-à]")).toMatch(/invalid character class range/);
    expect(checkRe2("[à-é]").ok).toBe(true);
  });

  it("refuses empty, non-string and lone-surrogate patterns", () => {
    expect(refused("")).toBe("is empty");
    expect(checkRe2(42).ok).toBe(false);
    expect(refused("a\uD800")).toBe("is not valid UTF-8");
  });

  it.each(["/api/v[0-9]+/.*", "(?i)/Users/[^/]+", "\\pL+", "é+", "\\xff", "\\x{FF}", "\\377", "(?P<n>a)", "(?<n>a)", "\\Q.*\\E", "(?U)a+", "[[:^alpha:]]", "\\\\x{100}"])(
    "accepts %s",
    (p) => expect(checkRe2(p).ok).toBe(true),
  );
});

describe("program size", () => {
  it("is Envoy's exact figure for literals: /x{1000} compiles to 1005", () => {
    expect(estimateProgramSize("/x{1000}")).toBe(1005);
    expect(refused("/x{1000}", 100)).toBe("compiles to an RE2 program of up to 1005 instructions, over the limit of 100");
    expect(checkRe2("/x{1000}")).toEqual({ ok: true, programSize: 1005 });
  });

  it("weighs classes by their byte ranges, as Envoy 1.40 does (measured: . 6, \\W{200} 1004, [acegikmoqsuwy] 17)", () => {
    const latin1 = (p: string) => estimateProgramSizes(p).latin1;
    expect(latin1(".")).toBe(6);
    expect(latin1(".{1000}")).toBe(2004);
    expect(latin1("\\W{200}")).toBe(1004);
    expect(latin1("[acegikmoqsuwy]")).toBe(17);
    // measured 704 and 154: the estimate rounds Unicode letters and folded classes up
    expect(latin1("\\p{L}{100}")).toBeGreaterThanOrEqual(704);
    expect(latin1("(?i)[[:word:]]{50}")).toBeGreaterThanOrEqual(154);
  });

  it("also bounds a UTF-8 RE2, where a class costs a byte sequence per UTF-8 range", () => {
    // RE2's UTF-8 `.` is at least 8 byte ranges; \pL spans hundreds of ranges.
    expect(estimateProgramSizes(".").utf8).toBeGreaterThanOrEqual(12);
    expect(estimateProgramSize(".")).toBe(estimateProgramSizes(".").utf8);
    expect(estimateProgramSizes("\\pL").utf8).toBeGreaterThan(1000);
    // a quantifier repeats the whole character in UTF-8, only its last byte in Latin-1
    expect(estimateProgramSizes("€{100}")).toEqual({ latin1: 106, utf8: 304 });
    // ASCII-only patterns cost the same either way
    expect(estimateProgramSizes("/api/v[0-9]+/items")).toEqual({ latin1: 19, utf8: 19 });
    expect(refused("[\\p{L}\\p{N}]")).toMatch(/over the limit of 4096$/);
  });

  it("a non-ASCII character costs one instruction per UTF-8 byte", () => {
    expect(estimateProgramSize("é")).toBe(6); // measured 6
    expect(estimateProgramSize("€")).toBe(7);
  });

  it("holds at the limit and refuses one past it", () => {
    const at = `${"x{1000}".repeat(4)}x{92}`;
    expect(checkRe2(at)).toEqual({ ok: true, programSize: RE2_MAX_PROGRAM_SIZE });
    expect(refused(`${at}x`)).toBe(`compiles to an RE2 program of up to ${RE2_MAX_PROGRAM_SIZE + 1} instructions, over the limit of ${RE2_MAX_PROGRAM_SIZE}`);
    expect(checkRe2("\\w{1000}")).toEqual({ ok: true, programSize: 4004 }); // \w is ASCII: 4 ranges
    expect(refused("\\W{1000}")).toMatch(/over the limit of 4096$/);
  });

  it("fits every regex the translator builds from the longest values the CRDs allow", () => {
    const segment = "a".repeat(1023);
    // GRPCRoute Exact service (1024 chars, dotted) with any method; RegularExpression of two 1024-char literals
    expect(checkRe2(`/${escapeRegex(`${"a.".repeat(511)}ab`)}/[^/]+`).ok).toBe(true);
    expect(checkRe2(`/(?:${"a".repeat(1024)})/(?:${"b".repeat(1024)})`).ok).toBe(true);
    // mesh PathPrefix and ReplacePrefixMatch patterns over a 1024-character path of 3-byte characters
    const euro = `/${"€".repeat(1023)}`;
    expect(checkRe2(`^${euro}(/.*)?$`).ok).toBe(true);
    expect(checkRe2(`^/${segment}/*`).ok).toBe(true);
    // CORS origin wildcard (253 characters at most, `*` only as the first label), as route.ts spells it
    expect(checkRe2(`https://[^/]*\\.${"a".repeat(240)}`).ok).toBe(true);
  });
});
