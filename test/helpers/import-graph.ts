// The import graph of a source tree, read without the compiler (TypeScript 7
// has no JS API): a small tokenizer that skips comments, strings and regex
// literals, so an `import` inside a string or a comment is not an edge.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

export interface ImportRef {
  spec: string;
  /** `import type` / `export type` or an `import("…")` type expression: erased at runtime. */
  typeOnly: boolean;
  line: number;
}

type Token = { kind: "word" | "punct" | "string"; text: string; line: number };

const REGEX_AFTER_WORDS = new Set(["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof", "yield", "await"]);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const braces: ("code" | "template")[] = [];
  let line = 1;
  let i = 0;
  const regexAllowed = (): boolean => {
    const prev = out[out.length - 1];
    if (!prev) return true;
    if (prev.kind === "string") return false;
    if (prev.kind === "word") return REGEX_AFTER_WORDS.has(prev.text);
    return !(prev.text === ")" || prev.text === "]" || prev.text === "}");
  };
  // Reads a template body from i (just past "`" or "}") to its end or to "${".
  const template = (): void => {
    const start = line;
    while (i < src.length && src[i] !== "`") {
      if (src[i] === "\\") i++;
      else if (src[i] === "$" && src[i + 1] === "{") {
        i += 2;
        braces.push("template");
        out.push({ kind: "punct", text: "${", line: start });
        return;
      }
      if (src[i] === "\n") line++;
      i++;
    }
    i++;
    out.push({ kind: "string", text: "`", line: start });
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === "\n") {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end < 0 ? src.length : end + 2;
      for (; i < stop; i++) if (src[i] === "\n") line++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = "";
      while (j < src.length && src[j] !== c && src[j] !== "\n") {
        if (src[j] === "\\") j++;
        else text += src[j];
        j++;
      }
      out.push({ kind: "string", text, line });
      i = j + 1;
    } else if (c === "`") {
      i++;
      template();
    } else if (c === "/" && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < src.length && src[j] !== "\n" && (inClass || src[j] !== "/")) {
        if (src[j] === "\\") j++;
        else if (src[j] === "[") inClass = true;
        else if (src[j] === "]") inClass = false;
        j++;
      }
      j++;
      while (j < src.length && /[a-z]/i.test(src[j]!)) j++;
      out.push({ kind: "string", text: "/regex/", line });
      i = j;
    } else if (/[\w$]/.test(c)) {
      let j = i;
      while (j < src.length && /[\w$]/.test(src[j]!)) j++;
      out.push({ kind: "word", text: src.slice(i, j), line });
      i = j;
    } else if (c === "{") {
      braces.push("code");
      out.push({ kind: "punct", text: c, line });
      i++;
    } else if (c === "}") {
      i++;
      if (braces.pop() === "template") template();
      else out.push({ kind: "punct", text: c, line });
    } else {
      out.push({ kind: "punct", text: c, line });
      i++;
    }
  }
  return out;
}

