// The TLS-related Gateway API v1.7.0 conformance manifests through translate(),
// asserting the status conditions their conformance tests check. Certificates
// and CA ConfigMaps the suite creates at run time come from test/fixtures/certs.
import { describe, expect, it } from "vitest";
import type { Condition } from "../../src/api/meta.ts";
import type { TranslationResult } from "../../src/api/translation.ts";
import { conformance } from "./tls-conformance-load.ts";
import { statusOf } from "./tls-helpers.ts";

const NS = "gateway-conformance-infra";
type Expect = [type: string, status: string, reason?: string];

function has(conds: readonly Condition[] | undefined, ...want: Expect[]): void {
  for (const [type, status, reason] of want) {
    const c = conds?.find((x) => x.type === type);
    expect(c, `condition ${type}`).toBeDefined();
    expect([type, c?.status, reason === undefined ? undefined : c?.reason]).toEqual([type, status, reason]);
  }
}
const listener = (r: TranslationResult, gw: string, l: string) =>
  statusOf(r, "Gateway", `${NS}/${gw}`).status.listeners?.find((x) => x.name === l)?.conditions;
const route = (r: TranslationResult, kind: "TLSRoute" | "HTTPRoute", name: string) => statusOf(r, kind, `${NS}/${name}`).parents[0]?.conditions;
const policy = (r: TranslationResult, name: string) => statusOf(r, "BackendTLSPolicy", `${NS}/${name}`).ancestors[0]?.conditions;

describe("conformance: client certificate validation", () => {
  it("GatewayInvalidFrontendClientCertificateValidation", () => {
    const r = conformance("gateway-with-invalid-clientcertificate-validation.yaml");
    const gw = "gateway-with-invalid-client-cert-validation";
    has(listener(r, gw, "https"), ["ResolvedRefs", "True"], ["Accepted", "True"], ["Programmed", "True"]);
    has(listener(r, gw, "https-unresolved"), ["ResolvedRefs", "False", "InvalidCACertificateRef"], ["Accepted", "False", "NoValidCACertificate"], ["Programmed", "False"]);
    has(listener(r, gw, "https-invalid-kind"), ["ResolvedRefs", "False", "InvalidCACertificateKind"], ["Accepted", "False", "NoValidCACertificate"], ["Programmed", "False"]);
    has(listener(r, gw, "https-grant-missing"), ["ResolvedRefs", "False", "RefNotPermitted"], ["Accepted", "False", "NoValidCACertificate"], ["Programmed", "False"]);
  });

  it("GatewayFrontendInvalidDefaultClientCertificateValidation: only HTTPS listeners are affected", () => {
    const r = conformance("gateway-invalid-default-frontend-client-certificate-validation.yaml");
    const gw = "invalid-default-client-validation-config";
    has(listener(r, gw, "https"), ["ResolvedRefs", "False", "InvalidCACertificateRef"], ["Programmed", "False"]);
    has(listener(r, gw, "http"), ["ResolvedRefs", "True"], ["Accepted", "True"], ["Programmed", "True"]);
    has(route(r, "HTTPRoute", gw), ["Accepted", "True"]);
  });

  it("GatewayFrontendClientCertificateValidationInsecureFallback", () => {
    const r = conformance("gateway-with-clientcertificate-validation-insecure-fallback.yaml");
    has(statusOf(r, "Gateway", `${NS}/client-validation-insecure-fallback`).status.conditions, ["InsecureFrontendValidationMode", "True", "ConfigurationChanged"]);
  });

  it("GatewayFrontendClientCertificateValidation", () => {
    const r = conformance("gateway-with-clientcertificate-validation.yaml");
    const st = statusOf(r, "Gateway", `${NS}/client-validation-default`).status;
    for (const l of st.listeners ?? []) has(l.conditions, ["ResolvedRefs", "True"], ["Programmed", "True"]);
    expect(st.conditions?.some((c) => c.type === "InsecureFrontendValidationMode")).toBe(false);
  });
});

describe("conformance: BackendTLSPolicy", () => {
  it("BackendTLSPolicyConflictResolution", () => {
    const r = conformance("backendtlspolicy-conflict-resolution.yaml");
    for (const p of ["conflicted-with-section-name-1", "conflicted-without-section-name-1", "not-conflicted-with-section-name", "not-conflicted-without-section-name"]) {
      has(policy(r, p), ["Accepted", "True", "Accepted"], ["ResolvedRefs", "True", "ResolvedRefs"]);
    }
    for (const p of ["conflicted-with-section-name-2", "conflicted-without-section-name-2"]) has(policy(r, p), ["Accepted", "False", "Conflicted"]);
  });

  it("BackendTLSPolicyInvalidCACertificateRef", () => {
    const r = conformance("backendtlspolicy-invalid-ca-certificate-ref.yaml");
    for (const p of ["malformed-ca-certificate-ref", "nonexistent-ca-certificate-ref"]) {
      has(policy(r, p), ["Accepted", "False", "NoValidCACertificate"], ["ResolvedRefs", "False", "InvalidCACertificateRef"]);
    }
  });

  it("BackendTLSPolicyInvalidKind", () => {
    const r = conformance("backendtlspolicy-invalid-kind.yaml");
    has(policy(r, "invalid-kind"), ["Accepted", "False", "NoValidCACertificate"], ["ResolvedRefs", "False", "InvalidKind"]);
  });

  it("BackendTLSPolicy and BackendTLSPolicySANValidation are accepted", () => {
    for (const [file, names] of [
      ["backendtlspolicy.yaml", ["normative-test", "cert-mismatch", "host-mismatch"]],
      ["backendtlspolicy-san.yaml", ["san-dns", "san-uri", "multiple-sans", "san-dns-mismatch"]],
    ] as const) {
      const r = conformance(file);
      for (const p of names) has(policy(r, p), ["Accepted", "True", "Accepted"], ["ResolvedRefs", "True", "ResolvedRefs"]);
    }
  });
});

