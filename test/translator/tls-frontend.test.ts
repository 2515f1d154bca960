// Client certificate validation in both API shapes: listener
// tls.frontendValidation (v1.1) and Gateway spec.tls.frontend default/perPort
// (v1.4+), the Envoy side (require_client_certificate, SDS validation context,
// insecure fallback) and every status reason.
import { describe, expect, it } from "vitest";
import { CertificateValidationContext_TrustChainVerification } from "../../src/gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import { caConfigMapYaml, PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { cond, downstreamTls, gateway, httpRoute, listenerConds, run, snapshot, statusOf } from "./tls-helpers.ts";

const CERT = tlsSecretYaml("default", "rsa", PEM.rsaCert, PEM.rsaKey);
const CA = caConfigMapYaml("default", "client-ca", PEM.clientCa);
const ROUTE = httpRoute(8080);

/** Both shapes, for a single HTTPS listener `https` on 443 with these CA refs and mode. */
const SHAPES = {
  "v1.1 listener tls.frontendValidation": (refs: string, mode?: string) =>
    gateway(
      "eg",
      `  - name: https
    port: 443
    protocol: HTTPS
    tls:
      certificateRefs: [{name: rsa}]
      frontendValidation: {caCertificateRefs: ${refs}${mode ? `, mode: ${mode}` : ""}}`,
    ),
  "v1.4+ spec.tls.frontend.default": (refs: string, mode?: string) =>
    gateway(
      "eg",
      `  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: rsa}]}}`,
      `  tls:
    frontend:
      default:
        validation: {caCertificateRefs: ${refs}${mode ? `, mode: ${mode}` : ""}}`,
    ),
  "v1.4+ spec.tls.frontend.perPort": (refs: string, mode?: string) =>
    gateway(
      "eg",
      `  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: rsa}]}}`,
      `  tls:
    frontend:
      default:
        validation: {caCertificateRefs: [{group: "", kind: ConfigMap, name: does-not-matter}]}
      perPort:
      - port: 443
        tls:
          validation: {caCertificateRefs: ${refs}${mode ? `, mode: ${mode}` : ""}}`,
    ),
};

function tlsContext(r: ReturnType<typeof run>) {
  return downstreamTls(snapshot(r, "default/eg").listeners[0]?.filterChains[0]?.transportSocket);
}

const GOOD_REF = `[{group: "", kind: ConfigMap, name: client-ca}]`;

