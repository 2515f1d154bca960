// HTTPS listeners (TLS Terminate): SDS certificates, one filter chain per
// hostname picked by SNI, several certificates, ALPN, PEM checks, ReferenceGrant,
// and secrets confined to the snapshots of the Gateways that reference them.
import { describe, expect, it } from "vitest";
import { PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { cond, downstreamTls, gateway, httpRoute, listenerConds, run, snapshot, statusOf } from "./tls-helpers.ts";

const ROUTE = httpRoute(8080);
const SECRETS = [
  tlsSecretYaml("default", "rsa", PEM.rsaCert, PEM.rsaKey),
  tlsSecretYaml("default", "ecdsa", PEM.ecdsaCert, PEM.ecdsaKey),
];

describe("HTTPS Terminate", () => {
  it("one SNI filter chain per hostname, several certificates over SDS, ALPN h2,http/1.1, tls_inspector", () => {
    const r = run(
      gateway(
        "eg",
        `  - {name: foo, port: 443, protocol: HTTPS, hostname: foo.example.com, tls: {certificateRefs: [{name: rsa}, {name: ecdsa}]}}
  - {name: bar, port: 443, protocol: HTTPS, hostname: bar.example.com, tls: {mode: Terminate, certificateRefs: [{name: rsa}]}}`,
      ),
      ROUTE,
      ...SECRETS,
    );
    for (const l of ["foo", "bar"]) {
      const cs = listenerConds(r, "default/eg", l);
      expect(cond(cs, "ResolvedRefs")?.status).toBe("True");
      expect(cond(cs, "Programmed")?.status).toBe("True");
    }
    const snap = snapshot(r, "default/eg");
    expect(snap.listeners).toHaveLength(1);
    const lis = snap.listeners[0]!;
    expect(lis.listenerFilters.map((f) => f.name)).toEqual(["envoy.filters.listener.tls_inspector"]);
    const chains = Object.fromEntries(lis.filterChains.map((c) => [c.filterChainMatch?.serverNames.join(","), c]));
    expect(Object.keys(chains).sort()).toEqual(["bar.example.com", "foo.example.com"]);
    const foo = downstreamTls(chains["foo.example.com"]!.transportSocket);
    expect(foo.commonTlsContext?.tlsCertificateSdsSecretConfigs.map((s) => s.name)).toEqual(["secret/default/rsa", "secret/default/ecdsa"]);
    expect(foo.commonTlsContext?.tlsCertificateSdsSecretConfigs[0]?.sdsConfig?.configSourceSpecifier.case).toBe("ads");
    expect(foo.commonTlsContext?.alpnProtocols).toEqual(["h2", "http/1.1"]);
    expect(foo.requireClientCertificate).toBeUndefined();
    const bar = downstreamTls(chains["bar.example.com"]!.transportSocket);
    expect(bar.commonTlsContext?.tlsCertificateSdsSecretConfigs.map((s) => s.name)).toEqual(["secret/default/rsa"]);
    // Each certificate is one SDS secret, with the PEM inline.
    expect(snap.secrets.map((s) => s.name)).toEqual(["secret/default/ecdsa", "secret/default/rsa"]);
    const rsa = snap.secrets.find((s) => s.name === "secret/default/rsa")!;
    expect(rsa.type.case).toBe("tlsCertificate");
    if (rsa.type.case === "tlsCertificate") expect(rsa.type.value.certificateChain?.specifier).toEqual({ case: "inlineString", value: PEM.rsaCert });
  });

  it.each([
    ["a missing Secret", "missing", [], /Secret default\/missing does not exist/],
    ["a corrupt certificate", "bad", [tlsSecretYaml("default", "bad", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", PEM.rsaKey)], /cannot be parsed/],
    ["no certificate at all", "bad", [tlsSecretYaml("default", "bad", "hello", PEM.rsaKey)], /no PEM certificate/],
    ["a key of another certificate", "bad", [tlsSecretYaml("default", "bad", PEM.rsaCert, PEM.ecdsaKey)], /does not match/],
    ["a corrupt key", "bad", [tlsSecretYaml("default", "bad", PEM.rsaCert, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")], /private key cannot be parsed/],
    ["an Opaque Secret", "bad", [tlsSecretYaml("default", "bad", PEM.rsaCert, PEM.rsaKey, "Opaque")], /not kubernetes.io\/tls/],
  ])("%s -> ResolvedRefs=False/InvalidCertificateRef, not programmed, no secret sent", (_what, name, extra, message) => {
    const r = run(gateway("eg", `  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: ${name}}]}}`), ROUTE, ...extra);
    const cs = listenerConds(r, "default/eg", "https");
    expect(cond(cs, "ResolvedRefs")).toMatchObject({ status: "False", reason: "InvalidCertificateRef" });
    expect(cond(cs, "ResolvedRefs")?.message).toMatch(message);
    expect(cond(cs, "Programmed")?.status).toBe("False");
    const snap = snapshot(r, "default/eg");
    expect(snap.listeners).toEqual([]);
    expect(snap.secrets).toEqual([]);
  });

  it("a certificateRef of another kind -> InvalidCertificateRef", () => {
    const r = run(gateway("eg", `  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{group: example.com, kind: Cert, name: rsa}]}}`), ...SECRETS);
    expect(cond(listenerConds(r, "default/eg", "https"), "ResolvedRefs")).toMatchObject({ status: "False", reason: "InvalidCertificateRef" });
  });

  it("a cross-namespace Secret needs a ReferenceGrant: RefNotPermitted without, resolved with", () => {
    const other = tlsSecretYaml("certs", "shared", PEM.rsaCert, PEM.rsaKey);
    const gw = gateway("eg", `  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: shared, namespace: certs}]}}`);
    const denied = run(gw, ROUTE, other);
    expect(cond(listenerConds(denied, "default/eg", "https"), "ResolvedRefs")).toMatchObject({ status: "False", reason: "RefNotPermitted" });
    expect(snapshot(denied, "default/eg").secrets).toEqual([]);
    const grant = `apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: allow-eg, namespace: certs}
spec:
  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: default}]
  to: [{group: "", kind: Secret, name: shared}]
`;
    const allowed = run(gw, ROUTE, other, grant);
    expect(cond(listenerConds(allowed, "default/eg", "https"), "ResolvedRefs")?.status).toBe("True");
    expect(snapshot(allowed, "default/eg").secrets.map((s) => s.name)).toEqual(["secret/certs/shared"]);
  });

  it("sends a secret only to the Gateways that reference it", () => {
    const r = run(
      gateway("a", `  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: rsa}]}}`),
      gateway("b", `  - {name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: ecdsa}]}}`),
      gateway("c", `  - {name: http, port: 80, protocol: HTTP}`),
      ...SECRETS,
      tlsSecretYaml("default", "unused", PEM.rsaCert, PEM.rsaKey),
    );
    expect(snapshot(r, "default/a").secrets.map((s) => s.name)).toEqual(["secret/default/rsa"]);
    expect(snapshot(r, "default/b").secrets.map((s) => s.name)).toEqual(["secret/default/ecdsa"]);
    expect(snapshot(r, "default/c").secrets).toEqual([]);
    expect(statusOf(r, "Gateway", "default/a").status.conditions?.find((c) => c.type === "Programmed")?.status).toBe("True");
  });
});
