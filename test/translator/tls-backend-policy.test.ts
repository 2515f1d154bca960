// BackendTLSPolicy v1alpha3 and v1: UpstreamTlsContext on the target's
// clusters, CA from ConfigMap or the system bundle, SNI and SAN checks,
// sectionName, conflicts, ancestors status, and fail-closed invalid CAs.
import { fromBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import type { Cluster } from "../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { SubjectAltNameMatcher_SanType } from "../../src/gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import { UpstreamTlsContextSchema } from "../../src/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { SYSTEM_CA_BUNDLE, UNMATCHABLE_SAN } from "../../src/translator/features/backend-tls/emit.ts";
import { caConfigMapYaml, PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { cond, gateway, httpRoute, run, snapshot, statusOf } from "./tls-helpers.ts";

const GW = gateway("eg", `  - {name: http, port: 80, protocol: HTTP}`);
const ROUTE = httpRoute(443);
const CA = caConfigMapYaml("default", "backend-ca", PEM.backendCa);

function policy(apiVersion: string, name: string, validation: string, opts: { section?: string; created?: string; target?: string } = {}): string {
  return `apiVersion: gateway.networking.k8s.io/${apiVersion}
kind: BackendTLSPolicy
metadata: {name: ${name}, namespace: default, generation: 2${opts.created ? `, creationTimestamp: "${opts.created}"` : ""}}
spec:
  targetRefs: [{group: "", kind: Service, name: ${opts.target ?? "backend"}${opts.section ? `, sectionName: ${opts.section}` : ""}}]
  validation: ${validation}
`;
}

function upstream(c: Cluster | undefined) {
  const ts = c?.transportSocket?.configType;
  if (ts?.case !== "typedConfig") return undefined;
  return fromBinary(UpstreamTlsContextSchema, ts.value.value);
}

const clusterOf = (r: ReturnType<typeof run>, name = "service/default/backend/443") => snapshot(r, "default/eg").clusters.find((c) => c.name === name);
const endpointsOf = (r: ReturnType<typeof run>, name = "service/default/backend/443") =>
  snapshot(r, "default/eg").endpoints.find((e) => e.clusterName === name)?.endpoints.flatMap((l) => l.lbEndpoints) ?? [];

describe.each(["v1alpha3", "v1"])("BackendTLSPolicy %s", (v) => {
  it("CA from a ConfigMap: SNI = hostname, SAN = hostname, CA over SDS, ancestors Accepted", () => {
    const r = run(GW, ROUTE, CA, policy(v, "p", `{hostname: backend.example.com, caCertificateRefs: [{group: "", kind: ConfigMap, name: backend-ca}]}`));
    const tls = upstream(clusterOf(r));
    expect(tls?.sni).toBe("backend.example.com");
    const vc = tls?.commonTlsContext?.validationContextType;
    expect(vc?.case).toBe("combinedValidationContext");
    if (vc?.case === "combinedValidationContext") {
      expect(vc.value.validationContextSdsSecretConfig?.name).toBe("ca/configmap/default/backend-ca");
      expect(vc.value.defaultValidationContext?.matchTypedSubjectAltNames.map((m) => [m.sanType, m.matcher?.matchPattern.value])).toEqual([
        [SubjectAltNameMatcher_SanType.DNS, "backend.example.com"],
      ]);
    }
    expect(snapshot(r, "default/eg").secrets.map((s) => s.name)).toEqual(["ca/configmap/default/backend-ca"]);
    expect(endpointsOf(r)).toHaveLength(1);
    const st = statusOf(r, "BackendTLSPolicy", "default/p");
    expect(st.target.apiVersion).toBe(`gateway.networking.k8s.io/${v}`);
    expect(st.ancestors).toHaveLength(1);
    expect(st.ancestors[0]?.ancestorRef).toEqual({ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "default", name: "eg" });
    expect(st.ancestors[0]?.conditions.map((c) => [c.type, c.status, c.reason, c.observedGeneration])).toEqual([
      ["Accepted", "True", "Accepted", 2],
      ["ResolvedRefs", "True", "ResolvedRefs", 2],
    ]);
  });

  it("wellKnownCACertificates System -> the Envoy image's system bundle; subjectAltNames replace the hostname check", () => {
    const r = run(
      GW,
      ROUTE,
      policy(v, "p", `{hostname: backend.example.com, wellKnownCACertificates: System, subjectAltNames: [{type: Hostname, hostname: "*.svc.example.com"}, {type: URI, uri: "spiffe://cluster/ns/default/sa/backend"}]}`),
    );
    const tls = upstream(clusterOf(r));
    expect(tls?.sni).toBe("backend.example.com");
    const vc = tls?.commonTlsContext?.validationContextType;
    expect(vc?.case).toBe("validationContext");
    if (vc?.case === "validationContext") {
      expect(vc.value.trustedCa?.specifier).toEqual({ case: "filename", value: SYSTEM_CA_BUNDLE });
      expect(vc.value.matchTypedSubjectAltNames.map((m) => [m.sanType, m.matcher?.matchPattern.value])).toEqual([
        [SubjectAltNameMatcher_SanType.DNS, "*.svc.example.com"],
        [SubjectAltNameMatcher_SanType.URI, "spiffe://cluster/ns/default/sa/backend"],
      ]);
    }
    expect(snapshot(r, "default/eg").secrets).toEqual([]);
  });

  it.each([
    ["a missing ConfigMap", `[{group: "", kind: ConfigMap, name: nope}]`, "InvalidCACertificateRef"],
    ["a ConfigMap without ca.crt", `[{group: "", kind: ConfigMap, name: wrong-key}]`, "InvalidCACertificateRef"],
    ["a corrupt CA", `[{group: "", kind: ConfigMap, name: corrupt}]`, "InvalidCACertificateRef"],
    ["an unsupported kind", `[{group: "", kind: Service, name: backend}]`, "InvalidKind"],
  ])("%s -> ResolvedRefs=False/%s, Accepted=False/NoValidCACertificate, and the connection fails (no endpoints, unmatchable SAN)", (_what, refs, reason) => {
    const r = run(
      GW,
      ROUTE,
      caConfigMapYaml("default", "wrong-key", PEM.backendCa, "tls.crt"),
      caConfigMapYaml("default", "corrupt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
      policy(v, "p", `{hostname: backend.example.com, caCertificateRefs: ${refs}}`),
    );
    const c = statusOf(r, "BackendTLSPolicy", "default/p").ancestors[0]?.conditions;
    expect(cond(c, "ResolvedRefs")).toMatchObject({ status: "False", reason });
    expect(cond(c, "Accepted")).toMatchObject({ status: "False", reason: "NoValidCACertificate" });
    // Never plaintext: the cluster keeps TLS that cannot verify, and has no endpoints (Envoy answers 503).
    const tls = upstream(clusterOf(r));
    const vc = tls?.commonTlsContext?.validationContextType;
    expect(vc?.case === "validationContext" && vc.value.matchTypedSubjectAltNames[0]?.matcher?.matchPattern.value).toBe(UNMATCHABLE_SAN);
    expect(endpointsOf(r)).toEqual([]);
    expect(snapshot(r, "default/eg").secrets).toEqual([]);
  });

  it("an unsupported wellKnownCACertificates value -> Accepted=False/Invalid, fail closed", () => {
    const r = run(GW, ROUTE, policy(v, "p", `{hostname: backend.example.com, wellKnownCACertificates: example.com/corp}`));
    expect(cond(statusOf(r, "BackendTLSPolicy", "default/p").ancestors[0]?.conditions, "Accepted")).toMatchObject({ status: "False", reason: "Invalid" });
    expect(endpointsOf(r)).toEqual([]);
  });

  it("sectionName: the policy applies to the named Service port only", () => {
    const route2 = ROUTE.replace("rules: [{backendRefs: [{name: backend, port: 443}]}]", "rules: [{backendRefs: [{name: backend, port: 443}]}, {matches: [{path: {type: PathPrefix, value: /plain}}], backendRefs: [{name: backend, port: 8080}]}]");
    const r = run(GW, route2, CA, policy(v, "p", `{hostname: backend.example.com, caCertificateRefs: [{group: "", kind: ConfigMap, name: backend-ca}]}`, { section: "https" }));
    expect(upstream(clusterOf(r))?.sni).toBe("backend.example.com");
    expect(clusterOf(r, "service/default/backend/8080")?.transportSocket).toBeUndefined();
  });

  it("conflicts: the oldest policy for the same target wins, the other is Conflicted; a sectionName policy does not conflict with a whole-Service one", () => {
    const vld = (h: string) => `{hostname: ${h}, caCertificateRefs: [{group: "", kind: ConfigMap, name: backend-ca}]}`;
    const r = run(
      GW,
      ROUTE,
      CA,
      policy(v, "newer", vld("newer.example.com"), { created: "2025-02-01T00:00:00Z" }),
      policy(v, "older", vld("older.example.com"), { created: "2025-01-01T00:00:00Z" }),
      policy(v, "port", vld("port.example.com"), { section: "https", created: "2025-03-01T00:00:00Z" }),
    );
    const accepted = (n: string) => cond(statusOf(r, "BackendTLSPolicy", `default/${n}`).ancestors[0]?.conditions, "Accepted");
    expect(accepted("older")).toMatchObject({ status: "True" });
    expect(accepted("newer")).toMatchObject({ status: "False", reason: "Conflicted" });
    expect(accepted("port")).toMatchObject({ status: "True" });
    // The port-specific policy is the more specific one for port 443.
    expect(upstream(clusterOf(r))?.sni).toBe("port.example.com");
  });

  it("equal age: namespace/name order decides", () => {
    const vld = (h: string) => `{hostname: ${h}, wellKnownCACertificates: System}`;
    const r = run(GW, ROUTE, policy(v, "b", vld("b.example.com")), policy(v, "a", vld("a.example.com")));
    expect(cond(statusOf(r, "BackendTLSPolicy", "default/b").ancestors[0]?.conditions, "Accepted")).toMatchObject({ reason: "Conflicted" });
    expect(upstream(clusterOf(r))?.sni).toBe("a.example.com");
  });

  it("a policy whose Service no Gateway uses has no ancestors", () => {
    const r = run(GW, ROUTE, policy(v, "p", `{hostname: x.example.com, wellKnownCACertificates: System}`, { target: "unused" }));
    expect(statusOf(r, "BackendTLSPolicy", "default/p").ancestors).toEqual([]);
    expect(clusterOf(r)?.transportSocket).toBeUndefined();
  });

  it("an invalid hostname -> Accepted=False/Invalid", () => {
    const r = run(GW, ROUTE, policy(v, "p", `{hostname: "10.0.0.1", wellKnownCACertificates: System}`));
    expect(cond(statusOf(r, "BackendTLSPolicy", "default/p").ancestors[0]?.conditions, "Accepted")).toMatchObject({ status: "False", reason: "Invalid" });
  });
});

describe("BackendTLSPolicy and TLS passthrough", () => {
  it("does not wrap a passthrough TLSRoute's backend in TLS again", () => {
    const r = run(
      gateway("eg", `  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}}`),
      `apiVersion: gateway.networking.k8s.io/v1
kind: TLSRoute
metadata: {name: pass, namespace: default}
spec:
  parentRefs: [{name: eg}]
  hostnames: [app.example.com]
  rules: [{backendRefs: [{name: backend, port: 443}]}]
`,
      policy("v1", "p", `{hostname: backend.example.com, wellKnownCACertificates: System}`),
    );
    expect(clusterOf(r)?.transportSocket).toBeUndefined();
    expect(statusOf(r, "BackendTLSPolicy", "default/p").ancestors).toEqual([]);
  });
});

describe("BackendTLSPolicy on an HTTP/2 backend", () => {
  it("negotiates h2 by ALPN", () => {
    const r = run(
      GW,
      `apiVersion: v1
kind: Service
metadata: {name: grpc, namespace: default}
spec: {ports: [{name: grpc, port: 9000, appProtocol: kubernetes.io/h2c}]}
`,
      ROUTE.replace("{name: backend, port: 443}", "{name: grpc, port: 9000}"),
      policy("v1", "p", `{hostname: grpc.example.com, wellKnownCACertificates: System}`, { target: "grpc" }),
    );
    expect(upstream(clusterOf(r, "service/default/grpc/9000"))?.commonTlsContext?.alpnProtocols).toEqual(["h2"]);
    expect(upstream(clusterOf(r, "service/default/grpc/9000"))?.sni).toBe("grpc.example.com");
  });
});

describe("Gateway spec.tls.backend.clientCertificateRef", () => {
  const gwWith = (ref: string) => gateway("eg", `  - {name: http, port: 80, protocol: HTTP}`, `  tls:\n    backend:\n      clientCertificateRef: ${ref}`);
  const CLIENT = tlsSecretYaml("default", "client", PEM.ecdsaCert, PEM.ecdsaKey);
  const P = policy("v1", "p", `{hostname: backend.example.com, wellKnownCACertificates: System}`);

  it("is presented to TLS backends, and sent only when one uses it", () => {
    const r = run(gwWith(`{group: "", kind: Secret, name: client}`), ROUTE, CLIENT, P);
    expect(upstream(clusterOf(r))?.commonTlsContext?.tlsCertificateSdsSecretConfigs.map((s) => s.name)).toEqual(["secret/default/client"]);
    expect(snapshot(r, "default/eg").secrets.map((s) => s.name)).toEqual(["secret/default/client"]);
    expect(cond(statusOf(r, "Gateway", "default/eg").status.conditions, "ResolvedRefs")).toMatchObject({ status: "True" });
    const noTls = run(gwWith(`{group: "", kind: Secret, name: client}`), ROUTE, CLIENT);
    expect(snapshot(noTls, "default/eg").secrets).toEqual([]);
  });

  it.each([
    ["a missing Secret", `{group: "", kind: Secret, name: nope}`, "InvalidClientCertificateRef"],
    ["another group", `{group: wrong.example.com, kind: Secret, name: client}`, "InvalidClientCertificateRef"],
    ["another kind", `{group: "", kind: ConfigMap, name: client}`, "InvalidClientCertificateRef"],
    ["a malformed Secret", `{group: "", kind: Secret, name: malformed}`, "InvalidClientCertificateRef"],
    ["another namespace without ReferenceGrant", `{group: "", kind: Secret, name: client, namespace: elsewhere}`, "RefNotPermitted"],
  ])("%s -> Gateway ResolvedRefs=False/%s, still Accepted, and no client certificate", (_what, ref, reason) => {
    const r = run(
      gwWith(ref),
      ROUTE,
      CLIENT,
      P,
      tlsSecretYaml("default", "malformed", "junk", PEM.ecdsaKey),
      tlsSecretYaml("elsewhere", "client", PEM.ecdsaCert, PEM.ecdsaKey),
    );
    const conds = statusOf(r, "Gateway", "default/eg").status.conditions;
    expect(cond(conds, "ResolvedRefs")).toMatchObject({ status: "False", reason });
    expect(cond(conds, "Accepted")).toMatchObject({ status: "True", reason: "Accepted" });
    expect(upstream(clusterOf(r))?.commonTlsContext?.tlsCertificateSdsSecretConfigs).toEqual([]);
    expect(snapshot(r, "default/eg").secrets).toEqual([]);
  });
});