describe.each(Object.entries(SHAPES))("client certificate validation, %s", (_shape, make) => {
  it("AllowValidOnly: requires a client certificate, validated against the CA served over SDS", () => {
    const r = run(make(GOOD_REF), CERT, CA, ROUTE);
    const cs = listenerConds(r, "default/eg", "https");
    expect(cond(cs, "ResolvedRefs")?.status).toBe("True");
    expect(cond(cs, "Programmed")?.status).toBe("True");
    const ctx = tlsContext(r);
    expect(ctx.requireClientCertificate).toBe(true);
    expect(ctx.commonTlsContext?.validationContextType).toMatchObject({ case: "validationContextSdsSecretConfig", value: { name: "ca/configmap/default/client-ca" } });
    const ca = snapshot(r, "default/eg").secrets.find((s) => s.name === "ca/configmap/default/client-ca");
    expect(ca?.type.case).toBe("validationContext");
    if (ca?.type.case === "validationContext") expect(ca.type.value.trustedCa?.specifier).toEqual({ case: "inlineString", value: PEM.clientCa });
    expect(cond(statusOf(r, "Gateway", "default/eg").status.conditions, "InsecureFrontendValidationMode")).toBeUndefined();
  });

  it("a CA in a Secret (ca.crt) is accepted too", () => {
    const secret = `apiVersion: v1
kind: Secret
metadata: {name: client-ca-secret, namespace: default}
type: Opaque
data: {ca.crt: ${Buffer.from(PEM.clientCa).toString("base64")}}
`;
    const r = run(make(`[{group: "", kind: Secret, name: client-ca-secret}]`), CERT, secret, ROUTE);
    expect(cond(listenerConds(r, "default/eg", "https"), "ResolvedRefs")?.status).toBe("True");
    expect(tlsContext(r).commonTlsContext?.validationContextType).toMatchObject({ value: { name: "ca/secret/default/client-ca-secret" } });
  });

  it.each([
    ["a missing ConfigMap", GOOD_REF, [], "InvalidCACertificateRef", /does not exist/],
    ["a ConfigMap without ca.crt", GOOD_REF, [caConfigMapYaml("default", "client-ca", PEM.clientCa, "other.crt")], "InvalidCACertificateRef", /has no key ca.crt/],
    ["a ConfigMap with a corrupt PEM", GOOD_REF, [caConfigMapYaml("default", "client-ca", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")], "InvalidCACertificateRef", /cannot be parsed/],
    ["a leaf certificate instead of a CA", GOOD_REF, [caConfigMapYaml("default", "client-ca", PEM.rsaCert)], "InvalidCACertificateRef", /not a CA certificate/],
    ["an unsupported kind", `[{group: "", kind: Service, name: backend}]`, [], "InvalidCACertificateKind", /not a supported kind/],
    ["an unsupported group", `[{group: example.com, kind: ConfigMap, name: client-ca}]`, [CA], "InvalidCACertificateKind", /not a supported kind/],
    ["another namespace without ReferenceGrant", `[{group: "", kind: ConfigMap, name: client-ca, namespace: pki}]`, [caConfigMapYaml("pki", "client-ca", PEM.clientCa)], "RefNotPermitted", /ReferenceGrant/],
  ])("%s (refs %s) -> ResolvedRefs=False with the reason the spec names, and with no valid CA Accepted=False/NoValidCACertificate", (_what, refs, extra, reason, message) => {
    const r = run(make(refs), CERT, ROUTE, ...extra);
    const cs = listenerConds(r, "default/eg", "https");
    expect(cond(cs, "ResolvedRefs")).toMatchObject({ status: "False", reason });
    expect(cond(cs, "ResolvedRefs")?.message).toMatch(message);
    expect(cond(cs, "Accepted")).toMatchObject({ status: "False", reason: "NoValidCACertificate" });
    expect(cond(cs, "Programmed")?.status).toBe("False");
    // Fail closed: nothing on the port, and no secret leaves for this listener.
    expect(snapshot(r, "default/eg").listeners).toEqual([]);
    expect(snapshot(r, "default/eg").secrets).toEqual([]);
  });

  it("one valid and one invalid ref: ResolvedRefs=False but Accepted stays True; the listener is not programmed", () => {
    const r = run(make(`[{group: "", kind: ConfigMap, name: client-ca}, {group: "", kind: ConfigMap, name: missing}]`), CERT, CA, ROUTE);
    const cs = listenerConds(r, "default/eg", "https");
    expect(cond(cs, "ResolvedRefs")).toMatchObject({ status: "False", reason: "InvalidCACertificateRef" });
    expect(cond(cs, "Accepted")?.status).toBe("True");
    expect(cond(cs, "Programmed")?.status).toBe("False");
  });

  it("another namespace with a ReferenceGrant is allowed", () => {
    const grant = `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: allow, namespace: pki}
spec:
  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: default}]
  to: [{group: "", kind: ConfigMap}]
`;
    const r = run(make(`[{group: "", kind: ConfigMap, name: client-ca, namespace: pki}]`), CERT, ROUTE, caConfigMapYaml("pki", "client-ca", PEM.clientCa), grant);
    expect(cond(listenerConds(r, "default/eg", "https"), "ResolvedRefs")?.status).toBe("True");
    expect(tlsContext(r).requireClientCertificate).toBe(true);
  });
});

describe("AllowInsecureFallback", () => {
  for (const shape of ["v1.4+ spec.tls.frontend.default", "v1.4+ spec.tls.frontend.perPort"] as const) {
    it(`${shape}: requests but does not require a certificate, accepts untrusted ones, and sets InsecureFrontendValidationMode`, () => {
      const r = run(SHAPES[shape](GOOD_REF, "AllowInsecureFallback"), CERT, CA, ROUTE);
      const ctx = tlsContext(r);
      expect(ctx.requireClientCertificate).toBeUndefined();
      const v = ctx.commonTlsContext?.validationContextType;
      expect(v?.case).toBe("combinedValidationContext");
      if (v?.case === "combinedValidationContext") {
        expect(v.value.defaultValidationContext?.trustChainVerification).toBe(CertificateValidationContext_TrustChainVerification.ACCEPT_UNTRUSTED);
        expect(v.value.validationContextSdsSecretConfig?.name).toBe("ca/configmap/default/client-ca");
      }
      expect(cond(statusOf(r, "Gateway", "default/eg").status.conditions, "InsecureFrontendValidationMode")).toMatchObject({
        status: "True",
        reason: "ConfigurationChanged",
      });
    });
  }

  it("perPort overrides default; a port without perPort entry takes default", () => {
    const r = run(
      gateway(
        "eg",
        `  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: rsa}]}}
  - {name: alt, port: 8443, protocol: HTTPS, tls: {certificateRefs: [{name: rsa}]}}`,
        `  tls:
    frontend:
      default:
        validation: {caCertificateRefs: ${GOOD_REF}}
      perPort:
      - port: 8443
        tls:
          validation: {caCertificateRefs: ${GOOD_REF}, mode: AllowInsecureFallback}`,
      ),
      CERT,
      CA,
      ROUTE,
    );
    const byPort = Object.fromEntries(snapshot(r, "default/eg").listeners.map((l) => [l.name, l]));
    const ctxOf = (name: string) => downstreamTls(byPort[name]!.filterChains[0]!.transportSocket);
    expect(ctxOf("default/eg/https").requireClientCertificate).toBe(true);
    expect(ctxOf("default/eg/alt").requireClientCertificate).toBeUndefined();
    const insecure = cond(statusOf(r, "Gateway", "default/eg").status.conditions, "InsecureFrontendValidationMode");
    expect(insecure?.message).toContain("alt");
    expect(insecure?.message).not.toContain("https,");
  });

  it("the condition goes away when the mode returns to AllowValidOnly", () => {
    const r = run(SHAPES["v1.4+ spec.tls.frontend.default"](GOOD_REF, "AllowValidOnly"), CERT, CA, ROUTE);
    expect(cond(statusOf(r, "Gateway", "default/eg").status.conditions, "InsecureFrontendValidationMode")).toBeUndefined();
  });

  it("HTTP listeners are not affected by spec.tls.frontend", () => {
    const r = run(
      gateway("eg", `  - {name: http, port: 80, protocol: HTTP}`, `  tls:\n    frontend:\n      default:\n        validation: {caCertificateRefs: [{group: "", kind: ConfigMap, name: missing}]}`),
      ROUTE,
    );
    const cs = listenerConds(r, "default/eg", "http");
    expect(cond(cs, "ResolvedRefs")?.status).toBe("True");
    expect(cond(cs, "Programmed")?.status).toBe("True");
  });
});
