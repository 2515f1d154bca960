// Merges the profiles of one conformance run into another's report, e.g. the mesh profiles (run on their
// own: they declare features the suite cannot infer, suite.ts) into the committed Gateway report:
//   node e2e/local-cluster/merge-report.ts INTO_DIR FROM_DIR
// INTO_DIR/switchyard-report.yaml gets FROM's profiles (replacing those of the same name); its header
// (date, version) stays. INTO_DIR/results.json gets every test FROM ran, and FROM's skips of tests INTO
// does not list.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TestResult } from "./results.ts";

/** The report's `profiles:` entries as the suite wrote them (text, so the rest stays byte for byte). */
function profileSection(text: string): { before: string; entries: { name: string; text: string }[]; after: string } {
  const lines = text.split("\n");
  const start = lines.indexOf("profiles:");
  if (start < 0) throw new Error("report has no profiles");
  let end = start + 1;
  while (end < lines.length && (lines[end]!.startsWith("- ") || lines[end]!.startsWith("  "))) end++;
  const entries: { name: string; text: string }[] = [];
  for (const line of lines.slice(start + 1, end)) {
    if (line.startsWith("- ")) entries.push({ name: "", text: line });
    else entries[entries.length - 1]!.text += `\n${line}`;
    const m = /^(?:- | {2})name: (.+)$/.exec(line);
    if (m) entries[entries.length - 1]!.name = m[1]!;
  }
  return { before: lines.slice(0, start + 1).join("\n"), entries, after: lines.slice(end).join("\n") };
}

/** INTO's report with FROM's profiles in place of those of the same name, or added after them. */
export function mergeReports(into: string, from: string): string {
  const a = profileSection(into);
  const b = profileSection(from);
  const names = new Set(b.entries.map((e) => e.name));
  const entries = [...a.entries.filter((e) => !names.has(e.name)), ...b.entries];
  return [a.before, ...entries.map((e) => e.text), a.after].join("\n");
}

/** INTO's tests in their order, each replaced by FROM's result if FROM ran it; FROM's others after them. */
export function mergeTests(into: TestResult[], from: TestResult[]): TestResult[] {
  const known = new Set(into.map((t) => t.name));
  const ran = new Map(from.filter((t) => t.result !== "skip").map((t) => [t.name, t]));
  return [...into.map((t) => ran.get(t.name) ?? t), ...from.filter((t) => !known.has(t.name))];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [intoDir, fromDir] = process.argv.slice(2);
  if (!intoDir || !fromDir) {
    console.error("usage: merge-report.ts INTO_DIR FROM_DIR");
    process.exit(2);
  }
  const read = (dir: string) => readFileSync(join(dir, "switchyard-report.yaml"), "utf8");
  writeFileSync(join(intoDir, "switchyard-report.yaml"), mergeReports(read(intoDir), read(fromDir)));
  const tests = (dir: string) => (JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as { profiles: string[]; tests: TestResult[] });
  const a = tests(intoDir);
  const b = tests(fromDir);
  writeFileSync(join(intoDir, "results.json"), JSON.stringify({ profiles: [...new Set([...a.profiles, ...b.profiles])], tests: mergeTests(a.tests, b.tests) }, null, 2) + "\n");
}
