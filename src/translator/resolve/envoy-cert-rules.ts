// What Envoy 1.40 (BoringSSL) refuses when it loads a certificate for a TLS
// context, checked up front so that such a certificate becomes a status
// condition instead of a NACK. Each rule was seen with `envoy --mode validate`
// (docs/tls.md lists them). Only the leaf matters: Envoy does not look at the
// keys of intermediates, and CA bundles have none of these rules.
import type { X509Certificate } from "node:crypto";
import { TAG, children, oid, parse, type Tlv } from "./der.ts";

/** A server certificate (DownstreamTlsContext) has more rules than a client one (UpstreamTlsContext). */
export type CertRole = "server" | "client";

const OID = {
  commonName: oid("2.5.4.3"),
  subjectAltName: oid("2.5.29.17"),
  tlsFeature: oid("1.3.6.1.5.5.7.1.24"),
};
/** P-256, P-384, P-521: the only curves Envoy loads. */
const EC_CURVES = new Set([oid("1.2.840.10045.3.1.7"), oid("1.3.132.0.34"), oid("1.3.132.0.35")]);
// GeneralName tags Envoy counts as a SAN name: dNSName [2], uniformResourceIdentifier [6],
// iPAddress [7]. An email, otherName, directoryName or registeredID SAN does not count.
const COUNTED_SAN_TAGS = new Set([0x82, 0x86, 0x87]);
/** The TLS Feature value status_request (RFC 7633): "must staple". */
const STATUS_REQUEST = 5;

interface CertFields {
  subject: Tlv;
  spki: Tlv;
  extensions: Map<string, Tlv>;
}

function fields(der: Buffer): CertFields | undefined {
  const cert = parse(der);
  const tbs = cert && children(cert)?.[0];
  const kids = tbs && children(tbs);
  if (!kids) return undefined;
  const v = kids[0]?.tag === 0xa0 ? 1 : 0; // [0] version is optional
  const subject = kids[v + 4];
  const spki = kids[v + 5];
  if (!subject || !spki) return undefined;
  const extensions = new Map<string, Tlv>();
  const wrapper = kids.slice(v + 6).find((k) => k.tag === 0xa3);
  const list = wrapper && children(wrapper)?.[0];
  for (const ext of (list && children(list)) ?? []) {
    const parts = children(ext);
    const id = parts?.[0];
    const value = parts?.[parts.length - 1];
    if (id?.tag === TAG.OID && value?.tag === TAG.OCTET_STRING) extensions.set(id.value.toString("hex"), value);
  }
  return { subject, spki, extensions };
}

function hasCommonName(subject: Tlv): boolean {
  for (const rdn of children(subject) ?? []) {
    for (const atv of children(rdn) ?? []) {
      const id = children(atv)?.[0];
      if (id?.tag === TAG.OID && id.value.toString("hex") === OID.commonName) return true;
    }
  }
  return false;
}

function hasCountedSan(ext: Tlv | undefined): boolean {
  const names = ext && parse(ext.value);
  return (names && children(names)?.some((n) => COUNTED_SAN_TAGS.has(n.tag))) ?? false;
}

function mustStaple(ext: Tlv | undefined): boolean {
  const features = ext && parse(ext.value);
  return (features && children(features)?.some((f) => f.tag === TAG.INTEGER && f.value.length === 1 && f.value[0] === STATUS_REQUEST)) ?? false;
}

/** The hex OID of an EC public key's named curve, or undefined for explicit parameters. */
function ecCurveOid(spki: Tlv): string | undefined {
  const alg = children(spki)?.[0];
  const params = alg && children(alg)?.[1];
  return params?.tag === TAG.OID ? params.value.toString("hex") : undefined;
}

function keyProblem(leaf: X509Certificate, f: CertFields): string | undefined {
  const key = leaf.publicKey;
  switch (key.asymmetricKeyType) {
    case "rsa": {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      return bits < 2048 ? `its RSA key has ${bits} bits; Envoy needs 2048 or more` : undefined;
    }
    case "ec": {
      const curve = ecCurveOid(f.spki);
      if (curve === undefined) return "its EC key has explicit curve parameters; Envoy needs a named curve (P-256, P-384 or P-521)";
      if (EC_CURVES.has(curve)) return undefined;
      return `its EC key is on curve ${key.asymmetricKeyDetails?.namedCurve ?? "unknown"}; Envoy supports only P-256, P-384 and P-521`;
    }
    case "ed25519":
      return undefined;
    default:
      return `its key type ${String(key.asymmetricKeyType)} is not supported by Envoy (RSA, ECDSA P-256/P-384/P-521 or Ed25519)`;
  }
}

/**
 * Why Envoy would refuse `leaf` as the certificate of a TLS context of `role`,
 * or undefined when it would load it. Expiry is not a rule: Envoy loads
 * expired certificates, and checking it would make translation read the clock.
 */
export function envoyCertificateProblem(leaf: X509Certificate, role: CertRole): string | undefined {
  const f = fields(leaf.raw);
  if (!f) return "the certificate cannot be read";
  const key = keyProblem(leaf, f);
  if (key) return `the certificate is not usable: ${key}`;
  if (role === "client") return undefined;
  if (!hasCommonName(f.subject) && !hasCountedSan(f.extensions.get(OID.subjectAltName))) {
    return "the certificate has neither a subject CN nor a DNS, URI or IP SAN, which Envoy requires of a server certificate";
  }
  // Envoy refuses a must-staple certificate without an OCSP response, and switchyard sends none.
  if (mustStaple(f.extensions.get(OID.tlsFeature))) return "the certificate is must-staple (TLS Feature status_request), which needs an OCSP response that switchyard does not serve";
  return undefined;
}
