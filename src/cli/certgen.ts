// `switchyard certgen`: flag parsing only; the work is in src/infra/certgen.ts.
import { parseArgs } from "node:util";
import { identityUriFor } from "../api/xds-identity.ts";
import { runCertgen, type KeyAlgorithm, type RunCertgenOptions } from "../infra/certgen.ts";

export const CERTGEN_USAGE = `Usage: switchyard certgen [flags]

Creates the PKI of the mTLS link between Envoy and switchyard: a CA, the xDS
server certificate and one client certificate per Gateway. A client
certificate's URI SAN spiffe://switchyard/gateway/<ns>/<name> names the only
Gateway whose configuration it may fetch.

  --gateway ns/name       issue a client certificate for this Gateway (repeatable)
  --mesh                  also issue a client certificate for mesh clients
  --output files|secrets  PEM files (default) or Kubernetes Secret manifests
  --out-dir DIR           where to write (required for files; secrets go to stdout without it)
  --namespace NS          controller namespace (default switchyard-system)
  --service NAME          controller Service name (default switchyard)
  --proxy-namespace NS    namespace of the proxies' client Secrets (default: --namespace)
  --san NAME|IP           server certificate SAN (repeatable; default: the Service's
                          DNS names, localhost, 127.0.0.1, ::1)
  --no-server             do not issue a server certificate
  --ca-cert FILE --ca-key FILE
                          sign with this CA instead of making a new one
  --key-type ecdsa|rsa    key algorithm (default ecdsa, P-256)
  --days N                leaf validity in days (default 365)
  --overwrite             replace existing files
  --apply                 create or renew the Secrets in the cluster of the current
                          kubeconfig instead (server-side apply); the CA Secret there
                          is reused, and only missing or expiring certificates are issued
`;

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Parses certgen's flags; throws an Error with a user-facing message on bad input. */
export function parseCertgenArgs(argv: string[]): RunCertgenOptions & { apply?: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      gateway: { type: "string", multiple: true },
      mesh: { type: "boolean" },
      output: { type: "string" },
      "out-dir": { type: "string" },
      namespace: { type: "string" },
      service: { type: "string" },
      "proxy-namespace": { type: "string" },
      san: { type: "string", multiple: true },
      "no-server": { type: "boolean" },
      "ca-cert": { type: "string" },
      "ca-key": { type: "string" },
      "key-type": { type: "string" },
      days: { type: "string" },
      overwrite: { type: "boolean" },
      apply: { type: "boolean" },
    },
  });
  const output = values.output ?? "files";
  if (output !== "files" && output !== "secrets") throw new Error(`--output must be files or secrets, got ${output}`);
  const keyType = values["key-type"] ?? "ecdsa";
  const keyAlgorithm: KeyAlgorithm | undefined =
    keyType === "ecdsa" ? "ecdsa-p256" : keyType === "rsa" ? "rsa-2048" : undefined;
  if (!keyAlgorithm) throw new Error(`--key-type must be ecdsa or rsa, got ${keyType}`);
  let validityDays: number | undefined;
  if (values.days !== undefined) {
    validityDays = Number(values.days);
    if (!Number.isInteger(validityDays) || validityDays <= 0) throw new Error(`--days must be a positive integer, got ${values.days}`);
  }
  const opts: RunCertgenOptions & { apply?: boolean } = { output, keyAlgorithm, server: !values["no-server"] };
  // Mistakes in how certgen was called are usage errors (exit 2), found before any work.
  for (const g of values.gateway ?? []) identityUriFor(g);
  if (!values.apply && output === "files" && !values["out-dir"]) throw new Error("--out-dir is required for file output (or --output secrets)");
  if (Boolean(values["ca-cert"]) !== Boolean(values["ca-key"])) throw new Error("--ca-cert and --ca-key go together");
  if (values.gateway) opts.gateways = values.gateway;
  if (values.mesh) opts.mesh = true;
  if (values["out-dir"]) opts.outDir = values["out-dir"];
  if (values.namespace) opts.namespace = values.namespace;
  if (values.service) opts.service = values.service;
  if (values["proxy-namespace"]) opts.proxyNamespace = values["proxy-namespace"];
  if (values.san) opts.serverSans = values.san;
  if (values["ca-cert"]) opts.caCertFile = values["ca-cert"];
  if (values["ca-key"]) opts.caKeyFile = values["ca-key"];
  if (validityDays !== undefined) opts.validityDays = validityDays;
  if (values.overwrite) opts.overwrite = true;
  if (values.apply) {
    if (values["out-dir"] || values["ca-cert"] || values.output) throw new Error("--apply takes no --out-dir, --output or --ca-cert/--ca-key");
    opts.apply = true;
  }
  return opts;
}

/** Runs `switchyard certgen ARGS`; returns the exit code (0 ok, 2 usage, 1 failure). */
export async function certgenCommand(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout.write(CERTGEN_USAGE);
    return 0;
  }
  let opts: RunCertgenOptions & { apply?: boolean };
  try {
    opts = parseCertgenArgs(argv);
  } catch (err) {
    io.stderr.write(`switchyard certgen: ${(err as Error).message} (see 'switchyard certgen --help')\n`);
    return 2;
  }
  try {
    if (opts.apply) {
      // Loaded only here: the file-based paths need no cluster client.
      const { KubeConfig } = await import("@kubernetes/client-node");
      const { kubeObjectClient } = await import("../infra/provision/object-client.ts");
      const { applyPki } = await import("../infra/certgen-apply.ts");
      const kc = new KubeConfig();
      kc.loadFromDefault();
      const applied = await applyPki(kubeObjectClient(kc), opts);
      for (const s of applied) io.stderr.write(`applied Secret ${s}\n`);
      if (applied.length === 0) io.stderr.write("all certificates are current\n");
      return 0;
    }
    const res = await runCertgen({ ...opts, stdout: io.stdout });
    for (const p of res.written) io.stderr.write(`wrote ${p}\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`switchyard certgen: ${(err as Error).message}\n`);
    return 1;
  }
}
