// Validation of HTTPS and TLS listeners' certificates: kind, existence,
// ReferenceGrant, and a well-formed kubernetes.io/tls Secret. It fills the
// listener's TLS termination settings; the TLS data path is built elsewhere.
import { GATEWAY_GROUP } from "../../api/gateway-api.ts";
import type { ResourceSet } from "../../api/resource-set.ts";
import { secretName } from "../names.ts";
import { ListenerReason } from "./conditions.ts";
import { listenerNamespace, type ResolvedListener } from "./model.ts";
import { refAllowed } from "./refs.ts";
import type { IrSecret } from "../ir.ts";
import type { ResolveHooks } from "./hooks.ts";
import { tlsSecretPair } from "./tls-pem.ts";

export function validateTlsListener(rs: ResourceSet, l: ResolvedListener, hooks: readonly ResolveHooks[]): void {
  const tls = l.spec.tls;
  const mode = tls?.mode ?? "Terminate";
  if (l.protocol === "TLS" && mode === "Passthrough") return;
  if (l.protocol === "HTTPS" && mode === "Passthrough") {
    l.accepted = { ok: false, reason: "UnsupportedValue", message: "HTTPS listeners cannot use TLS Passthrough" };
    return;
  }
  const refs = Array.isArray(tls?.certificateRefs) ? tls.certificateRefs : [];
  if (refs.length === 0) {
    fail(l, ListenerReason.InvalidCertificateRef, "no certificateRefs are set");
    return;
  }
  // A ListenerSet's certificateRefs are its own: relative to its namespace, and granted to kind ListenerSet.
  const gwNs = listenerNamespace(l);
  const from = { group: GATEWAY_GROUP, kind: l.listenerSet ? "ListenerSet" : "Gateway", namespace: gwNs };
  const secrets: string[] = [];
  const pairs: IrSecret[] = [];
  for (const ref of refs) {
    const group = ref?.group ?? "";
    const kind = ref?.kind ?? "Secret";
    const ns = ref?.namespace ?? gwNs;
    const name = String(ref?.name ?? "");
    if (group !== "" || kind !== "Secret") {
      fail(l, ListenerReason.InvalidCertificateRef, `certificateRef ${group}/${kind} ${name} is not a Secret`);
      return;
    }
    if (!refAllowed(rs, from, { group: "", kind: "Secret", namespace: ns, name })) {
      fail(l, ListenerReason.RefNotPermitted, `certificateRef to Secret ${ns}/${name} is not permitted by any ReferenceGrant`);
      return;
    }
    const secret = rs.get("Secret", `${ns}/${name}`);
    // The PEM is parsed (node:crypto) and the key matched to the certificate.
    const pem = secret ? tlsSecretPair(secret) : undefined;
    if (!pem?.ok) {
      fail(l, ListenerReason.InvalidCertificateRef, secret && pem && !pem.ok ? `Secret ${ns}/${name} is not a valid TLS Secret: ${pem.message}` : `Secret ${ns}/${name} does not exist`);
      return;
    }
    const sname = secretName(ns, name);
    pairs.push({ name: sname, certificateChain: pem.value.cert, privateKey: pem.value.key });
    secrets.push(sname);
  }
  l.tls = { certificateSecrets: secrets };
  for (const h of hooks) h.tlsListener?.(rs, l);
  // Only a listener that will serve puts its certificates in its Gateway's snapshot.
  if (l.accepted.ok && l.resolvedRefs.ok) for (const p of pairs) l.gateway.secrets.set(p.name, p);
}

function fail(l: ResolvedListener, reason: string, message: string): void {
  l.resolvedRefs = { ok: false, reason, message };
}
