// The PKI a loopback kube-apiserver needs, made with openssl (EC P-256 keys: fast to generate):
// a CA that signs the serving certificate (127.0.0.1, localhost) and the admin client certificate
// (O=system:masters), and the service-account signing key pair.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ApiServerPki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
}

const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"] });

function ecKey(path: string): void {
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path]);
}

function issue(dir: string, name: string, subject: string, ext: string): void {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  ecKey(key);
  openssl(["req", "-new", "-key", key, "-subj", subject, "-out", csr]);
  writeFileSync(extFile, ext);
  openssl(["x509", "-req", "-in", csr, "-CA", join(dir, "ca.crt"), "-CAkey", join(dir, "ca.key"), "-CAcreateserial", "-days", "2", "-sha256", "-extfile", extFile, "-out", join(dir, `${name}.crt`)]);
}

/** Writes every file into `dir` and returns their paths. */
export function makeApiServerPki(dir: string): ApiServerPki {
  ecKey(join(dir, "ca.key"));
  openssl(["req", "-x509", "-new", "-key", join(dir, "ca.key"), "-subj", "/CN=switchyard-test-ca", "-days", "2", "-sha256", "-out", join(dir, "ca.crt")]);
  issue(dir, "server", "/CN=kube-apiserver", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
  issue(dir, "admin", "/O=system:masters/CN=admin", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
  ecKey(join(dir, "sa.key"));
  openssl(["pkey", "-in", join(dir, "sa.key"), "-pubout", "-out", join(dir, "sa.pub")]);
  return {
    caCert: join(dir, "ca.crt"),
    serverCert: join(dir, "server.crt"),
    serverKey: join(dir, "server.key"),
    adminCert: join(dir, "admin.crt"),
    adminKey: join(dir, "admin.key"),
    saKey: join(dir, "sa.key"),
    saPub: join(dir, "sa.pub"),
  };
}
