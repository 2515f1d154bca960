// PEM checks for certificates, keys and CA bundles that users put in Secrets
// and ConfigMaps. Parsing them here (node:crypto, no clock, no I/O) turns a
// malformed certificate into a status condition instead of an Envoy NACK.
// Expiry is not checked: it would make translation depend on the clock.
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import type { ConfigMap, Secret } from "../../api/core.ts";
import { envoyCertificateProblem, type CertRole } from "./envoy-cert-rules.ts";

export type PemResult<T> = { ok: true; value: T } | { ok: false; message: string };

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/** Every CERTIFICATE block of a PEM text, parsed; fails if there is none or one is corrupt. */
export function parseCertificates(pem: string): PemResult<X509Certificate[]> {
  const blocks = pem.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) return { ok: false, message: "no PEM certificate found" };
  const certs: X509Certificate[] = [];
  for (const [i, b] of blocks.entries()) {
    try {
      certs.push(new X509Certificate(b));
    } catch (err) {
      return { ok: false, message: `certificate ${i + 1} cannot be parsed (${(err as Error).message})` };
    }
  }
  return { ok: true, value: certs };
}

function parseKey(pem: string): PemResult<KeyObject> {
  try {
    return { ok: true, value: createPrivateKey(pem) };
  } catch (err) {
    return { ok: false, message: `the private key cannot be parsed (${(err as Error).message})` };
  }
}

/**
 * A certificate chain and its key: both parse, the key belongs to the first
 * certificate, and Envoy would load that certificate in a TLS context of `role`.
 */
export function checkKeyPair(certPem: string, keyPem: string, role: CertRole = "server"): PemResult<{ leaf: X509Certificate }> {
  const certs = parseCertificates(certPem);
  if (!certs.ok) return certs;
  const key = parseKey(keyPem);
  if (!key.ok) return key;
  const leaf = certs.value[0] as X509Certificate;
  if (!leaf.checkPrivateKey(key.value)) return { ok: false, message: "the private key does not match the certificate" };
  const problem = envoyCertificateProblem(leaf, role);
  if (problem) return { ok: false, message: problem };
  return { ok: true, value: { leaf } };
}

/** A CA bundle: at least one certificate, all parse, and each is a CA (basicConstraints CA:TRUE). */
export function checkCaBundle(pem: string): PemResult<X509Certificate[]> {
  const certs = parseCertificates(pem);
  if (!certs.ok) return certs;
  const notCa = certs.value.findIndex((c) => !c.ca);
  if (notCa >= 0) return { ok: false, message: `certificate ${notCa + 1} is not a CA certificate` };
  return certs;
}

/** A Secret value (data is base64, stringData is plain), undefined when absent or not base64. */
export function secretValue(secret: Secret, key: string): string | undefined {
  const s = secret.stringData?.[key];
  if (typeof s === "string") return s;
  const b = secret.data?.[key];
  if (typeof b !== "string" || !/^[A-Za-z0-9+/=\s]*$/.test(b)) return undefined;
  return Buffer.from(b, "base64").toString("utf8");
}

/** A ConfigMap value (data only; binaryData is not text). */
export function configMapValue(cm: ConfigMap, key: string): string | undefined {
  const v = cm.data?.[key];
  return typeof v === "string" ? v : undefined;
}

/** The PEM pair of a kubernetes.io/tls Secret, checked for a TLS context of `role`. */
export function tlsSecretPair(secret: Secret, role: CertRole = "server"): PemResult<{ cert: string; key: string }> {
  if (secret.type !== undefined && secret.type !== "kubernetes.io/tls") {
    return { ok: false, message: `type is ${JSON.stringify(secret.type)}, not kubernetes.io/tls` };
  }
  const cert = secretValue(secret, "tls.crt");
  const key = secretValue(secret, "tls.key");
  if (!cert) return { ok: false, message: "tls.crt is missing" };
  if (!key) return { ok: false, message: "tls.key is missing" };
  const pair = checkKeyPair(cert, key, role);
  if (!pair.ok) return pair;
  return { ok: true, value: { cert, key } };
}
