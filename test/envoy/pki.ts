// Throwaway PKI for real-Envoy TLS tests: CAs, server and client certificates made fresh in each
// run (never committed), and the Secret / ConfigMap manifests that carry them to switchyard.
import "reflect-metadata"; // @peculiar/x509 (through tsyringe) needs the Reflect polyfill first
import * as x509 from "@peculiar/x509";
import { randomBytes, webcrypto } from "node:crypto";
import { isIP } from "node:net";

x509.cryptoProvider.set(webcrypto);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
export type KeyType = "ecdsa" | "rsa";

export interface Issued {
  cert: string;
  key: string;
}

export interface Ca extends Issued {
  name: string;
  /** Issues a leaf signed by this CA. */
  issue(o: LeafOptions): Promise<Issued>;
}

export interface LeafOptions {
  cn: string;
  /** DNS names, IPs, or URIs (anything with "://"). */
  sans?: string[];
  keyType?: KeyType;
  usage?: "server" | "client";
}

const DAY = 86_400_000;

function genParams(t: KeyType): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  return t === "rsa"
    ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }
    : { name: "ECDSA", namedCurve: "P-256" };
}

function signParams(t: KeyType): webcrypto.Algorithm | webcrypto.EcdsaParams {
  return t === "rsa" ? { name: "RSASSA-PKCS1-v1_5" } : ({ name: "ECDSA", hash: "SHA-256" } as webcrypto.EcdsaParams);
}

async function keys(t: KeyType): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(genParams(t), true, ["sign", "verify"])) as CryptoKeyPair;
}

async function pemKey(k: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", k), "PRIVATE KEY");
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 1; // positive, no leading zero byte
  return b.toString("hex");
}

function san(v: string): x509.JsonGeneralName {
  if (v.includes("://")) return { type: "url", value: v };
  return isIP(v) ? { type: "ip", value: v } : { type: "dns", value: v };
}

// Validity starts an hour back so clock skew between processes cannot matter.
const notBefore = () => new Date(Date.now() - 3_600_000);

/** A self-signed ECDSA CA named `name`. */
export async function makeCa(name: string): Promise<Ca> {
  const kp = await keys("ecdsa");
  const nb = notBefore();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    notBefore: nb,
    notAfter: new Date(nb.getTime() + 2 * DAY),
    signingAlgorithm: signParams("ecdsa"),
    keys: kp,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(kp.publicKey),
    ],
  });
  const issue = async (o: LeafOptions): Promise<Issued> => {
    const t = o.keyType ?? "ecdsa";
    const leaf = await keys(t);
    const start = notBefore();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${o.cn}`,
      issuer: caCert.subject,
      notBefore: start,
      notAfter: new Date(start.getTime() + 2 * DAY),
      signingAlgorithm: signParams("ecdsa"),
      publicKey: leaf.publicKey,
      signingKey: kp.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | (t === "rsa" ? x509.KeyUsageFlags.keyEncipherment : 0), true),
        new x509.ExtendedKeyUsageExtension([o.usage === "client" ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension((o.sans ?? [o.cn]).map(san), false),
        await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
      ],
    });
    return { cert: cert.toString("pem"), key: await pemKey(leaf.privateKey) };
  };
  return { name, cert: caCert.toString("pem"), key: await pemKey(kp.privateKey), issue };
}

const b64 = (s: string) => Buffer.from(s).toString("base64");

/** A kubernetes.io/tls Secret. */
export function tlsSecret(name: string, pair: Issued, namespace = "default"): string {
  return `---
apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: ${namespace} }
type: kubernetes.io/tls
data: { tls.crt: ${b64(pair.cert)}, tls.key: ${b64(pair.key)} }
`;
}

/** A ConfigMap whose `ca.crt` is `pem` (a CA bundle). */
export function caConfigMap(name: string, pem: string, namespace = "default"): string {
  return `---
apiVersion: v1
kind: ConfigMap
metadata: { name: ${name}, namespace: ${namespace} }
data:
  ca.crt: ${JSON.stringify(pem)}
`;
}
