// Certificates Envoy refuses to load (tls-envoy-cases.ts) are refused by the
// translator the way a malformed one is: the listener gets
// ResolvedRefs=False/InvalidCertificateRef and Programmed=False, its secret is
// not sent, and the Gateway's other listeners keep working. A backend client
// certificate follows the rules of a client context, which are fewer.
import { beforeAll, describe, expect, it } from "vitest";
import { PEM, tlsSecretYaml } from "../fixtures/certs/fixtures.ts";
import { issueLeaf } from "../fixtures/certs/issue.ts";
import { CERT_CASES } from "./tls-envoy-cases.ts";
import { cond, gateway, httpRoute, listenerConds, run, snapshot, statusOf } from "./tls-helpers.ts";

const pems = new Map<string, { cert: string; key: string }>();
beforeAll(async () => {
  for (const c of CERT_CASES) pems.set(c.name, await issueLeaf(c.spec));
}, 120_000);

const GOOD = tlsSecretYaml("default", "good", PEM.rsaCert, PEM.rsaKey);
const secretOf = (name: string) => tlsSecretYaml("default", "case", pems.get(name)!.cert, pems.get(name)!.key);

describe("listener certificates Envoy would refuse", () => {
  it.each(CERT_CASES.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    const r = run(
      gateway(
        "eg",
        `  - {name: case, port: 443, protocol: HTTPS, hostname: a.example.com, tls: {certificateRefs: [{name: case}]}}
  - {name: good, port: 443, protocol: HTTPS, hostname: foo.example.com, tls: {certificateRefs: [{name: good}]}}`,
      ),
      httpRoute(8080),
      secretOf(c.name),
      GOOD,
    );
    const cs = listenerConds(r, "default/eg", "case");
    const secrets = snapshot(r, "default/eg").secrets.map((s) => s.name);
    if (c.server) {
      expect(cond(cs, "ResolvedRefs")).toMatchObject({ status: "True" });
      expect(cond(cs, "Programmed")).toMatchObject({ status: "True" });
      expect(secrets).toContain("secret/default/case");
    } else {
      expect(cond(cs, "ResolvedRefs")).toMatchObject({ status: "False", reason: "InvalidCertificateRef", message: expect.stringMatching(c.message!) });
      expect(cond(cs, "Programmed")).toMatchObject({ status: "False" });
      expect(secrets).not.toContain("secret/default/case");
    }
    expect(cond(listenerConds(r, "default/eg", "good"), "Programmed")).toMatchObject({ status: "True" });
    expect(secrets).toContain("secret/default/good");
  });
});

describe("backend client certificates Envoy would refuse", () => {
  const gw = gateway("eg", `  - {name: http, port: 80, protocol: HTTP}`, `  tls:\n    backend:\n      clientCertificateRef: {name: case}`);
  const policy = `apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: p, namespace: default}
spec:
  targetRefs: [{group: "", kind: Service, name: backend}]
  validation: {hostname: backend.example.com, wellKnownCACertificates: System}
`;
  it.each(CERT_CASES.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    const r = run(gw, httpRoute(443), secretOf(c.name), policy);
    const rr = cond(statusOf(r, "Gateway", "default/eg").status.conditions, "ResolvedRefs");
    const secrets = snapshot(r, "default/eg").secrets.map((s) => s.name);
    if (c.client) {
      expect(rr).toMatchObject({ status: "True" });
      expect(secrets).toEqual(["secret/default/case"]);
    } else {
      expect(rr).toMatchObject({ status: "False", reason: "InvalidClientCertificateRef", message: expect.stringMatching(c.message!) });
      expect(secrets).toEqual([]);
    }
  });
});
