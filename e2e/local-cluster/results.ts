// Reads the conformance suite's `go test -v` output and prints one JSON object: every top-level test of
// TestConformance with its result (pass, fail, skip) and seconds, in the order they finished.
//   node e2e/local-cluster/results.ts conformance.log > results.json
import { readFileSync } from "node:fs";

export interface TestResult {
  name: string;
  result: "pass" | "fail" | "skip";
  seconds: number;
}

export function parseGoTestLog(text: string): TestResult[] {
  const out: TestResult[] = [];
  for (const m of text.matchAll(/^\s*--- (PASS|FAIL|SKIP): TestConformance\/([^/\s]+) \(([\d.]+)s\)$/gm)) {
    out.push({ name: m[2]!, result: m[1]!.toLowerCase() as TestResult["result"], seconds: Number(m[3]) });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2];
  if (!path) {
    console.error("usage: results.ts LOG");
    process.exitCode = 2;
  } else {
    console.log(JSON.stringify({ tests: parseGoTestLog(readFileSync(path, "utf8")) }, null, 2));
  }
}

/** The assertion lines (Error:, Messages:, and the lines after them) of one top-level test, for a failure message. */
export function failureDetails(text: string, name: string, max = 12): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l === `=== RUN   TestConformance/${name}`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && /^=== RUN {3}TestConformance\/[^/]+$/.test(l));
  const out: string[] = [];
  for (const l of lines.slice(start, end < 0 ? undefined : end)) {
    if (/\b(Error|Messages):/.test(l) && !out.includes(l.trim())) out.push(l.trim());
    if (out.length >= max) break;
  }
  return out;
}
