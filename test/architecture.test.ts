// The import rules of docs/architecture.md, checked.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => join(dir, f));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]!);
}

describe("architecture", () => {
  it("the translator imports nothing from watch, xds, admin, infra, controller or cli, and does no I/O", () => {
    const offenders: string[] = [];
    for (const file of sources("src/translator")) {
      for (const spec of importsOf(file)) {
        if (/\/(watch|xds|admin|infra|controller|cli|observability)\//.test(spec) || /^(node:)?(fs|net|http|https|child_process|dgram)/.test(spec)) {
          offenders.push(`${file} imports ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it("no `any` in the translator or xds", () => {
    const offenders = [...sources("src/translator"), ...sources("src/xds")].filter((f) => /(:\s*any\b|as any\b|<any>)/.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});
