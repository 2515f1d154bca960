// A reader for the plain block YAML that manifests are almost always written
// in (what kubectl and `yaml.stringify` print): `key: value` mappings, `- `
// sequences, plain, single- and double-quoted one-line scalars, `[]`, `{}` and
// full-line comments. It is about twenty times faster than the yaml library's
// parser, which builds a concrete syntax tree and a node per value. For
// anything else (anchors, tags, block or multi-line scalars, flow collections,
// trailing comments, duplicate keys, numbers in forms other than plain
// decimals, ...) it gives up on the document, and the caller reads the file
// with the yaml library instead; so a value it returns is always the one the
// yaml library (YAML 1.2, core schema) reads. test/watch/file/yaml-fast.test.ts
// checks that against the library on generated documents.

/** One document of a stream, by its lines. */
export interface FastDocument {
  /** Offset of the document's first line (after its `---`) in the text. */
  start: number;
  /** Offset just past its last line. */
  end: number;
  /** 1-based line of `start`. */
  startLine: number;
  /** 1-based line of its first node (its first key), or of its start when it is empty. */
  line: number;
  /** The document's value; null for an empty one. */
  value: unknown;
}

/** Why a document is not for this reader: the yaml library reads it. */
class GiveUp extends Error {}

/**
 * Whether the text may be read document by document here at all (no directives, CR line ends, BOM or
 * `...`, and none of U+0085, U+2028, U+2029, which YAML or the reader's regular expressions may take for line ends).
 */
export function fastReadable(text: string): boolean {
  return !/[\r\u0085\u2028\u2029]/.test(text) && !text.startsWith("\ufeff") && !/^(?:%|\.\.\.)/m.test(text);
}

/**
 * The documents of `text`, one at a time; undefined in place of a document
 * this reader does not read (then none of the file's should be trusted to
 * match the library's errors: the caller reads the whole file with the library).
 */
export function* fastDocuments(text: string): Generator<FastDocument | undefined> {
  let pos = 0;
  let line = 1;
  for (;;) {
    const marker = findMarker(text, pos);
    const end = marker < 0 ? text.length : marker;
    yield readDocument(text, pos, end, line);
    if (marker < 0) return;
    const eol = text.indexOf("\n", marker);
    // `--- content`: a document that starts on its marker line; the library reads it.
    if (text.slice(marker + 3, eol < 0 ? text.length : eol).trim() !== "") {
      yield undefined;
      return;
    }
    if (eol < 0) return;
    line += countLines(text, pos, marker) + 1;
    pos = eol + 1;
  }
}

/** Offset of the next line (from the line start `from` on) that is a document marker: `---` then nothing or a space. */
function findMarker(text: string, from: number): number {
  for (let s = from; s < text.length; ) {
    if (text.startsWith("---", s)) {
      const next = text.charCodeAt(s + 3);
      if (Number.isNaN(next) || next === 10 || next === 32 || next === 9) return s;
    }
    const nl = text.indexOf("\n", s);
    if (nl < 0) return -1;
    s = nl + 1;
  }
  return -1;
}

function countLines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function readDocument(text: string, start: number, end: number, firstLine: number): FastDocument | undefined {
  const body = text.slice(start, end);
  const raw = body.split("\n");
  if (raw.length > 0 && raw[raw.length - 1] === "") raw.pop();
  const indents: number[] = [];
  const contents: string[] = [];
  const lineNos: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i]!;
    let ind = 0;
    while (l.charCodeAt(ind) === 32) ind++;
    if (ind === l.length) continue; // blank
    const c = l.charCodeAt(ind);
    if (c === 35) continue; // a comment line
    if (c === 9 || l.includes("\t")) return undefined;
    indents.push(ind);
    contents.push(l.slice(ind).trimEnd());
    lineNos.push(firstLine + i);
  }
  if (contents.length === 0) return { start, end, startLine: firstLine, line: firstLine, value: null };
  try {
    const r = new BlockReader(indents, contents);
    const value = r.root();
    return { start, end, startLine: firstLine, line: lineNos[0]!, value };
  } catch (err) {
    if (err instanceof GiveUp) return undefined;
    throw err;
  }
}