describe("conformance: Gateway backend client certificate", () => {
  it("GatewayInvalidTLSBackendConfiguration", () => {
    const r = conformance("gateway-invalid-tls-backend-configuration.yaml");
    for (const [gw, reason] of [
      ["gateway-client-certificate-nonexistent-secret", "InvalidClientCertificateRef"],
      ["gateway-client-certificate-unsupported-group", "InvalidClientCertificateRef"],
      ["gateway-client-certificate-unsupported-kind", "InvalidClientCertificateRef"],
      ["gateway-client-certificate-malformed-secret", "InvalidClientCertificateRef"],
      ["gateway-client-certificate-missing-reference-grant", "RefNotPermitted"],
    ] as const) {
      has(statusOf(r, "Gateway", `${NS}/${gw}`).status.conditions, ["ResolvedRefs", "False", reason], ["Accepted", "True", "Accepted"]);
    }
  });

  it("GatewayTLSBackendClientCertificate: the backend connection presents the certificate", () => {
    const r = conformance("gateway-tls-backend-client-certificate.yaml");
    has(statusOf(r, "Gateway", `${NS}/gateway-tls-backend-client-certificate`).status.conditions, ["ResolvedRefs", "True"]);
    const snap = r.gateways.find((g) => g.key === `${NS}/gateway-tls-backend-client-certificate`)?.resources;
    expect(snap?.secrets.map((s) => s.name)).toContain(`secret/${NS}/tls-checks-client-certificate`);
    expect(snap?.clusters.find((c) => c.name === `service/${NS}/tls-backend-with-client-cert-validation/443`)?.transportSocket).toBeDefined();
  });
});

describe("conformance: TLSRoute", () => {
  it("TLSRouteSimpleSameNamespace, TLSRouteTerminateSimpleSameNamespace, TLSRouteMixedTerminationSameNamespace", () => {
    has(route(conformance("tlsroute-simple-same-namespace.yaml"), "TLSRoute", "gateway-conformance-infra-test"), ["Accepted", "True"], ["ResolvedRefs", "True"]);
    has(route(conformance("tlsroute-terminate-simple-same-namespace.yaml"), "TLSRoute", "tlsroute-terminated-test"), ["Accepted", "True"], ["ResolvedRefs", "True"]);
    const mixed = conformance("tlsroute-mixed-termination-same-namespace.yaml");
    for (const n of ["gateway-conformance-mixed-passthroughroute", "gateway-conformance-mixed-terminateroute"]) has(route(mixed, "TLSRoute", n), ["Accepted", "True"]);
    const l = mixed.gateways.find((g) => g.key === `${NS}/gateway-tlsroute-mixed-termination`)?.resources.listeners[0];
    expect(l?.filterChains.map((c) => Boolean(c.transportSocket)).sort()).toEqual([false, true]);
  });

  it("TLSRouteInvalidNoMatchingListenerHostname, NoMatchingListener, BackendRef reasons, ReferenceGrant", () => {
    const h = conformance("tlsroute-invalid-no-matching-listener-hostname.yaml");
    for (const n of ["tlsroute-hostname-mismatch-1", "tlsroute-hostname-mismatch-2"]) has(route(h, "TLSRoute", n), ["Accepted", "False", "NoMatchingListenerHostname"]);
    const m = conformance("tlsroute-invalid-no-matching-listener.yaml");
    has(route(m, "TLSRoute", "tlsroute-no-matching-section-name"), ["Accepted", "False", "NoMatchingParent"]);
    has(route(m, "TLSRoute", "tlsroute-not-allowed-protocol-http"), ["Accepted", "False", "NotAllowedByListeners"]);
    has(route(m, "TLSRoute", "tlsroute-not-allowed-protocol-https"), ["Accepted", "False", "NotAllowedByListeners"]);
    has(route(conformance("tlsroute-invalid-backendref-nonexistent.yaml"), "TLSRoute", "invalid-backend-ref-nonexistent"), ["ResolvedRefs", "False", "BackendNotFound"]);
    has(route(conformance("tlsroute-invalid-backendref-unknown-kind.yaml"), "TLSRoute", "invalid-backend-ref-unknown-kind"), ["ResolvedRefs", "False", "InvalidKind"]);
    has(route(conformance("tlsroute-invalid-reference-grant.yaml"), "TLSRoute", "gateway-conformance-infra-test"), ["ResolvedRefs", "False", "RefNotPermitted"]);
  });
});
