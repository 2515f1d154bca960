// Whether the file source accepts some YAML as it stands: tests of shapes that only newer CRD
// bundles allow (the v1.7.0 ones) use it to run once the file source ships those bundles, and
// say why they do not run before.
import { describe } from "vitest";
import { parseAllDocuments } from "yaml";
import { SchemaValidator } from "../../src/watch/file/schemas.ts";
import { describeEnvoy } from "./peer.ts";

export function fileSourceReads(yaml: string): boolean {
  const v = new SchemaValidator();
  return parseAllDocuments(yaml).every((d) => {
    const obj: unknown = d.toJS();
    return !obj || typeof obj !== "object" || v.validate(obj as Record<string, unknown>).length === 0;
  });
}

/** describeEnvoy when the file source reads `yaml`, else a skipped block that names what is missing. */
export function describeEnvoyIfReadable(yaml: string, missing: string, name: string, fn: (envoy: string) => void): void {
  if (fileSourceReads(yaml)) describeEnvoy(name, fn);
  else describe.skip(`${name} (${missing})`, () => {});
}
