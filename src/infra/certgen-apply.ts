// certgen against a cluster: keeps the xDS PKI Secrets present and current
// through the provisioner's ObjectClient (server-side apply). The CA Secret, once
// made, is reused, so adding a Gateway later only issues that Gateway's client
// certificate. The provisioner calls ensureClientSecret() for each Gateway whose
// proxy mounts one (src/infra/provision/render.ts, xdsTls).
import { X509Certificate } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ObjectClient } from "./provision/object-client.ts";
import {
  CA_SECRET_NAME,
  clientSecretName,
  DEFAULT_CONTROLLER_NAMESPACE,
  generatePki,
  pkiSecrets,
  SERVER_SECRET_NAME,
  type GenerateOptions,
  type PemPair,
} from "./certgen.ts";

/** Reissue a leaf certificate this long before it expires. */
export const RENEW_BEFORE_MS = 30 * 86_400_000;

export interface ApplyPkiOptions extends Omit<GenerateOptions, "existingCa"> {
  /** Namespace of the client Secrets (default: namespace). */
  proxyNamespace?: string;
  /** For tests; default Date.now(). */
  now?: Date;
}

interface SecretObject extends KubernetesObject {
  type?: string;
  data?: Record<string, string>;
}

const decode = (s: SecretObject | undefined, key: string): string | undefined => {
  const v = s?.data?.[key];
  return typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : undefined;
};

async function readSecret(client: ObjectClient, namespace: string, name: string): Promise<SecretObject | undefined> {
  return (await client.read("v1", "Secret", namespace, name)) as SecretObject | undefined;
}

/** Whether a Secret holds a certificate signed by `ca` that is valid for at least RENEW_BEFORE_MS more. */
function current(s: SecretObject | undefined, ca: PemPair, now: Date): boolean {
  const pem = decode(s, "tls.crt");
  if (!pem || decode(s, "ca.crt") !== ca.cert) return false;
  try {
    const cert = new X509Certificate(pem);
    return cert.verify(new X509Certificate(ca.cert).publicKey) && Date.parse(cert.validTo) - now.getTime() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

/** The CA from the cluster, or a new one applied to it. */
async function ensureCa(client: ObjectClient, opts: ApplyPkiOptions, applied: string[]): Promise<PemPair> {
  const ns = opts.namespace ?? DEFAULT_CONTROLLER_NAMESPACE;
  const existing = await readSecret(client, ns, CA_SECRET_NAME);
  const cert = decode(existing, "ca.crt");
  const key = decode(existing, "ca.key");
  if (cert && key) return { cert, key };
  const pki = await generatePki({ ...opts, server: false, gateways: [], mesh: false });
  const [caSecret] = pkiSecrets(pki, { namespace: ns });
  await client.apply(caSecret as KubernetesObject);
  applied.push(`${ns}/${CA_SECRET_NAME}`);
  return pki.ca;
}

/**
 * Makes the cluster hold a current CA, server Secret (unless `server: false`)
 * and a client Secret per Gateway in `gateways` (and mesh). Only missing,
 * foreign-CA or soon-expiring certificates are (re)issued. Returns what it applied.
 */
export async function applyPki(client: ObjectClient, opts: ApplyPkiOptions): Promise<string[]> {
  const applied: string[] = [];
  const now = opts.now ?? new Date();
  const ns = opts.namespace ?? DEFAULT_CONTROLLER_NAMESPACE;
  const proxyNs = opts.proxyNamespace ?? ns;
  const ca = await ensureCa(client, opts, applied);
  const wantServer = opts.server ?? true;
  const needServer = wantServer && !current(await readSecret(client, ns, SERVER_SECRET_NAME), ca, now);
  const clients: string[] = [];
  for (const key of [...(opts.gateways ?? []), ...(opts.mesh ? ["mesh"] : [])]) {
    if (!current(await readSecret(client, proxyNs, clientSecretName(key)), ca, now)) clients.push(key);
  }
  if (!needServer && clients.length === 0) return applied;
  const pki = await generatePki({ ...opts, existingCa: ca, server: needServer, gateways: clients.filter((k) => k !== "mesh"), mesh: clients.includes("mesh") });
  // The CA Secret is already in place; apply the rest.
  for (const s of pkiSecrets(pki, { namespace: ns, proxyNamespace: proxyNs }).filter((x) => x.metadata.name !== CA_SECRET_NAME)) {
    await client.apply(s as KubernetesObject);
    applied.push(`${s.metadata.namespace}/${s.metadata.name}`);
  }
  return applied;
}

/** For the provisioner: the client Secret a Gateway's proxy mounts, issued when missing or stale. */
export async function ensureClientSecret(client: ObjectClient, gatewayKey: string, opts: Omit<ApplyPkiOptions, "gateways" | "server" | "mesh"> = {}): Promise<string[]> {
  return applyPki(client, { ...opts, gateways: [gatewayKey], server: false });
}
