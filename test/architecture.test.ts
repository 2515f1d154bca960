// The import rules of docs/architecture.md, checked: the folder table as the
// page writes it, no import cycles (type-only ones included), and a pure
// translator.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeCycle, importCycles, importGraph, scanImports, sourceFiles, type Edge } from "./helpers/import-graph.ts";

const SRC = "src";
const graph = importGraph(SRC);

/** The folder under src/ a file belongs to. */
const folderOf = (file: string): string => file.split("/")[1] ?? "";

interface Rule {
  runtime: Set<string>;
  /** Folders that may be imported with `import type` only. */
  types: Set<string>;
}

/** The "may import" column of the folder table in docs/architecture.md, by folder. */
function tableRules(): Map<string, Rule> {
  const doc = readFileSync("docs/architecture.md", "utf8");
  const header = "| folder | what it is | may import |";
  const start = doc.indexOf(header);
  const end = doc.indexOf("\n\n", start);
  const table = start < 0 ? "" : doc.slice(start, end < 0 ? undefined : end);
  const rows = [...table.matchAll(/^\| src\/(\w+) \|[^|]*\| ([^|]+) \|$/gm)];
  const folders = rows.map((r) => r[1]!);
  const rules = new Map<string, Rule>();
  for (const [, folder, cell] of rows) {
    const rule: Rule = { runtime: new Set(), types: new Set() };
    const text = cell!.trim();
    const except = /^everything(?: except (.+))?$/.exec(text);
    if (except) {
      const left = new Set((except[1] ?? "").split(",").map((s) => s.trim()));
      for (const f of folders) if (!left.has(f)) rule.runtime.add(f);
    } else if (text !== "—") {
      for (const part of text.split(",").map((s) => s.trim())) {
        const typesOnly = /^(\w+) \(types\)$/.exec(part);
        if (typesOnly) rule.types.add(typesOnly[1]!);
        else rule.runtime.add(part);
      }
    }
    rules.set(folder!, rule);
  }
  return rules;
}

function breaks(e: Edge, rules: Map<string, Rule>): boolean {
  const from = folderOf(e.from);
  const to = folderOf(e.to);
  if (from === to) return false;
  const rule = rules.get(from);
  return !rule || !(rule.runtime.has(to) || (e.typeOnly && rule.types.has(to)));
}

describe("architecture", () => {
  it("reads a rule for every folder of src/ from the table", () => {
    const rules = tableRules();
    const folders = [...new Set(sourceFiles(SRC).map(folderOf))].sort();
    expect(folders.filter((f) => !rules.has(f))).toEqual([]);
    // The rows that matter most, so a table the regex cannot read fails here rather than passing empty.
    expect([...rules.get("translator")!.runtime].sort()).toEqual(["api", "gen"]);
    expect([...rules.get("infra")!.types]).toEqual(["watch"]);
    expect(rules.get("cli")!.runtime.has("controller")).toBe(true);
    expect(rules.get("controller")!.runtime.has("cli")).toBe(false);
    for (const leaf of ["gen", "observability", "util"]) expect([...rules.get(leaf)!.runtime, ...rules.get(leaf)!.types]).toEqual([]);
  });

  it("every import between folders of src/ is allowed by the table", () => {
    const rules = tableRules();
    const offenders = graph.filter((e) => breaks(e, rules)).map((e) => `${e.from}:${e.line} imports ${e.spec}${e.typeOnly ? " (type)" : ""}`);
    expect(offenders).toEqual([]);
  });

  it("a type import across folders counts for the table only when the row says (types)", () => {
    const rules = tableRules();
    const edge = (typeOnly: boolean): Edge => ({ from: "src/infra/a.ts", to: "src/watch/b.ts", spec: "../watch/b.ts", typeOnly, line: 1 });
    expect(breaks(edge(true), rules)).toBe(false);
    expect(breaks(edge(false), rules)).toBe(true);
  });

  it("no import cycles in src/, type-only imports included", () => {
    expect(importCycles(graph).map(describeCycle)).toEqual([]);
  });

  it("inside the translator, resolve/ and envoy/ meet only in ir.ts and names.ts", () => {
    const offenders = graph
      .filter((e) => /^src\/translator\/(resolve|envoy)\//.test(e.from))
      .filter((e) => e.from.split("/")[2] !== e.to.split("/")[2] && /^src\/translator\/(resolve|envoy)\//.test(e.to))
      .map((e) => `${e.from}:${e.line} imports ${e.spec}`);
    expect(offenders).toEqual([]);
  });

  it("the translator does no I/O", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles("src/translator")) {
      for (const ref of scanImports(readFileSync(file, "utf8"))) {
        if (/^(node:)?(fs|net|http|https|http2|child_process|dgram|worker_threads)(\/|$)/.test(ref.spec)) offenders.push(`${file} imports ${ref.spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("no `any` in the translator or xds", () => {
    const offenders = [...sourceFiles("src/translator"), ...sourceFiles("src/xds")].filter((f) => /(:\s*any\b|as any\b|<any>)/.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});

describe("the import-graph walk", () => {
  it("finds every form of import and nothing in strings, comments or regexes", () => {
    const src = [
      `import { a,`,
      `  b } from "./multi.ts";`,
      `import type { T } from "./type.ts";`,
      `import "./side-effect.ts";`,
      `export * from "./star.ts";`,
      `export { c } from "./named.ts";`,
      `export type { U } from "./type-export.ts";`,
      `let x: import("./inline.ts").V;`,
      `const m = await import("./dynamic.ts");`,
      `// import { no } from "./comment.ts";`,
      `/* export * from "./block.ts"; */`,
      `const s = 'import { no } from "./string.ts"';`,
      "const t = `${x} import(\"./template.ts\")`;",
      `const r = /import("\\.\\/regex.ts")/;`,
      `export const y = import.meta.dirname;`,
    ].join("\n");
    expect(scanImports(src)).toEqual([
      { spec: "./multi.ts", typeOnly: false, line: 1 },
      { spec: "./type.ts", typeOnly: true, line: 3 },
      { spec: "./side-effect.ts", typeOnly: false, line: 4 },
      { spec: "./star.ts", typeOnly: false, line: 5 },
      { spec: "./named.ts", typeOnly: false, line: 6 },
      { spec: "./type-export.ts", typeOnly: true, line: 7 },
      { spec: "./inline.ts", typeOnly: true, line: 8 },
      { spec: "./dynamic.ts", typeOnly: false, line: 9 },
    ]);
  });

  it("reports a cycle closed by a type-only edge, once per component", () => {
    const e = (from: string, to: string, typeOnly = false): Edge => ({ from, to, spec: to, typeOnly, line: 1 });
    const cycles = importCycles([e("a", "b"), e("b", "c"), e("c", "a", true), e("c", "d"), e("d", "d")]);
    expect(cycles.map((c) => c.files)).toEqual([["a", "b", "c"], ["d"]]);
    expect(cycles[0]!.path.map((x) => x.to)).toEqual(["b", "c", "a"]);
    expect(describeCycle(cycles[0]!)).toBe("a:1 -> b:1 -> c:1 -type-> a (3 files: a, b, c)");
  });
});
