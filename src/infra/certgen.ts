// `switchyard certgen`: the PKI of the mTLS link between Envoy and switchyard.
// One CA; one server certificate for the xDS server; one client certificate per
// Gateway whose URI SAN names that Gateway (see src/api/xds-identity.ts), so the
// xDS server can refuse a proxy that asks for another Gateway's snapshot.
//
// Node's crypto can sign but cannot build X.509 certificates, so the
// certificates are assembled with @peculiar/x509 on top of node's WebCrypto.
import "reflect-metadata"; // @peculiar/x509 (through tsyringe) needs the Reflect polyfill loaded first
import * as x509 from "@peculiar/x509";
import { createHash, createPrivateKey, randomBytes, webcrypto } from "node:crypto";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { isIP } from "node:net";
import { identityUriFor } from "../api/xds-identity.ts";
import { MESH_SNAPSHOT_KEY } from "../api/xds.ts";

x509.cryptoProvider.set(webcrypto);

export type KeyAlgorithm = "ecdsa-p256" | "rsa-2048";

export interface PemPair {
  /** PEM certificate. */
  cert: string;
  /** PEM PKCS#8 private key. */
  key: string;
}

export interface IssuedClient extends PemPair {
  /** Snapshot key the certificate identifies: `namespace/name` or `mesh`. */
  snapshotKey: string;
}

export interface Pki {
  ca: PemPair;
  server?: PemPair;
  clients: IssuedClient[];
}

export const DEFAULT_CONTROLLER_NAMESPACE = "switchyard-system";
export const DEFAULT_CONTROLLER_SERVICE = "switchyard";
/** Name of the Secret holding the xDS server certificate (kubernetes.io/tls + ca.crt). */
export const SERVER_SECRET_NAME = "switchyard-xds-server";
/** Name of the Secret holding the CA (ca.crt, ca.key), to issue more certificates later. */
export const CA_SECRET_NAME = "switchyard-xds-ca";

export interface GenerateOptions {
  /** Gateway keys `namespace/name` to issue client certificates for. */
  gateways?: string[];
  /** Also issue a client certificate for mesh (GAMMA) clients. */
  mesh?: boolean;
  /** Issue the server certificate (default true). */
  server?: boolean;
  /** Server certificate SANs; IPs are recognised. Default: defaultServerSans(namespace, service). */
  serverSans?: string[];
  namespace?: string;
  service?: string;
  /** Leaf validity (default 365 days) and CA validity (default 5 years). */
  validityDays?: number;
  caValidityDays?: number;
  keyAlgorithm?: KeyAlgorithm;
  /** Start of validity; tests pin it. Default: now, minus a minute of clock skew. */
  now?: Date;
  /** Sign with this CA instead of making a new one. */
  existingCa?: PemPair;
}

/** The controller Service's in-cluster DNS names plus loopback. */
export function defaultServerSans(namespace = DEFAULT_CONTROLLER_NAMESPACE, service = DEFAULT_CONTROLLER_SERVICE): string[] {
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
    "localhost",
    "127.0.0.1",
    "::1",
  ];
}

const DAY_MS = 86_400_000;

function algorithm(alg: KeyAlgorithm): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  return alg === "rsa-2048"
    ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }
    : { name: "ECDSA", namedCurve: "P-256" };
}

function signingAlgorithm(alg: KeyAlgorithm): webcrypto.Algorithm | webcrypto.EcdsaParams {
  return alg === "rsa-2048" ? { name: "RSASSA-PKCS1-v1_5" } : ({ name: "ECDSA", hash: "SHA-256" } as webcrypto.EcdsaParams);
}

function serialNumber(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f; // positive
  if (b[0] === 0) b[0] = 1; // no leading zero byte
  return b.toString("hex");
}

async function newKeys(alg: KeyAlgorithm): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithm(alg), true, ["sign", "verify"])) as CryptoKeyPair;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

