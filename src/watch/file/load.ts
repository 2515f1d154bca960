// Reads one YAML file into validated objects, or into errors that name the
// file, the object and the field.
import { parseAllDocuments } from "yaml";
import { CLUSTER_SCOPED, isKind } from "../../api/resource-set.ts";
import type { K8sObject } from "../../api/meta.ts";
import type { SchemaValidator } from "./schemas.ts";

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

export interface LoadedFile {
  objects: K8sObject[];
  errors: FileError[];
}

export function loadYaml(file: string, text: string, validator: SchemaValidator): LoadedFile {
  const objects: K8sObject[] = [];
  const errors: FileError[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split("\n").length;
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      errors.push({ file, line: lineOf(err.pos[0]), message: `YAML: ${err.message.split("\n")[0]}` });
      continue;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue; // empty document
    const line = lineOf(doc.range[0]);
    if (typeof value !== "object" || Array.isArray(value)) {
      errors.push({ file, line, message: "a document must be a Kubernetes object (a YAML mapping)" });
      continue;
    }
    const obj = value as Record<string, unknown>;
    if (obj.kind === "List" && Array.isArray(obj.items)) {
      for (const item of obj.items) accept(item as Record<string, unknown>, line);
      continue;
    }
    accept(obj, line);
  }
  return { objects, errors };

  function accept(obj: Record<string, unknown>, line: number) {
    const meta = (obj.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    const kind = typeof obj.kind === "string" ? obj.kind : "<no kind>";
    const label = `${kind} ${typeof meta.namespace === "string" ? `${meta.namespace}/` : ""}${typeof meta.name === "string" ? meta.name : "<no name>"}`;
    const err = validator.validate(obj);
    if (err) {
      errors.push({ file, line, object: label, field: err.field, message: err.message });
      return;
    }
    const typed = obj as unknown as K8sObject;
    if (!isKind(typed.kind)) return;
    if (!CLUSTER_SCOPED.has(typed.kind)) typed.metadata.namespace ??= "default";
    else delete typed.metadata.namespace;
    typed.metadata.generation ??= 1;
    objects.push(typed);
  }
}
