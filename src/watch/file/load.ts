// Reads one YAML file into validated objects, or into errors that name the
// file, the line, the object and the field.
import { setImmediate as nextTurn } from "node:timers/promises";
import { Composer, LineCounter, Parser, parseDocument } from "yaml";
import { CLUSTER_SCOPED, isKind } from "../../api/resource-set.ts";
import type { K8sObject } from "../../api/meta.ts";
import type { SchemaValidator } from "./schemas.ts";
import { fastDocuments, fastReadable, type FastDocument } from "./yaml-fast.ts";
import { offsetOf } from "./yaml-position.ts";

export interface FileError {
  file: string;
  /** `Kind namespace/name`, when the error concerns one object. */
  object?: string;
  field?: string;
  line?: number;
  message: string;
}

export function formatFileError(e: FileError): string {
  const where = e.line ? `${e.file}:${e.line}` : e.file;
  const parts = [where, e.object, e.field].filter(Boolean);
  return `${parts.join(": ")}: ${e.message}`;
}

/** An accepted object and the line it starts on. */
export interface LocatedObject {
  object: K8sObject;
  line: number;
}

export interface LoadedFile {
  objects: LocatedObject[];
  errors: FileError[];
  /** Objects skipped on purpose (other tools' kinds). */
  warnings: FileError[];
}

/** Schema errors listed per object; the rest are counted. */
export const MAX_ERRORS_PER_OBJECT = 10;

export function loadYaml(file: string, text: string, validator: SchemaValidator): LoadedFile {
  const out: LoadedFile = { objects: [], errors: [], warnings: [] };
  for (const _ of loadSteps(file, text, validator, out));
  return out;
}

/**
 * loadYaml in slices of about `sliceMs` of work, yielding to the event loop
 * between them: a file of thousands of documents then never keeps health
 * checks and xDS streams waiting (the file source reads with this).
 */
export async function loadYamlSliced(file: string, text: string, validator: SchemaValidator, sliceMs = 10): Promise<LoadedFile> {
  const out: LoadedFile = { objects: [], errors: [], warnings: [] };
  let sliceStart = performance.now();
  for (const _ of loadSteps(file, text, validator, out)) {
    if (performance.now() - sliceStart < sliceMs) continue;
    await nextTurn();
    sliceStart = performance.now();
  }
  return out;
}

/** Parses `text` one document at a time into `out`, yielding after each document. */
function* loadSteps(file: string, text: string, validator: SchemaValidator, out: LoadedFile): Generator<void> {
  if (fastReadable(text)) {
    // Plain block YAML is read without the yaml library; the library reads a document again only to
    // find the line of a field with an error. Any document the fast reader does not read sends the
    // whole file to the library, so what is reported never depends on which reader read it.
    const fast: LoadedFile = { objects: [], errors: [], warnings: [] };
    let read = true;
    for (const doc of fastDocuments(text)) {
      yield;
      if (!doc) {
        read = false;
        break;
      }
      if (doc.value === null) continue;
      acceptDocument(file, doc.value, doc.line, fastLocator(text, doc), validator, fast);
    }
    if (read) {
      out.objects.push(...fast.objects);
      out.errors.push(...fast.errors);
      out.warnings.push(...fast.warnings);
      return;
    }
  }
  // One pass over the text records every line start; each lookup is then a binary search.
  const lines = new LineCounter();
  const lineOf = (offset: number) => lines.linePos(offset).line;
  // parseAllDocuments, a document at a time: the parser yields each document's tokens as it completes.
  const composer = new Composer();
  const parser = new Parser(lines.addNewLine);
  const documents = function* () {
    for (const token of parser.parse(text)) yield* composer.next(token);
    yield* composer.end();
  };
  for (const doc of documents()) {
    yield;
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      out.errors.push({ file, line: lineOf(err.pos[0]), message: `YAML: ${err.message.split("\n")[0]}` });
      continue;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue; // empty document
    const start = doc.contents?.range[0] ?? doc.range[0];
    acceptDocument(file, value, lineOf(start), (path) => lineOf(offsetOf(doc, path) ?? start), validator, out);
  }
}

/** The line of the field at a path (keys and indexes) of a document. */
type Locator = (path: (string | number)[]) => number;

/** Lines in a document the fast reader read: its first line is known; others are found by parsing the document with the library, when an error needs one. */
function fastLocator(text: string, fd: FastDocument): Locator {
  let locate: Locator | undefined;
  return (path) => {
    if (path.length === 0) return fd.line;
    if (!locate) {
      const lines = new LineCounter();
      const doc = parseDocument(text.slice(fd.start, fd.end), { lineCounter: lines });
      const start = doc.contents?.range[0] ?? doc.range[0];
      locate = (p) => lines.linePos(offsetOf(doc, p) ?? start).line + fd.startLine - 1;
    }
    return locate(path);
  };
}

/** One document's value (starting at `line`): its object, or a List's items, validated into `out`. */
function acceptDocument(file: string, value: unknown, line: number, locate: Locator, validator: SchemaValidator, out: LoadedFile): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    out.errors.push({ file, line, message: "a document must be a Kubernetes object (a YAML mapping)" });
    return;
  }
  const obj = value as Record<string, unknown>;
  if (obj.kind === "List" && Array.isArray(obj.items)) {
    obj.items.forEach((item: unknown, i) => accept(file, item, (path) => locate(["items", i, ...path]), validator, out));
    return;
  }
  accept(file, obj, locate, validator, out);
}

function accept(file: string, value: unknown, lineAt: Locator, validator: SchemaValidator, out: LoadedFile): void {
  const { objects, errors, warnings } = out;
  const line = lineAt([]);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    errors.push({ file, line, message: "a List item must be a Kubernetes object (a YAML mapping)" });
    return;
  }
  const obj = value as Record<string, unknown>;
  const meta = (obj.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const kind = typeof obj.kind === "string" ? obj.kind : "<no kind>";
  const label = `${kind} ${typeof meta.namespace === "string" ? `${meta.namespace}/` : ""}${typeof meta.name === "string" ? meta.name : "<no name>"}`;
  if (typeof obj.apiVersion === "string" && typeof obj.kind === "string" && validator.isUnrelated(obj.apiVersion, obj.kind)) {
    warnings.push({ file, line, object: label, message: `${obj.apiVersion} ${obj.kind} is not a kind switchyard reads; skipped` });
    return;
  }
  const errs = validator.validate(obj);
  if (errs.length > 0) {
    // In the order they are written, so a long list reads top to bottom.
    const located = errs.map((e) => ({ ...e, line: lineAt(e.path) })).sort((a, b) => a.line - b.line);
    for (const e of located.slice(0, MAX_ERRORS_PER_OBJECT)) {
      errors.push({ file, line: e.line, object: label, field: e.field, message: e.message });
    }
    const more = errs.length - MAX_ERRORS_PER_OBJECT;
    if (more > 0) errors.push({ file, line, object: label, message: `and ${more} more error${more === 1 ? "" : "s"}` });
    return;
  }
  const typed = obj as unknown as K8sObject;
  if (!isKind(typed.kind)) {
    // A valid object of a kind with a schema but no translation (the experimental XBackend, XMesh, ...).
    warnings.push({ file, line, object: label, message: `${String(obj.apiVersion)} ${kind} is a Gateway API kind switchyard does not implement; skipped` });
    return;
  }
  if (!CLUSTER_SCOPED.has(typed.kind)) typed.metadata.namespace ??= "default";
  else delete typed.metadata.namespace;
  typed.metadata.generation ??= 1;
  objects.push({ object: typed, line });
}
