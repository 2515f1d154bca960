// Gateway spec.tls.backend.clientCertificateRef (v1.4+): the certificate a
// Gateway presents to backends that BackendTLSPolicy puts under TLS. An invalid
// reference sets the Gateway's ResolvedRefs=False (InvalidClientCertificateRef,
// or RefNotPermitted across namespaces without a ReferenceGrant); the Gateway
// stays Accepted, and its TLS backends are reached without a client certificate.
import { GATEWAY_GROUP, type Gateway } from "../../../api/gateway-api.ts";
import type { ResourceSet } from "../../../api/resource-set.ts";
import { secretName } from "../../names.ts";
import type { IrGateway, IrSecret } from "../../ir.ts";
import type { ResolvedGateway, Verdict } from "../../resolve/model.ts";
import { refAllowed } from "../../resolve/refs.ts";
import { tlsSecretPair } from "../../resolve/tls-pem.ts";

/** The Gateway's backend client certificate: its SDS secret, or why it cannot be used. */
export type BackendClientCertificate = { ok: true; secret: IrSecret } | (Verdict & { ok: false });

export function resolveBackendClientCertificate(rs: ResourceSet, gw: Gateway): BackendClientCertificate | undefined {
  const ref = gw.spec?.tls?.backend?.clientCertificateRef;
  const g = { namespace: gw.metadata.namespace ?? "default" };
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
export function backendClientCertificateConditions(g: ResolvedGateway, rs: ResourceSet): { type: string; status: boolean; reason: string; message: string }[] {
  const c = resolveBackendClientCertificate(rs, g.obj);
  if (!c) return [];
  return c.ok
    ? [{ type: "ResolvedRefs", status: true, reason: "ResolvedRefs", message: "References are resolved" }]
    : [{ type: "ResolvedRefs", status: false, reason: c.reason, message: c.message }];
}

/** Sets IrGateway.backendClientCertificate of each Gateway whose certificate is usable. */
export function attachBackendClientCertificates(rs: ResourceSet, gateways: readonly IrGateway[]): void {
  // By the IR's key (a Gateway without a namespace is in "default", as resolve/gateway.ts has it).
  const byKey = new Map(rs.list("Gateway").map((gw) => [`${gw.metadata.namespace ?? "default"}/${gw.metadata.name}`, gw]));
  for (const g of gateways) {
    const gw = byKey.get(g.key);
    const c = gw ? resolveBackendClientCertificate(rs, gw) : undefined;
    if (c?.ok) g.backendClientCertificate = c.secret;
  }
}
