// Compiled schema validators kept across runs. Compiling the HTTPRoute CRD's
// schema with Ajv takes about half a second, at every start of `translate` and
// `serve`; Ajv can write a compiled validator out as standalone code, which is
// kept in the user's cache directory (beside the CRD schema cache, schemas.ts)
// under the hash of the schema, the options and Ajv's version, so it is never
// stale. A cache that cannot be read or written is only slower.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Ajv, ValidateFunction } from "ajv";

const require = createRequire(import.meta.url);
const AJV_VERSION = (require("ajv/package.json") as { version: string }).version;

function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "switchyard", "validators");
}

/** Loads standalone validator code (CommonJS that requires Ajv's runtime helpers). */
function load(code: string): ValidateFunction {
  const mod: { exports: unknown } = { exports: {} };
  // The code is Ajv's own output for our schemas, read back from the user's own cache directory.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function("module", "exports", "require", code)(mod, mod.exports, require);
  return mod.exports as ValidateFunction;
}

/** `ajv.compile(schema)`, from the cache when this schema was compiled before with the same options. `ajv` needs `code: { source: true }`. */
export function compileCached(ajv: Ajv, schema: Record<string, unknown>, optionsKey: string): ValidateFunction {
  const key = createHash("sha256").update(AJV_VERSION).update("\0").update(optionsKey).update("\0").update(JSON.stringify(schema)).digest("base64url").slice(0, 24);
  const path = join(cacheDir(), `${key}.cjs`);
  try {
    return load(readFileSync(path, "utf8"));
  } catch {
    // Not cached yet, or unreadable: compile below.
  }
  const fn = ajv.compile(schema);
  try {
    const standaloneCode = (require("ajv/dist/standalone") as { default: (ajv: Ajv, fn: ValidateFunction) => string }).default;
    const code = standaloneCode(ajv, fn);
    mkdirSync(cacheDir(), { recursive: true });
    // Written whole, then renamed: a concurrent start never reads half a file.
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, path);
  } catch {
    // A read-only or full cache directory: compile again next time.
  }
  return fn;
}