/** Every module specifier a TypeScript source names: static imports and re-exports, side-effect imports, `import("…")`. */
export function scanImports(src: string): ImportRef[] {
  const t = tokenize(src);
  const refs: ImportRef[] = [];
  const at = (k: number): Token | undefined => t[k];
  for (let k = 0; k < t.length; k++) {
    const tok = t[k]!;
    if (tok.kind !== "word" || (tok.text !== "import" && tok.text !== "export")) continue;
    if (at(k - 1)?.text === ".") continue; // import.meta, obj.import
    const next = at(k + 1);
    if (tok.text === "import" && next?.text === "(") {
      const spec = at(k + 2);
      if (spec?.kind !== "string" || at(k + 3)?.text !== ")") continue;
      // `await import(…)` and `import(…).then` load the module; elsewhere it is a type expression.
      const runtime = at(k - 1)?.text === "await" || (at(k + 4)?.text === "." && at(k + 5)?.text === "then");
      refs.push({ spec: spec.text, typeOnly: !runtime, line: tok.line });
      continue;
    }
    if (tok.text === "import" && next?.kind === "string") {
      refs.push({ spec: next.text, typeOnly: false, line: tok.line });
      continue;
    }
    if (tok.text === "export" && next?.text !== "{" && next?.text !== "*" && !(next?.text === "type" && (at(k + 2)?.text === "{" || at(k + 2)?.text === "*"))) continue;
    const typeOnly = next?.text === "type" && at(k + 2)?.text !== "from" && at(k + 2)?.text !== ",";
    // The clause holds only names, braces, commas, `*`, `as` and `type` up to `from "…"`.
    for (let j = k + 1; j < t.length; j++) {
      const w = t[j]!;
      if (w.text === "from" && t[j + 1]?.kind === "string") {
        refs.push({ spec: t[j + 1]!.text, typeOnly, line: tok.line });
        break;
      }
      if (w.kind === "string" || (w.kind === "punct" && !["{", "}", ",", "*"].includes(w.text))) break;
    }
  }
  return refs;
}

export interface Edge {
  from: string;
  to: string;
  spec: string;
  typeOnly: boolean;
  line: number;
}

/** Source files under `root` (.ts, .d.ts), as paths relative to `cwd`. */
export function sourceFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(root, f))
    .sort();
}

/** The file a relative specifier names: `./x.ts`, or `./x.js` standing for x.ts or x.d.ts. */
export function resolveSpecifier(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const target = normalize(join(dirname(from), spec));
  const candidates = target.endsWith(".js") ? [target.slice(0, -3) + ".ts", target.slice(0, -3) + ".d.ts"] : [target];
  return candidates.find((c) => existsSync(c));
}

/** Edges between files of `root`; specifiers that leave it (packages, node:) are not edges. */
export function importGraph(root: string): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(root)) {
    for (const ref of scanImports(readFileSync(file, "utf8"))) {
      const to = resolveSpecifier(file, ref.spec);
      if (to && !relative(root, to).startsWith("..")) edges.push({ from: file, to, ...ref });
    }
  }
  return edges;
}

export interface Cycle {
  /** Every file of the strongly connected component. */
  files: string[];
  /** The shortest path from the component's first file back to itself. */
  path: Edge[];
}

/** Every import cycle, one per strongly connected component (Tarjan). */
export function importCycles(edges: readonly Edge[]): Cycle[] {
  const out = new Map<string, Edge[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const e of out.get(v) ?? []) {
      if (!index.has(e.to)) {
        visit(e.to);
        low.set(v, Math.min(low.get(v)!, low.get(e.to)!));
      } else if (onStack.has(e.to)) low.set(v, Math.min(low.get(v)!, index.get(e.to)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      const selfLoop = (out.get(v) ?? []).some((e) => e.to === v);
      if (c.length > 1 || selfLoop) components.push(c.sort());
    }
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return components.sort((a, b) => (a[0]! < b[0]! ? -1 : 1)).map((files) => ({ files, path: shortestCycle(files[0]!, new Set(files), out) }));
}

function shortestCycle(start: string, inside: Set<string>, out: Map<string, Edge[]>): Edge[] {
  const via = new Map<string, Edge>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    for (const e of out.get(queue[q]!) ?? []) {
      if (!inside.has(e.to)) continue;
      if (e.to === start) {
        const path = [e];
        for (let n = e.from; n !== start; n = via.get(n)!.from) path.unshift(via.get(n)!);
        return path;
      }
      if (!via.has(e.to)) {
        via.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  return [];
}

/** `a.ts:4 -> b.ts:9 -type-> a.ts (2 files)`: each hop names the importing line; `-type->` is an erased import. */
export function describeCycle(c: Cycle): string {
  const hops = c.path.map((e) => `${e.from}:${e.line} ${e.typeOnly ? "-type->" : "->"} `).join("");
  return `${hops}${c.path[0]?.from} (${c.files.length} files: ${c.files.join(", ")})`;
}
