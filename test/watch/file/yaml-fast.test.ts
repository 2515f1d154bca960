// The fast block-YAML reader: whatever it reads, it reads as the yaml library
// does; what it does not read, it leaves to the library (undefined); and
// loadYaml reports the same objects, errors and lines whichever reader read a
// file.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { loadYaml } from "../../../src/watch/file/load.ts";
import { SchemaValidator } from "../../../src/watch/file/schemas.ts";
import { fastDocuments, fastReadable } from "../../../src/watch/file/yaml-fast.ts";

/** The library's values of a stream's non-empty documents. */
const library = (text: string) =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((v) => v !== null && v !== undefined);

/** The fast reader's, or undefined when it leaves the text to the library. */
function fast(text: string): unknown[] | undefined {
  if (!fastReadable(text)) return undefined;
  const docs = [...fastDocuments(text)];
  if (docs.includes(undefined)) return undefined;
  return docs.map((d) => d!.value).filter((v) => v !== null);
}

// Scalars near every edge of YAML's plain, quoted and number forms.
const tricky = fc.constantFrom(
  "", " ", "a b", "a  b", "a: b", "a:b", "a #b", "a#b", "#a", "- a", "-a", "-", "? a", "?a", ":a", "a:", "'", "''", '"', 'a"b', "\\", "\\n",
  "true", "True", "TRUE", "tRue", "false", "null", "Null", "~", "yes", "no", "on", "y", "0", "-0", "007", "1.5", "1.50", ".5", "5.", "1e3", "1E-3",
  "+1", "0x1F", "0o17", ".inf", "-.Inf", ".nan", "10.0.0.1", "5s", "1_000", "12345678901234567890", "http://x/y?z=1", "[a]", "{a}", "a,b", "[]", "{}",
  "*a", "&a", "!a", "|", ">", "%a", "@a", "`a", "é", "a\tb", "a\u0085b", "\u2028",
);
const scalar = fc.oneof(tricky, fc.string({ maxLength: 8 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null));
const key = fc.oneof(fc.constantFrom("name", "kubernetes.io/name", "x-y_z", "true", "null", "1", "a b", "a:", "__proto__", "-a", "#", ""), fc.string({ maxLength: 6 }));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, scalar, fc.array(tie("node"), { maxLength: 4 }), fc.dictionary(key, tie("node"), { maxKeys: 4 })),
})).node;

describe("fastDocuments", () => {
  it("leaves a text with a Unicode line or paragraph separator to the library (found by the property below)", () => {
    const text = stringify([["\u2028"]], { indentSeq: false, lineWidth: 0 });
    expect(fastReadable(text)).toBe(false);
    expect(fastReadable(stringify({ a: "x\u2029y" }))).toBe(false);
    expect(fastReadable(stringify({ a: "plain" }))).toBe(true);
  });

  it("reads any stream the yaml library writes as the library reads it, or leaves it to the library", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 3 }), fc.boolean(), (docs, indentSeq) => {
        const text = docs.map((d) => stringify(d, { indentSeq, lineWidth: 0 })).join("---\n");
        const got = fast(text);
        if (got !== undefined) expect(got).toEqual(library(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("reads hand-written block YAML with comments, quotes and sequences at their key's indent", () => {
    const text = [
      "# leading comment",
      "---",
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: 'it''s'",
      "  labels:",
      '    "a": b',
      "data:",
      "  list:",
      "  - one",
      "  -   two: 2",
      "      three: 3.25",
      "  -",
      "    nested: [] ",
      "  empty:",
      '  q: "tab\\tnew\\nline \\u00e9"',
      "...",
    ];
    // `...` and a quoted key are not read here; without them it is.
    expect(fast(text.join("\n"))).toBeUndefined();
    const plain = text.filter((l) => l !== "..." && !l.includes('"a"')).join("\n");
    expect(fast(plain)).toEqual(library(plain));
    expect(fast(plain)).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "it's", labels: null }, data: { list: ["one", { two: 2, three: 3.25 }, { nested: [] }], empty: null, q: "tab\tnew\nline é" } },
    ]);
  });

  it("names each document's first line", () => {
    const text = "---\n# c\n\na: 1\n---\n---\n\n  b: 2\n";
    const docs = [...fastDocuments(text)].filter((d) => d?.value !== null);
    expect(docs.map((d) => [d?.line, d?.value])).toEqual([
      [4, { a: 1 }],
      [8, { b: 2 }],
    ]);
  });

  it("leaves what it does not read to the library", () => {
    for (const t of ["a: &x 1\nb: *x", "a: !!str 1", "a: |\n  x", "a: {b: 1}", "a: 1 # c", "a: 1\na: 2", "a:\n  b\n  c", "--- a: 1", "a: 1e3", "\ufeffa: 1", "a: 1\r\n", "%YAML 1.2\n---\na: 1"]) {
      expect(fast(t), t).toBeUndefined();
    }
  });
});

describe("loadYaml, whichever reader reads the file", () => {
  let validator: SchemaValidator;
  beforeAll(() => {
    validator = new SchemaValidator();
  });

  const manifests = [
    "apiVersion: gateway.networking.k8s.io/v1",
    "kind: HTTPRoute",
    "metadata:",
    "  name: bad",
    "spec:",
    "  parentRefs:",
    "    - name: eg",
    "  rules:",
    "    - matches:",
    "        - path:",
    "            type: Prefix",
    "            value: /",
    "      backendRef: []",
    "---",
    "apiVersion: v1",
    "kind: List",
    "items:",
    "  - apiVersion: v1",
    "    kind: Namespace",
    "    metadata:",
    "      name: 7",
    "  - apiVersion: v1",
    "    kind: Namespace",
    "    metadata:",
    "      name: ok",
    "---",
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    "  name: web",
    "---",
    "- not an object",
    "---",
    "apiVersion: gateway.networking.k8s.io/v1",
    "kind: Gateway",
    "metadata:",
    "  name: g",
    "spec:",
    "  gatewayClassName: sw",
    "  listeners:",
    "    - name: http",
    "      port: 80",
    "      protocol: HTTP",
    "    - name: http",
    "      port: 81",
    "      protocol: HTTP",
  ].join("\n");

  it("reports the same objects, errors and lines", () => {
    // A trailing comment is not for the fast reader: the whole file then goes to the library.
    const forced = manifests.replace("kind: HTTPRoute", "kind: HTTPRoute # read by the library");
    expect(fast(manifests)).toBeDefined();
    expect(fast(forced)).toBeUndefined();
    const a = loadYaml("m.yaml", manifests, validator);
    const b = loadYaml("m.yaml", forced, validator);
    expect(a).toEqual(b);
    expect(a.errors.map((e) => [e.line, e.field ?? e.message])).toEqual([
      [11, "spec.rules[0].matches[0].path.type"],
      [13, "spec.rules[0].backendRef"],
      [21, "metadata.name"],
      [32, "a document must be a Kubernetes object (a YAML mapping)"],
      [40, "spec.listeners"],
      [44, "spec.listeners[1]"],
    ]);
    expect(a.objects.map((o) => [o.object.metadata.name, o.line])).toEqual([["ok", 22]]);
    expect(a.warnings.map((w) => w.line)).toEqual([27]);
  });
});
