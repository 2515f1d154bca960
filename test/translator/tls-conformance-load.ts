// Loads a Gateway API conformance manifest (with base-manifests.yaml) for the
// TLS tests, adding what the conformance suite creates at run time: the
// GatewayClass, and the certificate Secrets and CA ConfigMaps it generates.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CONTROLLER_NAME, type TranslationResult } from "../../src/api/translation.ts";
import { translate } from "../../src/translator/translate.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { caConfigMapYaml, PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { loadResourceSet } from "./load.ts";

// The copy of the v1.7.0 conformance manifests kept in the repository (see its NOTICE.md).
export const CONFORMANCE = join(import.meta.dirname, "../conformance/manifests");
const INFRA = "gateway-conformance-infra";

export function conformance(file: string): TranslationResult {
  const sub = (t: string) => t.replaceAll("{GATEWAY_CLASS_NAME}", "switchyard");
  const base = sub(readFileSync(join(CONFORMANCE, "base-manifests.yaml"), "utf8"));
  const test = sub(readFileSync(join(CONFORMANCE, "tests", file), "utf8"));
  // Every Secret a certificateRef names, and the CA ConfigMaps, as the suite makes them.
  const secrets = new Set<string>();
  for (const m of (base + test).matchAll(/certificateRefs:\s*\n(?:\s*-\s*(?:group|kind|namespace):[^\n]*\n)*\s*-?\s*(?:group:[^\n]*\n\s*|kind:[^\n]*\n\s*)*name:\s*"?([a-z0-9-]+)"?/g)) {
    if (m[1]) secrets.add(m[1]);
  }
  const runtime = [
    `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: switchyard, generation: 1}
spec: {controllerName: ${DEFAULT_CONTROLLER_NAME}}
`,
    ...[...secrets].map((s) => tlsSecretYaml(INFRA, s, PEM.rsaCert, PEM.rsaKey)),
    tlsSecretYaml(INFRA, "tls-checks-client-certificate", PEM.ecdsaCert, PEM.ecdsaKey),
    caConfigMapYaml(INFRA, "tls-validity-checks-ca-certificate", PEM.clientCa),
    caConfigMapYaml(INFRA, "tls-validity-checks-per-port-ca-certificate", PEM.clientCa),
    caConfigMapYaml(INFRA, "tls-checks-ca-certificate", PEM.backendCa),
    caConfigMapYaml(INFRA, "mismatch-ca-certificate", PEM.clientCa),
    caConfigMapYaml("gateway-conformance-web-backend", "web-backend-cm", PEM.clientCa),
  ];
  const r = translate(loadResourceSet([base, test, ...runtime].join("\n---\n")), { controllerName: DEFAULT_CONTROLLER_NAME });
  for (const g of r.gateways) {
    const { failures } = validateResources(g.resources);
    if (failures.length > 0) throw new Error(`${g.key}: invalid Envoy resources: ${JSON.stringify(failures)}`);
  }
  return r;
}
