// Validates objects the way the API server would before storing them: against
// the Gateway API CRDs' OpenAPI v3 schemas (v1.7.0 from deploy/crds, the copy
// users install; v1.1.0 from src/api/crds), with their
// defaults applied, and unknown fields rejected as `kubectl apply` (strict field
// validation) does; then their CEL rules (x-kubernetes-validations) and list-map
// keys on the defaulted object (crd-rules.ts), as the API server does.
// The same apiVersion/kind has different shapes in different releases (v1.1's
// listener tls.frontendValidation is gone since v1.6), and a user's cluster runs
// one of them: an object is accepted when it is valid for any shipped release,
// newest first (whose defaults then apply). When none accepts it, the error is
// the one from the release that got furthest into the object.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";
import { isKind } from "../../api/resource-set.ts";
import { cachedCrdSchemas } from "./crd-schema-cache.ts";
import { cloneJson } from "../../util/clone-json.ts";
import { CORE_SCHEMAS, OBJECT_META_SCHEMA } from "./core-schemas.ts";
import { checkRules } from "./crd-rules.ts";
import { compileCached } from "./validator-cache.ts";

/** Newer releases first: tried in this order. v1.7.0's experimental channel is a superset of its standard one. */
const RELEASES = [
  { name: "v1.7.0", dir: fileURLToPath(new URL("../../../deploy/crds/gateway-api-v1.7.0/experimental/", import.meta.url)) },
  { name: "v1.1.0", dir: fileURLToPath(new URL("../../api/crds/v1.1.0/", import.meta.url)) },
];

/** The CRD directories of every shipped release, newest first. */
export function shippedCrdDirs(): string[] {
  return RELEASES.map((r) => r.dir);
}

export interface SchemaValidatorOptions {
  /** Directories of CRD YAML, one per release, newest first (default: every shipped release). */
  crdDirs?: readonly string[];
}

/** CRD files only: not the kustomization or the ValidatingAdmissionPolicy beside them. */
const isCrdFile = (f: string) => /^gateway\.networking\.(x-)?k8s\.io_.*\.yaml$/.test(f) && !f.includes("_vap_");

interface CrdVersion {
  name: string;
  served?: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
}

export interface SchemaError {
  /** Dotted path of the offending field, e.g. `spec.rules[0].matches[0].path.type`. */
  field: string;
  /** The same path as keys and indexes, to find the field in the YAML; for a missing field, its parent's path. */
  path: (string | number)[];
  message: string;
}

/** Groups whose every kind is ours to read: an unknown version or kind there is a mistake, not another tool's object. */
const OUR_GROUPS = new Set(["gateway.networking.k8s.io", "gateway.networking.x-k8s.io"]);

type Json = Record<string, unknown>;

// allErrors: a user fixing a manifest wants every mistake of an object at once.
const AJV_OPTIONS = { strict: false, allErrors: true, useDefaults: true, validateFormats: false } as const;

/** Loads every CRD schema once; `validate` then checks objects by apiVersion + kind. */
export class SchemaValidator {
  // code.source: compiled validators can be written out and kept (validator-cache.ts).
  private readonly ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  /** Per `group/version/kind`: the schema of each release that serves it, newest first. */
  private readonly raw = new Map<string, Json[]>();
  /** Core kinds: only partly described, so unknown fields there are not errors. */
  private readonly core = new Map<string, Json>();
  /** Per key, each release's validator, compiled on first use: most objects never need the older releases'. */
  private readonly compiled = new Map<string, { schema: () => ValidateFunction; raw: Json | undefined }[]>();
  private readonly dirs: readonly string[];

  /** CRD files already read: they are parsed on first use, since parsing all of them costs more than most inputs. */
  private readonly loadedFiles = new Set<string>();
  /** `group/kind` pairs whose files were looked for: every object asks. */
  private readonly loadedKinds = new Set<string>();

  constructor(opts: SchemaValidatorOptions = {}) {
    this.dirs = opts.crdDirs ?? shippedCrdDirs();
    for (const [key, schema] of Object.entries(CORE_SCHEMAS)) this.core.set(key, schema as Json);
  }

  /** Reads the CRDs of `group`'s `kind` from every release (files are named `<group>_<plural>.yaml`). */
  private loadKind(group: string, kind: string): void {
    const id = `${group}/${kind}`;
    if (this.loadedKinds.has(id)) return;
    this.loadedKinds.add(id);
    for (const dir of this.dirs) this.loadFile(join(dir, `${group}_${plural(kind)}.yaml`));
  }

  private loadAll(): void {
    for (const dir of this.dirs) {
      for (const file of readdirSync(dir).filter(isCrdFile).sort()) this.loadFile(join(dir, file));
    }
  }

  private loadFile(path: string): void {
    if (this.loadedFiles.has(path)) return;
    this.loadedFiles.add(path);
    for (const [key, schema] of cachedCrdSchemas(path, crdSchemas) ?? []) this.raw.set(key, [...(this.raw.get(key) ?? []), schema]);
  }

  /** Loads the CRDs that could describe `apiVersion` `kind`. */
  private loadFor(apiVersion: string, kind: string): void {
    const slash = apiVersion.indexOf("/");
    if (slash > 0) this.loadKind(apiVersion.slice(0, slash), kind);
  }

  /** The apiVersion/kind pairs this validator knows. */
  knownTypes(): string[] {
    this.loadAll();
    return [...this.raw.keys(), ...this.core.keys()].sort();
  }