interface LoadedCa {
  cert: x509.X509Certificate;
  signingKey: CryptoKey;
  alg: KeyAlgorithm;
  pem: PemPair;
}

async function loadCa(pem: PemPair): Promise<LoadedCa> {
  const cert = new x509.X509Certificate(pem.cert);
  const nodeKey = createPrivateKey(pem.key);
  const type = nodeKey.asymmetricKeyType;
  let alg: KeyAlgorithm;
  if (type === "rsa") alg = "rsa-2048";
  else if (type === "ec" && nodeKey.asymmetricKeyDetails?.namedCurve === "prime256v1") alg = "ecdsa-p256";
  else throw new Error(`CA key type ${type ?? "unknown"} is not supported (RSA or ECDSA P-256)`);
  const der = nodeKey.export({ format: "der", type: "pkcs8" });
  const signingKey = await webcrypto.subtle.importKey("pkcs8", der, algorithm(alg), false, ["sign"]);
  return { cert, signingKey, alg, pem };
}

async function makeCa(alg: KeyAlgorithm, notBefore: Date, days: number): Promise<LoadedCa> {
  const keys = await newKeys(alg);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: "CN=switchyard xDS CA, O=switchyard",
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * DAY_MS),
    signingAlgorithm: signingAlgorithm(alg),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, signingKey: keys.privateKey, alg, pem: { cert: cert.toString("pem"), key: await keyPem(keys.privateKey) } };
}

function sanEntry(value: string): x509.JsonGeneralName {
  if (value.includes("://")) return { type: "url", value };
  return isIP(value) ? { type: "ip", value } : { type: "dns", value };
}

