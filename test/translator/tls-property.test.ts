// Malformed TLS inputs (any JSON where the TLS fields go) never make
// translate() throw, and whatever it emits still passes validate.rules.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildResourceSet } from "../../src/api/resource-set.ts";
import type { K8sObject } from "../../src/api/meta.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { translate } from "../../src/translator/translate.ts";
import { validateResources } from "../../src/xds/validate/index.ts";
import { parseManifests } from "./load.ts";
import { BASE } from "./tls-helpers.ts";
import { b64, PEM } from "../fixtures/certs/fixtures.ts";

const junk = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom("", "ConfigMap", "Secret", "System", "AllowInsecureFallback", "*.example.com", "a.example.com", 443, null),
);
const ref = fc.record(
  { group: fc.constantFrom("", "example.com", undefined), kind: fc.constantFrom("ConfigMap", "Secret", "Service", undefined), name: fc.constantFrom("ca", "tls", "missing", ""), namespace: fc.constantFrom(undefined, "default", "other") },
  { requiredKeys: [] },
);
const refs = fc.oneof(fc.array(ref, { maxLength: 3 }), junk);
const validation = fc.record({ caCertificateRefs: refs, mode: fc.oneof(fc.constantFrom("AllowValidOnly", "AllowInsecureFallback"), junk) }, { requiredKeys: [] });

const gatewayArb = fc.record({
  listeners: fc.array(
    fc.record({
      name: fc.constantFrom("a", "b", "c"),
      port: fc.constantFrom(443, 8443),
      protocol: fc.constantFrom("HTTPS", "TLS"),
      hostname: fc.constantFrom(undefined, "a.example.com", "*.example.com"),
      tls: fc.record(
        {
          mode: fc.constantFrom("Terminate", "Terminate", "Passthrough", undefined),
          certificateRefs: fc.oneof({ arbitrary: fc.constant([{ name: "tls" }]), weight: 4 }, { arbitrary: fc.array(ref, { maxLength: 2 }), weight: 1 }, { arbitrary: junk, weight: 1 }),
          frontendValidation: fc.oneof(
            { arbitrary: fc.constant(undefined), weight: 3 },
            { arbitrary: fc.constant({ caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "ca" }] }), weight: 2 },
            { arbitrary: validation, weight: 1 },
            { arbitrary: junk, weight: 1 },
          ),
        },
        { requiredKeys: ["certificateRefs"] },
      ),
    }),
    { maxLength: 3 },
  ),
  tls: fc.oneof(fc.record({ frontend: fc.record({ default: fc.record({ validation }), perPort: fc.array(fc.record({ port: fc.constantFrom(443, 8443), tls: fc.record({ validation }) }), { maxLength: 2 }) }, { requiredKeys: [] }) }), junk),
});
const policyArb = fc.record({
  targetRefs: fc.oneof(fc.constant([{ group: "", kind: "Service", name: "backend" }]), fc.array(fc.record({ group: fc.constantFrom("", "x"), kind: fc.constantFrom("Service", "Gateway"), name: fc.constantFrom("backend", "other"), sectionName: fc.constantFrom(undefined, "https", "nope") }), { maxLength: 2 }), junk),
  validation: fc.oneof(
    fc.constant({ hostname: "backend.example.com", caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "ca" }] }),
    fc.constant({ hostname: "backend.example.com", wellKnownCACertificates: "System" }),
    fc.record({ caCertificateRefs: refs, wellKnownCACertificates: fc.oneof(fc.constantFrom("System", ""), junk), hostname: fc.oneof(fc.constantFrom("backend.example.com", "", "10.0.0.1"), junk), subjectAltNames: junk }, { requiredKeys: [] }),
    junk,
  ),
});
const routeArb = fc.record({ hostnames: fc.oneof(fc.array(fc.constantFrom("a.example.com", "*.example.com", "b.test"), { maxLength: 2 }), junk), rules: fc.oneof(fc.constant([{ backendRefs: [{ name: "backend", port: 443 }] }]), junk) });

const fixed = parseManifests(`${BASE}
---
apiVersion: v1
kind: Secret
metadata: {name: tls, namespace: default}
type: kubernetes.io/tls
data: {tls.crt: ${b64(PEM.rsaCert)}, tls.key: ${b64(PEM.rsaKey)}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ca, namespace: default}
data: {ca.crt: ${JSON.stringify(PEM.clientCa)}}
`);

describe("TLS inputs, arbitrary shapes", () => {
  it("never throw and emit only valid Envoy resources", () => {
    const reached = { terminating: 0, upstreamTls: 0, caSecrets: 0 };
    fc.assert(
      fc.property(gatewayArb, fc.array(policyArb, { maxLength: 2 }), fc.array(routeArb, { maxLength: 2 }), (gw, policies, routes) => {
        const objs: K8sObject[] = [
          ...fixed,
          { apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: { name: "eg", namespace: "default" }, spec: { gatewayClassName: "switchyard", ...gw } } as K8sObject,
          ...policies.map((spec, i) => ({ apiVersion: "gateway.networking.k8s.io/v1", kind: "BackendTLSPolicy", metadata: { name: `p${i}`, namespace: "default" }, spec }) as K8sObject),
          ...routes.map((r, i) => ({ apiVersion: "gateway.networking.k8s.io/v1", kind: "TLSRoute", metadata: { name: `r${i}`, namespace: "default" }, spec: { parentRefs: [{ name: "eg" }], ...r } }) as K8sObject),
          { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "web", namespace: "default" }, spec: { parentRefs: [{ name: "eg" }], rules: [{ backendRefs: [{ name: "backend", port: 443 }] }] } } as K8sObject,
        ];
        const result = translate(buildResourceSet(objs), { controllerName: DEFAULT_CONTROLLER_NAME });
        for (const g of result.gateways) {
          expect(validateResources(g.resources).failures).toEqual([]);
          if (g.resources.listeners.some((l) => l.filterChains.some((c) => c.transportSocket))) reached.terminating++;
          if (g.resources.clusters.some((c) => c.transportSocket)) reached.upstreamTls++;
          if (g.resources.secrets.some((x) => x.type.case === "validationContext")) reached.caSecrets++;
        }
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 200), seed: 6 },
    );
    // The generator must reach the interesting outputs, or the property says little.
    expect(reached.terminating).toBeGreaterThan(5);
    expect(reached.upstreamTls).toBeGreaterThan(5);
    expect(reached.caSecrets).toBeGreaterThan(2);
  });
});