  /**
   * Whether an object of this type is someone else's (a Deployment, an
   * Ingress, ...): not a kind switchyard reads, nor in a Gateway API group.
   * Such objects are skipped with a warning; they often share a directory.
   */
  isUnrelated(apiVersion: string, kind: string): boolean {
    this.loadFor(apiVersion, kind);
    if (this.raw.has(`${apiVersion}/${kind}`) || this.core.has(`${apiVersion}/${kind}`)) return false;
    const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
    return !OUR_GROUPS.has(group) && !isKind(kind);
  }

  /**
   * Checks `obj` in place (defaults are filled in, as the API server does).
   * Returns every error (none when the object is valid).
   */
  validate(obj: Json): SchemaError[] {
    const apiVersion = obj.apiVersion;
    const kind = obj.kind;
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
      const field = typeof apiVersion !== "string" ? "apiVersion" : "kind";
      return [{ field, path: [], message: "is required" }];
    }
    const key = `${apiVersion}/${kind}`;
    this.loadFor(apiVersion, kind);
    const candidates = this.compile(key);
    if (!candidates) return [{ field: "apiVersion", path: ["apiVersion"], message: `${key} is not a kind switchyard reads (known: see \`switchyard version --types\`)` }];
    // Valid for any shipped release is valid; otherwise report the release that came closest
    // (fewest errors, the newest on a tie), every error of it.
    let best: SchemaError[] | undefined;
    for (const { schema, raw } of candidates) {
      const validate = schema();
      // Defaults are filled into a copy, so a release that refuses the object leaves no trace in it.
      const copy = candidates.length > 1 ? cloneJson(obj) : obj;
      const valid = validate(copy);
      // CEL rules and list-map keys see the defaulted object, as on the server; only once the schema holds
      // (a rule may read fields the schema requires).
      const ruleErrors = valid && raw ? checkRules(raw, copy).map(fromRule) : [];
      if (valid && ruleErrors.length === 0) {
        if (copy !== obj) replaceContents(obj, copy);
        return [];
      }
      if (valid) {
        if (!best || ruleErrors.length < best.length) best = ruleErrors;
        continue;
      }
      const seen = new Set<string>();
      const errors: SchemaError[] = [];
      for (const e of validate.errors ?? []) {
        const d = describe(e);
        const id = `${d.field}\0${d.message}`;
        if (seen.has(id)) continue; // anyOf branches and the like repeat themselves
        seen.add(id);
        errors.push(d);
      }
      if (!best || errors.length < best.length) best = errors;
    }
    return best ?? [];
  }

  private compile(key: string): { schema: () => ValidateFunction; raw: Json | undefined }[] | undefined {
    let fns = this.compiled.get(key);
    if (fns) return fns;
    const crds = this.raw.get(key);
    const core = this.core.get(key);
    if (!crds && !core) return undefined;
    const sources = crds ? crds.map((crd) => () => strictify(structuredClone(crd))) : [() => structuredClone(core!)];
    fns = sources.map((source, i) => {
      let fn: ValidateFunction | undefined;
      const schema = () => {
        if (fn) return fn;
        const schema = source();
        const props = (schema.properties ?? {}) as Json;
        props.apiVersion = { type: "string" };
        props.kind = { type: "string" };
        props.metadata = OBJECT_META_SCHEMA;
        props.status = { type: "object" };
        schema.properties = props;
        schema.required = [...new Set([...((schema.required as string[]) ?? []), "metadata"])];
        return (fn = compileCached(this.ajv, schema, JSON.stringify(AJV_OPTIONS)));
      };
      return { schema, raw: crds?.[i] };
    });
    this.compiled.set(key, fns);
    return fns;
  }
}

/** The served versions' schemas of a CRD file's text, by `group/version/kind` (crd-schema-cache.ts keeps them across starts). */
function crdSchemas(text: string): [string, Json][] {
  const out: [string, Json][] = [];
  for (const doc of parseAllDocuments(text)) {
    const crd = doc.toJS() as { kind?: string; spec?: { group?: string; names?: { kind?: string }; versions?: CrdVersion[] } } | null;
    if (crd?.kind !== "CustomResourceDefinition") continue; // a bundle's other objects
    const group = crd.spec?.group;
    const kind = crd.spec?.names?.kind;
    for (const v of crd.spec?.versions ?? []) {
      const schema = v.schema?.openAPIV3Schema;
      if (schema && v.served !== false) out.push([`${group}/${v.name}/${kind}`, schema]);
    }
  }
  return out;
}

/** The resource name of a kind, as CRD files are named: Gateway -> gateways, GatewayClass -> gatewayclasses, BackendTLSPolicy -> backendtlspolicies. */
function plural(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith("s")) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

/** How far into the object a field path reaches (`spec.listeners[0].tls` is 4 deep). */
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

const dotted = (segs: (string | number)[]) => segs.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");

function fromRule(e: { path: (string | number)[]; message: string }): SchemaError {
  return { field: dotted(e.path), path: e.path, message: e.message };
}

function describe(err: ErrorObject): SchemaError {
  // JSON pointer segments; a numeric segment is an array index (CRD maps have no numeric keys we read).
  const path: (string | number)[] = err.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  let field = dotted(path);
  const params = err.params as Record<string, unknown>;
  let message = err.message ?? "is invalid";
  if (err.keyword === "additionalProperties") {
    path.push(String(params.additionalProperty));
    field = dotted(path);
    message = "unknown field";
  } else if (err.keyword === "required") {
    field = dotted([...path, String(params.missingProperty)]);
    message = "is required";
  } else if (err.keyword === "enum") {
    message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return { field, path, message };
}
