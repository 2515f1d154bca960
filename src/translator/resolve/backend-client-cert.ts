// Gateway spec.tls.backend.clientCertificateRef (v1.4+): the certificate a
// Gateway presents to backends that BackendTLSPolicy puts under TLS. An invalid
// reference sets the Gateway's ResolvedRefs=False (InvalidClientCertificateRef,
// or RefNotPermitted across namespaces without a ReferenceGrant); the Gateway
// stays Accepted, and its TLS backends are reached without a client certificate.
import { GATEWAY_GROUP } from "../../api/gateway-api.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import { secretName } from "../names.ts";
import type { BackendClientCertificate, ResolvedGateway } from "./model.ts";
import { refAllowed } from "./refs.ts";
import { tlsSecretPair } from "./tls-pem.ts";

export function resolveBackendClientCertificate(rs: ResourceSet, g: ResolvedGateway): BackendClientCertificate | undefined {
  const ref = g.obj.spec?.tls?.backend?.clientCertificateRef;
  if (!ref || typeof ref !== "object") return undefined;
  const group = typeof ref.group === "string" ? ref.group : "";
  const kind = typeof ref.kind === "string" ? ref.kind : "Secret";
  const name = typeof ref.name === "string" ? ref.name : "";
  const ns = typeof ref.namespace === "string" && ref.namespace !== "" ? ref.namespace : g.namespace;
  const bad = (reason: string, message: string): BackendClientCertificate => ({ ok: false, reason, message: `spec.tls.backend.clientCertificateRef: ${message}` });
  if (group !== "" || kind !== "Secret") return bad("InvalidClientCertificateRef", `${group ? group + "/" : ""}${kind} ${ns}/${name} is not a Secret`);
  if (!refAllowed(rs, { group: GATEWAY_GROUP, kind: "Gateway", namespace: g.namespace }, { group: "", kind: "Secret", namespace: ns, name })) {
    return bad("RefNotPermitted", `Secret ${ns}/${name} is not permitted by any ReferenceGrant`);
  }
  const secret = rs.get("Secret", `${ns}/${name}`);
  if (!secret) return bad("InvalidClientCertificateRef", `Secret ${ns}/${name} does not exist`);
  const pair = tlsSecretPair(secret, "client");
  if (!pair.ok) return bad("InvalidClientCertificateRef", `Secret ${ns}/${name} is not a valid TLS Secret: ${pair.message}`);
  const sname = secretName(ns, name);
  return { ok: true, secret: { name: sname, certificateChain: pair.value.cert, privateKey: pair.value.key } };
}

/** The Gateway's ResolvedRefs condition, present only when a backend client certificate is configured. */
export function backendClientCertificateConditions(g: ResolvedGateway): { type: string; status: boolean; reason: string; message: string }[] {
  const c = g.backendClientCertificate;
  if (!c) return [];
  return c.ok
    ? [{ type: "ResolvedRefs", status: true, reason: "ResolvedRefs", message: "References are resolved" }]
    : [{ type: "ResolvedRefs", status: false, reason: c.reason, message: c.message }];
}
