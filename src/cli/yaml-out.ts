// A YAML writer for JSON data (what `translate` prints): block style, two
// spaces, strings plain where YAML reads them back as the same string and
// JSON-quoted otherwise (JSON strings are YAML double-quoted scalars). About
// ten times faster than building a yaml Document for tens of megabytes of
// output; test/cli/yaml-out.test.ts checks that the yaml library reads back
// exactly the value written.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Plain scalars that YAML would read as something other than this string. */
const RESERVED = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|<<)$/;
/** A conservative plain scalar: no indicator first, no `: ` or ` #`, no edge spaces. */
const PLAIN = /^[A-Za-z_/$][A-Za-z0-9_./$@()+=-]*(?:[ ][A-Za-z0-9_./$@()+=-]+)*$/;
/** Characters YAML does not allow unescaped, which JSON.stringify leaves alone. */
const UNPRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function scalar(s: string): string {
  if (PLAIN.test(s) && !RESERVED.test(s) && !/^[0-9.+-]/.test(s)) return s;
  return JSON.stringify(s).replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function leaf(v: Json | undefined): string | undefined {
  // undefined only reaches here inside an array, where JSON writes null too.
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "null";
  if (typeof v === "string") return scalar(v);
  if (Array.isArray(v)) return v.length === 0 ? "[]" : undefined;
  return Object.keys(v).length === 0 ? "{}" : undefined;
}

/** `value` as a YAML document. */
export function toYaml(value: unknown): string {
  const out: string[] = [];
  write(value as Json, "", out);
  return out.join("");
}

/** Writes a collection's lines at `indent`; a leaf is written on its own line. */
function write(v: Json, indent: string, out: string[]): void {
  const l = leaf(v);
  if (l !== undefined) {
    out.push(indent, l, "\n");
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v) {
      const il = leaf(item);
      if (il !== undefined) out.push(indent, "- ", il, "\n");
      else if (Array.isArray(item)) {
        out.push(indent, "-\n");
        write(item, indent + "  ", out);
      } else {
        // `- ` then the mapping's first key on the same line, the rest aligned under it.
        const inner: string[] = [];
        write(item, indent + "  ", inner);
        out.push(indent, "- ", inner.join("").slice(indent.length + 2));
      }
    }
    return;
  }
  for (const [k, child] of Object.entries(v as { [k: string]: Json | undefined })) {
    if (child === undefined) continue;
    const cl = leaf(child);
    if (cl !== undefined) out.push(indent, scalar(k), ": ", cl, "\n");
    else {
      out.push(indent, scalar(k), ":\n");
      write(child, indent + "  ", out);
    }
  }
}
