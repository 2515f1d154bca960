// Property: whatever certificates users put in their listeners' Secrets (key types and sizes
// Envoy refuses, subjects without CN, SAN kinds, must-staple, expired), the translated snapshot
// loads in the real Envoy: switchyard refuses the ones Envoy would (InvalidCertificateRef on that
// listener only) and serves the rest. 20 runs of 50 HTTPS listeners, one validate per run.
import fc from "fast-check";
import { expect, it } from "vitest";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { resourcesToJson } from "../../src/api/xds-json.ts";
import { translate } from "../../src/translator/translate.ts";
import { issueLeaf, type LeafSpec } from "../fixtures/certs/issue.ts";
import { loadResourceSet } from "../translator/load.ts";
import { describeEnvoy } from "./peer.ts";
import { staticConfig } from "./static-config.ts";
import { validateConfigs } from "./validate.ts";

const RUNS = 20;
const LISTENERS = 50;

const key = fc.constantFrom<LeafSpec["key"]>(
  { type: "rsa", bits: 1024 },
  { type: "rsa", bits: 2048 },
  { type: "rsa", bits: 3072 },
  { type: "ec", curve: "P-224" },
  { type: "ec", curve: "P-256" },
  { type: "ec", curve: "P-384" },
  { type: "ec", curve: "P-521" },
  { type: "ec", curve: "secp256k1" },
  { type: "ed25519" },
  { type: "ed448" },
);
const san = fc.oneof(
  fc.record({ type: fc.constant("dns" as const), value: fc.constantFrom("a.example.com", "*.example.com") }),
  fc.record({ type: fc.constant("ip" as const), value: fc.constant("10.1.2.3") }),
  fc.record({ type: fc.constant("email" as const), value: fc.constant("a@example.com") }),
  fc.record({ type: fc.constant("url" as const), value: fc.constant("spiffe://example/a") }),
);
const leaf: fc.Arbitrary<LeafSpec> = fc.record({
  key,
  subject: fc.constantFrom("CN=a.example.com", "", "O=Acme"),
  sans: fc.array(san, { maxLength: 2 }),
  tlsFeatures: fc.constantFrom([], [5], [17]),
  expired: fc.boolean(),
});

async function world(specs: LeafSpec[]): Promise<string> {
  const docs = [
    `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: sw }
spec: { controllerName: ${DEFAULT_CONTROLLER_NAME} }`,
    `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: default }
spec:
  gatewayClassName: sw
  listeners:
${specs.map((_, i) => `    - { name: l${i}, protocol: HTTPS, port: ${9000 + i}, tls: { certificateRefs: [{ name: c${i} }] } }`).join("\n")}`,
    `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: default }
spec:
  parentRefs: [{ name: gw }]
  rules: [{ backendRefs: [{ name: b, port: 80 }] }]`,
    `apiVersion: v1
kind: Service
metadata: { name: b, namespace: default }
spec: { ports: [{ port: 80 }] }`,
  ];
  for (const [i, spec] of specs.entries()) {
    const { cert, key: k } = await issueLeaf(spec, { reuseKey: true });
    docs.push(`apiVersion: v1
kind: Secret
metadata: { name: c${i}, namespace: default }
type: kubernetes.io/tls
data: { tls.crt: ${Buffer.from(cert).toString("base64")}, tls.key: ${Buffer.from(k).toString("base64")} }`);
  }
  return docs.join("\n---\n");
}

describeEnvoy("random listener certificates: Envoy loads every translated snapshot", (envoy) => {
  it(`${RUNS * LISTENERS} certificates`, { timeout: 600_000 }, async () => {
    let served = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(leaf, { minLength: LISTENERS, maxLength: LISTENERS }), async (specs) => {
        const r = translate(loadResourceSet(await world(specs)), { controllerName: DEFAULT_CONTROLLER_NAME });
        const gw = r.gateways.find((g) => g.key === "default/gw");
        expect(gw).toBeDefined();
        const status = r.statuses.find((s) => s.kind === "Gateway");
        for (const l of status && status.kind === "Gateway" ? (status.status.listeners ?? []) : []) {
          const programmed = l.conditions.find((c) => c.type === "Programmed")?.status === "True";
          if (programmed) served++;
          else refused++;
        }
        const [result] = await validateConfigs(envoy, [{ name: "gateway default/gw", config: staticConfig(resourcesToJson(gw!.resources), "default/gw") }]);
        expect(result?.reason ?? "").toBe("");
      }),
      { numRuns: RUNS },
    );
    // Both verdicts are reached often: the property is about a real mix.
    expect(served).toBeGreaterThan(RUNS * 5);
    expect(refused).toBeGreaterThan(RUNS * 5);
  });
});