const KEY = /^([A-Za-z_][A-Za-z0-9_./-]*):(?: +(.*))?$/;
/** Plain scalars the core schema reads as something else than a string: bool, null, and every number form. */
const NOT_STRING = /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|[-+]?[0-9].*|[-+]?\.[0-9].*|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|0o.*|0x.*)$/;
const DECIMAL = /^-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?$/;
/** Characters that may not start a plain scalar (YAML c-indicator), except `-`, `?` and `:` before a non-space. */
const INDICATOR = /^(?:[,[\]{}#&*!|>'"%@`]|[-?:](?: |$))/;

class BlockReader {
  private i = 0;
  private readonly indents: number[];
  private readonly contents: string[];
  constructor(indents: number[], contents: string[]) {
    this.indents = indents;
    this.contents = contents;
  }

  root(): unknown {
    const c = this.contents[0]!;
    if (!isSeqLine(c) && !KEY.test(c)) throw new GiveUp(); // a scalar document: the library explains what is wrong with it
    const v = this.block(this.indents[0]!);
    if (this.i < this.contents.length) throw new GiveUp();
    return v;
  }

  private block(ind: number): unknown {
    return isSeqLine(this.contents[this.i]!) ? this.seq(ind) : this.map(ind);
  }

  private map(ind: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const { indents, contents } = this;
    while (this.i < contents.length) {
      const li = indents[this.i]!;
      if (li < ind) break;
      if (li > ind) throw new GiveUp();
      const m = KEY.exec(contents[this.i]!);
      if (!m) throw new GiveUp();
      const key = m[1]!;
      if (Object.hasOwn(obj, key) || key === "__proto__" || NOT_STRING.test(key)) throw new GiveUp();
      this.i++;
      obj[key] = m[2] !== undefined ? scalar(m[2]) : this.child(ind, true);
    }
    return obj;
  }

  private seq(ind: number): unknown[] {
    const arr: unknown[] = [];
    const { indents, contents } = this;
    while (this.i < contents.length) {
      const li = indents[this.i]!;
      if (li < ind) break;
      if (li > ind) throw new GiveUp();
      const c = contents[this.i]!;
      if (!isSeqLine(c)) break; // the next key of the mapping this sequence is a value of
      if (c === "-") {
        this.i++;
        arr.push(this.child(ind, false));
        continue;
      }
      let sp = 1;
      while (c.charCodeAt(sp) === 32) sp++;
      const rest = c.slice(sp);
      if (isSeqLine(rest)) throw new GiveUp(); // `- - x`
      if (KEY.test(rest)) {
        // `- key: value`: a mapping whose keys line up under the first.
        indents[this.i] = ind + sp;
        contents[this.i] = rest;
        arr.push(this.map(ind + sp));
      } else {
        arr.push(scalar(rest));
        this.i++;
      }
    }
    return arr;
  }

  /** The value of `key:` or `-` with nothing after it: the more indented block below, a sequence at the key's own indent, or null. */
  private child(ind: number, sameIndentSeq: boolean): unknown {
    if (this.i >= this.contents.length) return null;
    const li = this.indents[this.i]!;
    if (li > ind) return this.block(li);
    if (li === ind && sameIndentSeq && isSeqLine(this.contents[this.i]!)) return this.seq(li);
    return null;
  }
}

function isSeqLine(c: string): boolean {
  return c.charCodeAt(0) === 45 && (c.length === 1 || c.charCodeAt(1) === 32);
}

const DOUBLE = /^"(?:[^"\\]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"$/;
const SINGLE = /^'(?:[^']|'')*'$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

function scalar(s: string): unknown {
  const c = s.charCodeAt(0);
  if (c === 34) {
    // JSON's escapes are a subset of YAML's double-quoted ones and mean the same.
    if (!DOUBLE.test(s) || CONTROL.test(s)) throw new GiveUp();
    return JSON.parse(s) as string;
  }
  if (c === 39) {
    if (!SINGLE.test(s) || CONTROL.test(s)) throw new GiveUp();
    return s.slice(1, -1).replaceAll("''", "'");
  }
  if (s === "[]") return [];
  if (s === "{}") return {};
  if (INDICATOR.test(s) || s.includes(": ") || s.includes(" #") || s.endsWith(":") || CONTROL.test(s)) throw new GiveUp();
  if (NOT_STRING.test(s)) {
    if (DECIMAL.test(s)) return Number(s);
    switch (s) {
      case "true":
      case "True":
      case "TRUE":
        return true;
      case "false":
      case "False":
      case "FALSE":
        return false;
      case "~":
      case "null":
      case "Null":
      case "NULL":
        return null;
    }
    // A number-like string ("10.0.0.1", "5s") is a string unless a number form matches it exactly.
    if (/^[-+]?(?:[0-9]+|\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?$|^0o|^0x|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/.test(s)) throw new GiveUp();
    return s;
  }
  return s;
}
