// `switchyard version`: what this build is and what it reads.
import { readFileSync } from "node:fs";
import { parse } from "./args.ts";

export const versionUsage = `Usage: switchyard version [--types]

Prints switchyard's version, the Node.js it runs on, and the Gateway API
release it targets.

  --types     list every apiVersion/kind the file source reads instead
  -h, --help  show this help`;

export function versionInfo(): { switchyard: string; node: string; gatewayAPI: string; crdBundles: string[] } {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return { switchyard: pkg.version, node: process.version, gatewayAPI: "v1.7.0", crdBundles: ["v1.7.0 (experimental channel)", "v1.1.0 (BackendLBPolicy v1alpha2, BackendTLSPolicy v1alpha3, GRPCRoute v1alpha2)"] };
}

export async function runVersion(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parse(argv, { types: { type: "boolean" } });
  if (values.help) out(versionUsage + "\n");
  else if (values.types) {
    // The CRD schemas load only here; plain `version` stays instant.
    const { SchemaValidator } = await import("../watch/file/schemas.ts");
    out(new SchemaValidator().knownTypes().join("\n") + "\n");
  } else out(JSON.stringify(versionInfo(), null, 2) + "\n");
  return 0;
}
