// The direct CEL evaluator: on every rule of every shipped CRD set and values
// shaped by the rule's own schema node (with wrong types, nulls and missing
// fields mixed in), it answers as @bufbuild/cel does, or leaves the answer to it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { compileFast } from "../../../src/watch/file/cel-fast.ts";
import { celAccepts, schemaRules } from "../../../src/watch/file/crd-rules.ts";
import { shippedCrdDirs } from "../../../src/watch/file/schemas.ts";

type Json = Record<string, unknown>;

const WORDS = ["", "/", "a", "a.b", "//", "/a/../b", "/a/./b", "/..", "/.", "%2f", "%2F", "#", "*", "a\r", "😀", "0s", "1s", "10s", "Service", "XBackend", "gateway.networking.x-k8s.io", "GRPC", "HTTP"];

function rulesOf(dir: string): { rule: string; node: Json }[] {
  const out: { rule: string; node: Json }[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), "utf8"))) {
      const crd = doc.toJS() as { kind?: string; spec?: { versions?: { schema?: { openAPIV3Schema?: Json } }[] } } | null;
      if (crd?.kind !== "CustomResourceDefinition") continue;
      for (const v of crd.spec?.versions ?? []) if (v.schema?.openAPIV3Schema) out.push(...schemaRules(v.schema.openAPIV3Schema));
    }
  }
  return out;
}

/** Values a schema node describes, mostly well-formed; every string the schema's enums and the rules' literals name. */
function valueOf(node: Json | undefined, words: string[], depth = 0): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 3 }), fc.constantFrom(...words), fc.boolean());
  if (!node || depth > 5) return wrong;
  let right: fc.Arbitrary<unknown>;
  const enums = Array.isArray(node.enum) ? (node.enum as unknown[]) : [];
  switch (node.type) {
    case "object": {
      const props = (node.properties ?? {}) as Record<string, Json>;
      const keys = Object.keys(props);
      if (keys.length > 0) right = fc.record(Object.fromEntries(keys.map((k) => [k, valueOf(props[k], words, depth + 1)])), { requiredKeys: [] });
      else right = fc.dictionary(fc.constantFrom("a", "b"), valueOf(node.additionalProperties as Json | undefined, words, depth + 1), { maxKeys: 2 });
      break;
    }
    case "array":
      right = fc.array(valueOf(node.items as Json | undefined, words, depth + 1), { maxLength: 3 });
      break;
    case "string":
      right = fc.constantFrom(...enums, ...words);
      break;
    case "integer":
      right = fc.integer({ min: -1, max: 101 });
      break;
    case "boolean":
      right = fc.boolean();
      break;
    default:
      right = wrong;
  }
  return fc.oneof({ weight: 9, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

describe("compileFast", () => {
  const rules = [...new Map(shippedCrdDirs().flatMap(rulesOf).map((r) => [`${r.rule}\0${JSON.stringify(r.node)}`, r])).values()];

  it("answers as @bufbuild/cel does on every shipped rule, or defers to it", () => {
    let answered = 0;
    let compiled = 0;
    for (const { rule, node } of rules) {
      const fast = compileFast(rule);
      if (!fast) continue;
      compiled++;
      const words = [...WORDS, ...[...rule.matchAll(/'([^']*)'/g)].map((m) => m[1]!)];
      fc.assert(
        fc.property(valueOf(node, words), (value) => {
          const got = fast(value);
          if (got === undefined) return;
          answered++;
          expect(got, `${rule} on ${JSON.stringify(value)}`).toBe(celAccepts(rule, node, value));
        }),
        { numRuns: 150 },
      );
    }
    // Most rules are plain enough to be answered here, and are, on most values.
    expect(compiled).toBeGreaterThan(rules.length * 0.7);
    expect(answered).toBeGreaterThan(compiled * 150 * 0.3);
  });

  it("leaves to CEL what it cannot answer without doubt", () => {
    expect(compileFast("duration(self) > duration('1s')")).toBeUndefined();
    expect(compileFast("self.matches('^a')")?.("a")).toBe(true);
    expect(compileFast("self.matches('(?i)^a')")?.("A")).toBeUndefined();
    expect(compileFast("self.x == 1")?.({ x: 1 })).toBeUndefined(); // an int or a double: the schema says
    expect(compileFast("has(self.x) && self.x == 'a'")?.({})).toBe(false);
    expect(compileFast("self.x == 'a' && has(self.x)")?.({})).toBeUndefined(); // a CEL error first
  });
});