async function issueLeaf(
  ca: LoadedCa,
  opts: { cn: string; sans: string[]; usage: "server" | "client"; notBefore: Date; days: number },
): Promise<PemPair> {
  const keys = await newKeys(ca.alg);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${opts.cn}, O=switchyard`,
    issuer: ca.cert.subject,
    notBefore: opts.notBefore,
    notAfter: new Date(opts.notBefore.getTime() + opts.days * DAY_MS),
    signingAlgorithm: signingAlgorithm(ca.alg),
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | (ca.alg === "rsa-2048" ? x509.KeyUsageFlags.keyEncipherment : 0),
        true,
      ),
      new x509.ExtendedKeyUsageExtension(
        [opts.usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
        false,
      ),
      new x509.SubjectAlternativeNameExtension(opts.sans.map(sanEntry), false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
    ],
  });
  return { cert: cert.toString("pem"), key: await keyPem(keys.privateKey) };
}

/** Makes (or reuses) the CA and issues the server and client certificates asked for. */
export async function generatePki(opts: GenerateOptions = {}): Promise<Pki> {
  const alg = opts.keyAlgorithm ?? "ecdsa-p256";
  const notBefore = opts.now ?? new Date(Date.now() - 60_000);
  const days = opts.validityDays ?? 365;
  if (!(days > 0)) throw new Error(`validity must be a positive number of days, got ${days}`);
  const ca = opts.existingCa ? await loadCa(opts.existingCa) : await makeCa(alg, notBefore, opts.caValidityDays ?? 5 * 365);

  const keys = [...new Set([...(opts.gateways ?? []), ...(opts.mesh ? [MESH_SNAPSHOT_KEY] : [])])];
  const identities = keys.map((k) => [k, identityUriFor(k)] as const); // throws on a malformed key, before any work

  let server: PemPair | undefined;
  if (opts.server ?? true) {
    const sans = opts.serverSans ?? defaultServerSans(opts.namespace, opts.service);
    if (sans.length === 0) throw new Error("the server certificate needs at least one SAN");
    server = await issueLeaf(ca, { cn: sans[0] as string, sans, usage: "server", notBefore, days });
  }
  const clients: IssuedClient[] = [];
  for (const [snapshotKey, uri] of identities) {
    const pair = await issueLeaf(ca, { cn: snapshotKey, sans: [uri], usage: "client", notBefore, days });
    clients.push({ snapshotKey, ...pair });
  }
  return { ca: ca.pem, ...(server ? { server } : {}), clients };
}

// ---------- output ----------

export interface PkiFile {
  /** Relative to the output directory. */
  path: string;
  contents: string;
  /** 0o600 for private keys, 0o644 otherwise. */
  mode: number;
}

/** Directory (relative) of a client's files: `gateways/<ns>/<name>` or `mesh`. */
export function clientDir(snapshotKey: string): string {
  return snapshotKey === MESH_SNAPSHOT_KEY ? "mesh" : `gateways/${snapshotKey}`;
}

/**
 * Layout: ca.crt, ca.key; server/{tls.crt,tls.key,ca.crt};
 * gateways/<ns>/<name>/{tls.crt,tls.key,ca.crt}; mesh/{...}.
 */
export function pkiFiles(pki: Pki): PkiFile[] {
  const files: PkiFile[] = [
    { path: "ca.crt", contents: pki.ca.cert, mode: 0o644 },
    { path: "ca.key", contents: pki.ca.key, mode: 0o600 },
  ];
  const leaf = (dir: string, p: PemPair) => {
    files.push(
      { path: `${dir}/tls.crt`, contents: p.cert, mode: 0o644 },
      { path: `${dir}/tls.key`, contents: p.key, mode: 0o600 },
      { path: `${dir}/ca.crt`, contents: pki.ca.cert, mode: 0o644 },
    );
  };
  if (pki.server) leaf("server", pki.server);
  for (const c of pki.clients) leaf(clientDir(c.snapshotKey), c);
  return files;
}

/**
 * Name of the Secret holding a proxy's client certificate. Readable, plus a
 * hash of the key so that `a-b/c` and `a/b-c` never collide; at most 253 chars.
 */
export function clientSecretName(snapshotKey: string): string {
  const hash = createHash("sha256").update(snapshotKey).digest("hex").slice(0, 8);
  const readable = snapshotKey === MESH_SNAPSHOT_KEY ? "mesh" : snapshotKey.replace("/", "-");
  return `switchyard-xds-client-${readable}`.slice(0, 253 - 9).replace(/[-.]+$/, "") + `-${hash}`;
}

export interface PkiSecret {
  apiVersion: "v1";
  kind: "Secret";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  type: string;
  data: Record<string, string>;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/**
 * Kubernetes Secrets: the CA (Opaque: ca.crt, ca.key) and the server certificate
 * in the controller namespace; each client certificate (kubernetes.io/tls +
 * ca.crt) in proxyNamespace (default: the controller namespace, where the
 * proxies run, as in Envoy Gateway).
 */
export function pkiSecrets(pki: Pki, opts: { namespace?: string; proxyNamespace?: string } = {}): PkiSecret[] {
  const ns = opts.namespace ?? DEFAULT_CONTROLLER_NAMESPACE;
  const proxyNs = opts.proxyNamespace ?? ns;
  const labels = (component: string): Record<string, string> => ({
    "app.kubernetes.io/name": "switchyard",
    "app.kubernetes.io/component": component,
  });
  const out: PkiSecret[] = [
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: CA_SECRET_NAME, namespace: ns, labels: labels("xds-ca") },
      type: "Opaque",
      data: { "ca.crt": b64(pki.ca.cert), "ca.key": b64(pki.ca.key) },
    },
  ];
  const tls = (p: PemPair) => ({ "tls.crt": b64(p.cert), "tls.key": b64(p.key), "ca.crt": b64(pki.ca.cert) });
  if (pki.server) {
    out.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: SERVER_SECRET_NAME, namespace: ns, labels: labels("xds-server") },
      type: "kubernetes.io/tls",
      data: tls(pki.server),
    });
  }
  for (const c of pki.clients) {
    const l = labels("xds-client");
    if (c.snapshotKey !== MESH_SNAPSHOT_KEY) {
      const [gwNs, gwName] = c.snapshotKey.split("/") as [string, string];
      // A label value: at most 63 characters, ending alphanumeric.
      l["gateway.networking.k8s.io/gateway-name"] = gwName.slice(0, 63).replace(/[^a-z0-9]+$/, "");
      l["switchyard.dev/gateway-namespace"] = gwNs;
    }
    out.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: clientSecretName(c.snapshotKey), namespace: proxyNs, labels: l },
      type: "kubernetes.io/tls",
      data: tls(c),
    });
  }
  return out;
}

// ---------- the command ----------

export interface RunCertgenOptions extends Omit<GenerateOptions, "existingCa"> {
  /** "files" writes PEM files under outDir; "secrets" prints Secret YAML, or writes it to outDir/secrets.yaml. */
  output: "files" | "secrets";
  outDir?: string;
  /** Sign with the CA in these files (e.g. a previous run's ca.crt and ca.key) instead of making one. */
  caCertFile?: string;
  caKeyFile?: string;
  /** Replace existing files (default: refuse, so a CA is never lost by accident). */
  overwrite?: boolean;
  /** Namespace of the proxies' client Secrets (default: namespace). */
  proxyNamespace?: string;
  /** Where YAML goes when output is "secrets" and no outDir is given. */
  stdout?: NodeJS.WritableStream;
}

export interface CertgenResult {
  pki: Pki;
  /** Absolute paths written. */
  written: string[];
}

/** `switchyard certgen`: generates the PKI and writes it out. */
export async function runCertgen(opts: RunCertgenOptions): Promise<CertgenResult> {
  const fs = await import("node:fs/promises");
  const path = await import("node:path");
  const YAML = await import("yaml");

  let existingCa: PemPair | undefined;
  if (opts.caCertFile || opts.caKeyFile) {
    if (!opts.caCertFile || !opts.caKeyFile) throw new Error("--ca-cert and --ca-key go together");
    existingCa = { cert: await fs.readFile(opts.caCertFile, "utf8"), key: await fs.readFile(opts.caKeyFile, "utf8") };
  }
  const pki = await generatePki({ ...opts, ...(existingCa ? { existingCa } : {}) });

  const toWrite: PkiFile[] =
    opts.output === "files"
      ? pkiFiles(pki)
      : [
          {
            path: "secrets.yaml",
            contents: pkiSecrets(pki, {
              ...(opts.namespace ? { namespace: opts.namespace } : {}),
              ...(opts.proxyNamespace ? { proxyNamespace: opts.proxyNamespace } : {}),
            })
              .map((s) => YAML.stringify(s))
              .join("---\n"),
            mode: 0o600,
          },
        ];
  if (opts.output === "files" && !opts.outDir) throw new Error("--out-dir is required for file output");
  if (!opts.outDir) {
    const out = opts.stdout ?? process.stdout;
    for (const f of toWrite) out.write(f.contents);
    return { pki, written: [] };
  }
  const root = path.resolve(opts.outDir);
  const targets = toWrite.map((f) => ({ ...f, abs: path.join(root, f.path) }));
  if (!opts.overwrite) {
    // Reusing a CA from this directory still must not overwrite its files.
    for (const t of targets) {
      const exists = await fs.stat(t.abs).then(
        () => true,
        () => false,
      );
      if (exists && !(existingCa && (t.path === "ca.crt" || t.path === "ca.key"))) {
        throw new Error(`${t.abs} exists; pass --overwrite to replace it`);
      }
    }
  }
  const written: string[] = [];
  for (const t of targets) {
    if (existingCa && !opts.overwrite && (t.path === "ca.crt" || t.path === "ca.key")) continue;
    await fs.mkdir(path.dirname(t.abs), { recursive: true });
    await fs.writeFile(t.abs, t.contents, { mode: t.mode });
    await fs.chmod(t.abs, t.mode); // writeFile's mode only applies to new files
    written.push(t.abs);
  }
  return { pki, written };
}
