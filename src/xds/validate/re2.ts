// RE2 `pattern` rules run as JS RegExp. Envoy compiles them with RE2 and
// uses an unanchored search, as RegExp.test does. We translate the RE2-only
// syntax we can (\A, \z, (?P<name>, leading (?flags), [[:class:]]), and
// refuse what JS would read differently (\C, \Q..\E, \pN one-letter classes
// are rewritten to \p{N}). A pattern we cannot translate is reported by
// compileRe2 returning an error string; the caller then skips that rule.
// Gap: JS backtracks where RE2 is linear; the patterns in Envoy's protos are
// simple character classes, so this is not a ReDoS risk for them.

const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

export type Re2Result = { ok: true; re: RegExp } | { ok: false; error: string };

const cache = new Map<string, Re2Result>();

export function compileRe2(pattern: string): Re2Result {
  let r = cache.get(pattern);
  if (!r) {
    r = translate(pattern);
    cache.set(pattern, r);
  }
  return r;
}

function translate(pattern: string): Re2Result {
  let src = pattern;
  let flags = "";
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    const f = lead[1] ?? "";
    if (f.includes("U")) return { ok: false, error: "RE2 flag U (ungreedy) has no JS equivalent" };
    flags += f;
    src = src.slice(lead[0].length);
  }
  if (/\\C|\\Q|\\E|\(\?[imsU-]/.test(src)) {
    return { ok: false, error: "RE2 syntax without a JS equivalent (\\C, \\Q..\\E or inline flags)" };
  }
  src = src
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$")
    .replace(/\(\?P</g, "(?<")
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
      const set = POSIX[name];
      if (set === undefined) return m;
      return neg ? "" : set; // negated POSIX classes inside a class are refused below
    })
    .replace(/\\p([A-Z])/g, "\\p{$1}")
    .replace(/\\P([A-Z])/g, "\\P{$1}");
  if (/\[:\^[a-z]+:\]/.test(pattern)) return { ok: false, error: "negated POSIX classes are not translated" };
  // RE2 matches code points; the `u` flag makes `.` and classes do the same,
  // but it refuses needless escapes such as `\~`, so fall back without it.
  for (const f of [flags + "u", flags]) {
    try {
      return { ok: true, re: new RegExp(src, f) };
    } catch {
      // try the next flag set
    }
  }
  return { ok: false, error: `not a valid JS regular expression: ${src}` };
}
