// Compiled validators kept in the cache directory: the second compile of a
// schema is read back from there and validates, reports and fills in defaults
// as the freshly compiled one does.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileCached } from "../../../src/watch/file/validator-cache.ts";

const schema = {
  type: "object",
  required: ["name"],
  additionalProperties: false,
  properties: { name: { type: "string", pattern: "^[a-z]+$" }, port: { type: "integer", default: 80 }, tags: { type: "array", items: { enum: ["a", "b"] } } },
};

let cache: string;
let saved: string | undefined;
beforeEach(() => {
  saved = process.env.XDG_CACHE_HOME;
  cache = mkdtempSync(join(tmpdir(), "switchyard-validators-"));
  process.env.XDG_CACHE_HOME = cache;
});
afterEach(() => {
  if (saved === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saved;
  rmSync(cache, { recursive: true, force: true });
});

describe("compileCached", () => {
  it("reads a validator compiled before back from the cache, and it behaves as compiled", () => {
    const ajv = () => new Ajv({ strict: false, allErrors: true, useDefaults: true, code: { source: true } });
    const fresh = compileCached(ajv(), structuredClone(schema), "opts");
    expect(readdirSync(join(cache, "switchyard", "validators"))).toHaveLength(1);
    const cached = compileCached(ajv(), structuredClone(schema), "opts");
    expect(cached).not.toBe(fresh);
    for (const value of [{ name: "ok" }, { name: "Bad", extra: 1, tags: ["c"] }, { port: "x" }]) {
      const [a, b] = [structuredClone(value), structuredClone(value)];
      expect(cached(b)).toBe(fresh(a));
      expect(cached.errors ?? null).toEqual(fresh.errors ?? null);
      expect(b).toEqual(a); // defaults filled in alike
    }
    // Other options are another validator.
    compileCached(ajv(), structuredClone(schema), "other opts");
    expect(readdirSync(join(cache, "switchyard", "validators"))).toHaveLength(2);
  });
});
