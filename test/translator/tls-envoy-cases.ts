// Certificates that Envoy 1.40 does or does not load, as seen with `envoy --mode validate`.
// The translator test checks switchyard's verdict on each; test/envoy/tls-rules.test.ts
// checks Envoy's, so the two cannot drift apart.
import type { LeafSpec } from "../fixtures/certs/issue.ts";

export interface CertCase {
  name: string;
  spec: LeafSpec;
  /** Envoy loads it as a listener (server) certificate. */
  server: boolean;
  /** Envoy loads it as an upstream client certificate. */
  client: boolean;
  /** Part of switchyard's message when refused. */
  message?: RegExp;
}

const rsa = (bits: number) => ({ type: "rsa", bits }) as const;

export const CERT_CASES: CertCase[] = [
  { name: "RSA 1024", spec: { key: rsa(1024) }, server: false, client: false, message: /RSA key has 1024 bits/ },
  { name: "RSA 2047", spec: { key: rsa(2047) }, server: false, client: false, message: /RSA key has 2047 bits/ },
  { name: "RSA 2048", spec: { key: rsa(2048) }, server: true, client: true },
  { name: "RSA 3072", spec: { key: rsa(3072) }, server: true, client: true },
  { name: "RSA 4096", spec: { key: rsa(4096) }, server: true, client: true },
  { name: "RSA-PSS key 2048", spec: { key: { type: "rsa-pss", bits: 2048 } }, server: false, client: false, message: /key type rsa-pss/ },
  { name: "EC P-224", spec: { key: { type: "ec", curve: "P-224" } }, server: false, client: false, message: /curve secp224r1/ },
  { name: "EC secp256k1", spec: { key: { type: "ec", curve: "secp256k1" } }, server: false, client: false, message: /curve secp256k1/ },
  { name: "EC P-256", spec: { key: { type: "ec", curve: "P-256" } }, server: true, client: true },
  { name: "EC P-384", spec: { key: { type: "ec", curve: "P-384" } }, server: true, client: true },
  { name: "EC P-521", spec: { key: { type: "ec", curve: "P-521" } }, server: true, client: true },
  { name: "Ed25519", spec: { key: { type: "ed25519" } }, server: true, client: true },
  { name: "Ed448", spec: { key: { type: "ed448" } }, server: false, client: false, message: /key type ed448/ },
  { name: "no subject, no SAN", spec: { key: rsa(2048), subject: "" }, server: false, client: true, message: /neither a subject CN nor/ },
  { name: "O only, no SAN", spec: { key: rsa(2048), subject: "O=Acme" }, server: false, client: true, message: /neither a subject CN nor/ },
  { name: "email SAN only", spec: { key: rsa(2048), subject: "O=Acme", sans: [{ type: "email", value: "a@example.com" }] }, server: false, client: true, message: /neither a subject CN nor/ },
  { name: "DNS SAN only", spec: { key: rsa(2048), subject: "O=Acme", sans: [{ type: "dns", value: "a.example.com" }] }, server: true, client: true },
  { name: "IP SAN only", spec: { key: rsa(2048), subject: "", sans: [{ type: "ip", value: "10.1.2.3" }] }, server: true, client: true },
  { name: "URI SAN only", spec: { key: rsa(2048), subject: "", sans: [{ type: "url", value: "spiffe://example/a" }] }, server: true, client: true },
  { name: "must-staple", spec: { key: rsa(2048), tlsFeatures: [5] }, server: false, client: true, message: /must-staple/ },
  { name: "TLS Feature status_request_v2 only", spec: { key: rsa(2048), tlsFeatures: [17] }, server: true, client: true },
  { name: "expired", spec: { key: rsa(2048), expired: true }, server: true, client: true },
];
