// mTLS on the xDS channel: server credentials that require a client
// certificate from our CA, and the check that a proxy's certificate names the
// snapshot (node.cluster) it asks for. The identity format is in
// src/api/xds-identity.ts; `switchyard certgen` issues matching certificates.
import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { ServerCredentials, experimental, status } from "@grpc/grpc-js";
import { snapshotKeyFromIdentityUri } from "../api/xds-identity.ts";
import type { AuthorizeFn } from "./server.ts";

export interface XdsTlsPem {
  /** Server certificate chain, PEM. */
  cert: string | Buffer;
  /** Server private key, PEM. */
  key: string | Buffer;
  /** CA bundle that client certificates must chain to, PEM. */
  ca: string | Buffer;
}

export interface XdsTlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
  /**
   * Re-read the files this often, so rotated certificates (e.g. a remounted
   * Secret) are picked up without a restart. 0 reads them once.
   */
  refreshIntervalMs?: number;
}

/** Server credentials that refuse any client without a certificate signed by `ca`. */
export function xdsServerCredentials(pem: XdsTlsPem): ServerCredentials {
  const buf = (v: string | Buffer) => (typeof v === "string" ? Buffer.from(v) : v);
  return ServerCredentials.createSsl(buf(pem.ca), [{ cert_chain: buf(pem.cert), private_key: buf(pem.key) }], true);
}

/**
 * Server credentials from files (`switchyard certgen`'s server/ directory:
 * tls.crt, tls.key, ca.crt). With a refresh interval the files are watched.
 * Reads once up front so a missing or bad file fails at startup, not per handshake.
 */
export async function xdsServerCredentialsFromFiles(files: XdsTlsFiles): Promise<ServerCredentials> {
  const [cert, key, ca] = await Promise.all([readFile(files.certFile), readFile(files.keyFile), readFile(files.caFile)]);
  const creds = xdsServerCredentials({ cert, key, ca }); // validates the PEMs now
  if (!files.refreshIntervalMs) return creds;
  const provider = new experimental.FileWatcherCertificateProvider({
    certificateFile: files.certFile,
    privateKeyFile: files.keyFile,
    caCertificateFile: files.caFile,
    refreshIntervalMs: files.refreshIntervalMs,
  });
  await firstUpdates(provider);
  return experimental.createCertificateProviderServerCredentials(provider, provider, true);
}

/**
 * Waits until the provider has read the files once. Without this, a client
 * that connects right after bind meets a server with no certificate yet. The
 * provider keeps the result, and hands it to the credentials when they attach.
 */
function firstUpdates(provider: experimental.CertificateProvider): Promise<void> {
  return new Promise((resolve, reject) => {
    let ca = false;
    let identity = false;
    const done = () => {
      provider.removeCaCertificateListener(onCa);
      provider.removeIdentityCertificateListener(onIdentity);
    };
    const check = () => {
      if (ca && identity) {
        done();
        resolve();
      }
    };
    const onCa = (u: experimental.CaCertificateUpdate | null) => {
      if (!u) return fail();
      ca = true;
      check();
    };
    const onIdentity = (u: experimental.IdentityCertificateUpdate | null) => {
      if (!u) return fail();
      identity = true;
      check();
    };
    const fail = () => {
      done();
      reject(new Error("the xDS TLS files could not be read"));
    };
    provider.addCaCertificateListener(onCa);
    provider.addIdentityCertificateListener(onIdentity);
  });
}

/** What grpc-js reports about a call's transport (`call.getAuthContext()`). */
export interface PeerAuth {
  transportSecurityType?: string;
  sslPeerCertificate?: { raw?: Buffer };
}

export type AuthorizeResult = { ok: true; identity?: string } | { ok: false; code: status; message: string };

/** The snapshot keys named by a certificate's switchyard URI SANs. */
function certificateSnapshotKeys(der: Buffer): string[] {
  const san = new X509Certificate(der).subjectAltName ?? "";
  const keys: string[] = [];
  // Node lists SANs as `TYPE:value, TYPE:value`; our URIs hold no comma or quote.
  for (const entry of san.split(", ")) {
    if (!entry.startsWith("URI:")) continue;
    const key = snapshotKeyFromIdentityUri(entry.slice(4));
    if (key !== undefined) keys.push(key);
  }
  return keys;
}

/**
 * Decides whether a peer may fetch the snapshot `claimed` (its node.cluster).
 * With `requireClientCert` false (a plaintext server) everyone is allowed; with
 * it true the verified peer certificate must name exactly that snapshot.
 */
export function authorizeSnapshotAccess(auth: PeerAuth | null | undefined, claimed: string, requireClientCert: boolean): AuthorizeResult {
  if (!requireClientCert) return { ok: true };
  const raw = auth?.sslPeerCertificate?.raw;
  // grpc-js only fills the certificate in when the TLS handshake verified it.
  if (auth?.transportSecurityType !== "ssl" || !raw) {
    return { ok: false, code: status.UNAUTHENTICATED, message: "a verified client certificate is required" };
  }
  let keys: string[];
  try {
    keys = certificateSnapshotKeys(raw);
  } catch {
    return { ok: false, code: status.UNAUTHENTICATED, message: "the client certificate cannot be parsed" };
  }
  if (keys.length !== 1) {
    return {
      ok: false,
      code: status.PERMISSION_DENIED,
      message: `the client certificate must carry exactly one switchyard identity, it has ${keys.length}`,
    };
  }
  const identity = keys[0] as string;
  if (identity !== claimed) {
    return {
      ok: false,
      code: status.PERMISSION_DENIED,
      message: `the client certificate is for ${JSON.stringify(identity)}, not node.cluster ${JSON.stringify(claimed)}`,
    };
  }
  return { ok: true, identity };
}

/**
 * The `authorize` hook of startXdsServer for an mTLS server: a stream may read
 * the snapshot its node.cluster names only when its client certificate carries
 * that identity; anything else is refused (PERMISSION_DENIED) before a single
 * resource, secrets included, is sent.
 */
export function mtlsAuthorize(): AuthorizeFn {
  return (id) => {
    const claimed = id.node?.cluster ?? "";
    const res = authorizeSnapshotAccess(id.authContext, claimed, true);
    return res.ok ? claimed : new Error(res.message);
  };
}

/** certgen's layout: a directory with tls.crt, tls.key and ca.crt (also a mounted kubernetes.io/tls Secret). */
export function xdsTlsFilesFromDir(dir: string, refreshIntervalMs = 60_000): XdsTlsFiles {
  const d = dir.replace(/\/+$/, "");
  return { certFile: `${d}/tls.crt`, keyFile: `${d}/tls.key`, caFile: `${d}/ca.crt`, refreshIntervalMs };
}

/**
 * Everything `serve` needs for an mTLS xDS server, to spread into
 * startXdsServer's options: `{ ...(await mtlsServerOptions(xdsTlsFilesFromDir(dir))) }`.
 */
export async function mtlsServerOptions(files: XdsTlsFiles): Promise<{ credentials: ServerCredentials; authorize: AuthorizeFn }> {
  return { credentials: await xdsServerCredentialsFromFiles(files), authorize: mtlsAuthorize() };
}
