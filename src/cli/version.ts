// `switchyard version`: what this build is and what it reads.
import { readFileSync } from "node:fs";

export const versionUsage = `Usage: switchyard version

Prints switchyard's version, the Node.js it runs on, and the Gateway API
release it targets.`;

export function versionInfo(): { switchyard: string; node: string; gatewayAPI: string; crdBundles: string[] } {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return { switchyard: pkg.version, node: process.version, gatewayAPI: "v1.7.0", crdBundles: ["v1.7.0 (experimental channel)", "v1.1.0 (BackendLBPolicy v1alpha2, BackendTLSPolicy v1alpha3, GRPCRoute v1alpha2)"] };
}
