// Validates objects the way the API server would before storing them: against
// the Gateway API CRDs' OpenAPI v3 schemas (shipped in src/api/crds), with their
// defaults applied, and unknown fields rejected as `kubectl apply` (strict field
// validation) does. CEL rules (x-kubernetes-validations) are not evaluated.
// The same apiVersion/kind has different shapes in different releases (v1.1's
// listener tls.frontendValidation is gone in v1.6), and a user's cluster runs
// one of them: an object is accepted when it is valid for any shipped release,
// newest first (whose defaults then apply). When none accepts it, the error is
// the one from the release that got furthest into the object.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";
import { CORE_SCHEMAS, OBJECT_META_SCHEMA } from "./core-schemas.ts";

const CRD_DIR = fileURLToPath(new URL("../../api/crds/", import.meta.url));
/** Newer releases first: tried in this order. */
const RELEASES = ["v1.6.1", "v1.1.0"];

interface CrdVersion {
  name: string;
  served?: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
}

export interface SchemaError {
  /** Dotted path of the offending field, e.g. `spec.rules[0].matches[0].path.type`. */
  field: string;
  message: string;
}

type Json = Record<string, unknown>;

/** Loads every CRD schema once; `validate` then checks objects by apiVersion + kind. */
export class SchemaValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: false, useDefaults: true, validateFormats: false });
  /** Per `group/version/kind`: the schema of each release that serves it, newest first. */
  private readonly raw = new Map<string, Json[]>();
  /** Core kinds: only partly described, so unknown fields there are not errors. */
  private readonly core = new Map<string, Json>();
  private readonly compiled = new Map<string, ValidateFunction[]>();

  constructor() {
    for (const release of RELEASES) {
      const dir = join(CRD_DIR, release);
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
        for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
          const crd = doc.toJS() as { spec?: { group?: string; names?: { kind?: string }; versions?: CrdVersion[] } };
          const group = crd.spec?.group;
          const kind = crd.spec?.names?.kind;
          for (const v of crd.spec?.versions ?? []) {
            const schema = v.schema?.openAPIV3Schema;
            const key = `${group}/${v.name}/${kind}`;
            if (!schema || v.served === false) continue;
            this.raw.set(key, [...(this.raw.get(key) ?? []), schema]);
          }
        }
      }
    }
    for (const [key, schema] of Object.entries(CORE_SCHEMAS)) this.core.set(key, schema as Json);
  }

  /** The apiVersion/kind pairs this validator knows. */
  knownTypes(): string[] {
    return [...this.raw.keys(), ...this.core.keys()].sort();
  }

  /**
   * Checks `obj` in place (defaults are filled in, as the API server does).
   * Returns the first error, or undefined when the object is valid.
   */
  validate(obj: Json): SchemaError | undefined {
    const apiVersion = obj.apiVersion;
    const kind = obj.kind;
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
      return { field: typeof apiVersion !== "string" ? "apiVersion" : "kind", message: "is required" };
    }
    const key = `${apiVersion}/${kind}`;
    const candidates = this.compile(key);
    if (!candidates) return { field: "apiVersion", message: `${key} is not a kind switchyard reads (known: see \`switchyard version --types\`)` };
    let best: SchemaError | undefined;
    for (const validate of candidates) {
      // Defaults are filled into a copy, so a release that refuses the object leaves no trace in it.
      const copy = candidates.length > 1 ? structuredClone(obj) : obj;
      if (validate(copy)) {
        if (copy !== obj) replaceContents(obj, copy);
        return undefined;
      }
      const err = describe(validate.errors?.[0]);
      if (!best || depth(err.field) > depth(best.field)) best = err;
    }
    return best;
  }

  private compile(key: string): ValidateFunction[] | undefined {
    let fns = this.compiled.get(key);
    if (fns) return fns;
    const crds = this.raw.get(key);
    const core = this.core.get(key);
    if (!crds && !core) return undefined;
    const schemas = crds ? crds.map((crd) => strictify(structuredClone(crd))) : [structuredClone(core!)];
    fns = schemas.map((schema) => {
      const props = (schema.properties ?? {}) as Json;
      props.apiVersion = { type: "string" };
      props.kind = { type: "string" };
      props.metadata = OBJECT_META_SCHEMA;
      props.status = { type: "object" };
      schema.properties = props;
      schema.required = [...new Set([...((schema.required as string[]) ?? []), "metadata"])];
      return this.ajv.compile(schema);
    });
    this.compiled.set(key, fns);
    return fns;
  }
}

/** How far into the object a field path reaches (`spec.listeners[0].tls` is 4 deep). */
function depth(field: string): number {
  return field === "" ? 0 : field.split(/\.|\[/).length;
}

function replaceContents(target: Json, source: Json): void {
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, source);
}

/** Unknown fields are errors, except where the schema preserves them. */
function strictify(schema: Json): Json {
  if (schema.type === "object" && schema.properties && schema.additionalProperties === undefined && !schema["x-kubernetes-preserve-unknown-fields"]) {
    schema.additionalProperties = false;
  }
  for (const [k, v] of Object.entries(schema)) {
    if (k === "default" || k === "enum" || k === "example") continue;
    if (Array.isArray(v)) v.forEach((item) => item && typeof item === "object" && strictify(item as Json));
    else if (v && typeof v === "object") strictify(v as Json);
  }
  return schema;
}

function describe(err: ErrorObject | undefined): SchemaError {
  if (!err) return { field: "", message: "is invalid" };
  let field = err.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
  const params = err.params as Record<string, unknown>;
  let message = err.message ?? "is invalid";
  if (err.keyword === "additionalProperties") {
    field = field ? `${field}.${String(params.additionalProperty)}` : String(params.additionalProperty);
    message = "unknown field";
  } else if (err.keyword === "required") {
    field = field ? `${field}.${String(params.missingProperty)}` : String(params.missingProperty);
    message = "is required";
  } else if (err.keyword === "enum") {
    message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return { field, message };
}
