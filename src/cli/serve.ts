// `switchyard serve`: runs the control plane until SIGINT/SIGTERM.
import { DEFAULT_CONTROLLER_NAME } from "../api/translation.ts";
import { startControlPlane, type ControlPlaneOptions } from "../controller/run.ts";
import { createLogger, LOG_FORMATS, LOG_LEVELS, type Logger } from "../observability/log.ts";
import { createRegistry } from "../observability/metrics.ts";
import { checkConfigDir } from "../watch/file/paths.ts";
import { FileSource } from "../watch/file/source.ts";
import { loadKubeConfig, startKubernetesInputs } from "../watch/kubernetes/index.ts";
import { startProvisioner } from "../infra/provision/index.ts";
import { checkEnvoy, LocalEnvoys } from "../infra/local-envoy.ts";
import { mtlsServerOptions, xdsTlsFilesFromDir } from "../xds/tls-credentials.ts";
import { CommandError, envOr, oneOf, parse, portOf, UsageError } from "./args.ts";
import { sizeOf } from "./size.ts";

export const serveUsage = `Usage: switchyard serve [options]

Runs the control plane: reads Gateway API objects from a source, translates
them, serves each Gateway's Envoy resources over ADS, and serves the admin API.

Options (each also read from the environment variable shown):
      --source file|kubernetes   where inputs come from (SWITCHYARD_SOURCE; default file)
      --dir DIR                  file source: directory of YAML manifests, watched (SWITCHYARD_DIR)
      --max-file-size SIZE       file source: larger files are reported, not read
                                 (SWITCHYARD_MAX_FILE_SIZE; default 16Mi)
      --kubeconfig PATH          kubernetes source: kubeconfig (KUBECONFIG; default in-cluster)
      --namespace NS             kubernetes source: watch only these namespaces; repeatable
      --lease-namespace NS       kubernetes source: namespace of the leader-election Lease
                                 (POD_NAMESPACE; default the pod's namespace)
      --disable-leader-election  kubernetes source: always write status (a single replica)
      --disable-provisioning     kubernetes source: do not create an Envoy per Gateway
      --proxy-namespace MODE     kubernetes source: where proxies run: controller (default) or gateway
      --envoy-image IMAGE        kubernetes source: default Envoy image of provisioned proxies
      --proxy-service-type TYPE  kubernetes source: LoadBalancer (default), NodePort or ClusterIP
      --xds-advertise-host HOST  what provisioned proxies dial (default switchyard.<ns>.svc.<cluster domain>)
      --xds-advertise-port PORT  (default 18000)
      --mesh-services all|routed GAMMA: every Service port in the mesh snapshot, or only routed ones
                                 (default all)
      --mesh-sidecars            GAMMA for Envoy sidecars: listeners on Service cluster IPs, one view per
                                 namespace (node.cluster mesh-sidecar/<namespace>; docs/mesh.md)
      --disable-mesh             GAMMA: ignore routes whose parent is a Service
      --cluster-domain DOMAIN    Service DNS suffix (default cluster.local)
      --controller-name NAME     GatewayClass controllerName to act for
                                 (SWITCHYARD_CONTROLLER_NAME; default ${DEFAULT_CONTROLLER_NAME})
      --xds-address ADDR         xDS bind address (SWITCHYARD_XDS_ADDRESS; default 127.0.0.1)
      --xds-port PORT            xDS port (SWITCHYARD_XDS_PORT; default 18000; 0 picks one)
      --xds-tls-dir DIR          serve xDS over mTLS with DIR/tls.crt, tls.key and ca.crt (from
                                 \`switchyard certgen\`); a proxy's client certificate must name the
                                 Gateway it asks for (SWITCHYARD_XDS_TLS_DIR; default plaintext)
      --admin-address ADDR       admin bind address (SWITCHYARD_ADMIN_ADDRESS; default 127.0.0.1)
      --admin-port PORT          admin port (SWITCHYARD_ADMIN_PORT; default 19000; 0 picks one)
      --envoy                    file source: also run one local Envoy per Gateway on this machine,
                                 supervised (restarted if it dies, stopped with switchyard)
      --envoy-bin PATH           the envoy binary for --envoy (SWITCHYARD_ENVOY_BIN, else ENVOY_BIN,
                                 else envoy on PATH)
      --log-level LEVEL          trace, debug, info, warn, error (SWITCHYARD_LOG_LEVEL; default info)
      --log-format FORMAT        auto (pretty on a terminal, JSON otherwise), json or pretty
                                 (SWITCHYARD_LOG_FORMAT; default auto)
  -h, --help                     show this help`;

export async function runServe(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parse(argv, {
    source: { type: "string" },
    dir: { type: "string" },
    "max-file-size": { type: "string" },
    kubeconfig: { type: "string" },
    namespace: { type: "string", multiple: true },
    "lease-namespace": { type: "string" },
    "disable-leader-election": { type: "boolean", default: false },
    "disable-provisioning": { type: "boolean", default: false },
    "proxy-namespace": { type: "string", default: "controller" },
    "envoy-image": { type: "string" },
    "proxy-service-type": { type: "string" },
    "xds-advertise-host": { type: "string" },
    "xds-advertise-port": { type: "string" },
    "mesh-services": { type: "string", default: "all" },
    "disable-mesh": { type: "boolean", default: false },
    "mesh-sidecars": { type: "boolean", default: false },
    "cluster-domain": { type: "string", default: "cluster.local" },
    "controller-name": { type: "string" },
    "xds-address": { type: "string" },
    "xds-port": { type: "string" },
    "xds-tls-dir": { type: "string" },
    "admin-address": { type: "string" },
    "admin-port": { type: "string" },
    "log-level": { type: "string" },
    "log-format": { type: "string" },
    envoy: { type: "boolean", default: false },
    "envoy-bin": { type: "string" },
  });
  if (values.help) {
    out(serveUsage + "\n");
    return 0;
  }
  const source = oneOf(envOr(values.source, "SWITCHYARD_SOURCE", "file"), ["file", "kubernetes"] as const, "--source");
  if (values.envoy && source !== "file") throw new UsageError("--envoy runs local proxies for the file source; in a cluster switchyard provisions them");
  const level = oneOf(envOr(values["log-level"], "SWITCHYARD_LOG_LEVEL", "info"), LOG_LEVELS, "--log-level");
  const format = oneOf(envOr(values["log-format"], "SWITCHYARD_LOG_FORMAT", "auto"), LOG_FORMATS, "--log-format");
  const logger = createLogger({ level, format });
  const controllerName = envOr(values["controller-name"], "SWITCHYARD_CONTROLLER_NAME", DEFAULT_CONTROLLER_NAME);
  const meshServices = oneOf(values["mesh-services"], ["all", "routed"] as const, "--mesh-services");
  const clusterDomain = values["cluster-domain"];
  const tlsDir = values["xds-tls-dir"] ?? process.env.SWITCHYARD_XDS_TLS_DIR;
  const xdsTls = tlsDir ? await failsAs(`--xds-tls-dir ${tlsDir}`, () => mtlsServerOptions(xdsTlsFilesFromDir(tlsDir))) : {};
  const common = {
    translateInWorker: true,
    translatorOptions: { controllerName, mesh: !values["disable-mesh"], meshServices, clusterDomain, ...(values["mesh-sidecars"] ? { meshSidecars: true } : {}) },
    xds: {
      host: envOr(values["xds-address"], "SWITCHYARD_XDS_ADDRESS", "127.0.0.1"),
      port: portOf(envOr(values["xds-port"], "SWITCHYARD_XDS_PORT", "18000"), "--xds-port"),
      ...xdsTls,
    },
    admin: {
      host: envOr(values["admin-address"], "SWITCHYARD_ADMIN_ADDRESS", "127.0.0.1"),
      port: portOf(envOr(values["admin-port"], "SWITCHYARD_ADMIN_PORT", "19000"), "--admin-port"),
    },
    logger,
  };

  const registry = createRegistry({ defaultMetrics: true });
  let opts: ControlPlaneOptions;
  let stopInputs = async () => {};
  if (source === "file") {
    const dir = values.dir ?? process.env.SWITCHYARD_DIR;
    if (!dir) throw new UsageError("the file source needs --dir DIR (or SWITCHYARD_DIR)");
    const maxFileBytes = sizeOf(envOr(values["max-file-size"], "SWITCHYARD_MAX_FILE_SIZE", "16Mi"), "--max-file-size");
    // Before any port is opened: a wrong --dir is one line and exit 1, not a server that serves nothing.
    await failsAs("cannot start", () => checkConfigDir(dir));
    const files = new FileSource({ dir, maxFileBytes, logger: logger.child({ component: "file-source" }) });
    opts = { ...common, registry, source: files, configErrors: () => files.errors() };
  } else {
    const kubeConfig = await failsAs("kubeconfig", async () => loadKubeConfig(values.kubeconfig));
    const k8s = startKubernetesInputs({
      kubeConfig,
      controllerName,
      namespaces: values.namespace,
      leaseNamespace: values["lease-namespace"],
      leaderElection: !values["disable-leader-election"],
      logger: logger.child({ component: "kubernetes" }),
      registry,
    });
    opts = { ...common, registry, source: k8s.source, statusSinks: [k8s.statusSink] };
    stopInputs = () => k8s.stop();
    if (!values["disable-provisioning"]) {
      const proxyNamespace = oneOf(values["proxy-namespace"], ["controller", "gateway"] as const, "--proxy-namespace");
      const serviceType =
        values["proxy-service-type"] === undefined
          ? undefined
          : oneOf(values["proxy-service-type"], ["LoadBalancer", "NodePort", "ClusterIP"] as const, "--proxy-service-type");
      const prov = startProvisioner({
        kubeConfig,
        leader: k8s.leader,
        logger: logger.child({ component: "provisioner" }),
        registry,
        proxyNamespace,
        clusterDomain,
        xdsHost: values["xds-advertise-host"],
        xdsPort: values["xds-advertise-port"] === undefined ? undefined : portOf(values["xds-advertise-port"], "--xds-advertise-port"),
        defaults: { image: values["envoy-image"], serviceType },
        xdsTls: tlsDir ? {} : undefined,
      });
      opts = { ...opts, statusSinks: [prov.statusSink(k8s.statusSink)], onTranslated: (result, rs) => prov.sync(result, rs) };
      stopInputs = async () => {
        await prov.stop();
        await k8s.stop();
      };
    }
  }
  const envoyBin = values["envoy-bin"] ?? process.env.SWITCHYARD_ENVOY_BIN ?? process.env.ENVOY_BIN ?? "envoy";
  if (values.envoy) await failsAs("--envoy", async () => checkEnvoy(envoyBin));
  let gatewayKeys: string[] = [];
  let locals: LocalEnvoys | undefined;
  if (values.envoy) {
    const previous = opts.onTranslated;
    opts = {
      ...opts,
      onTranslated: (result, rs) => {
        gatewayKeys = result.gateways.map((g) => g.key);
        locals?.sync(gatewayKeys);
        previous?.(result, rs);
      },
    };
  }
  const plane = await failsAs("cannot start", () => startControlPlane(opts));
  if (values.envoy) {
    const host = common.xds.host === "0.0.0.0" || common.xds.host === "::" ? "127.0.0.1" : common.xds.host;
    locals = new LocalEnvoys({ envoy: envoyBin, xdsHost: host, xdsPort: plane.xdsPort, logger: logger.child({ component: "local-envoy" }) });
    locals.sync(gatewayKeys);
  }
  await waitForSignal(logger);
  await locals?.close();
  await plane.close();
  await stopInputs();
  return 0;
}

/** Turns a failure to read a file or bind a port into one line for the user, not a stack trace. */
async function failsAs<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new CommandError(`${what}: ${(err as Error).message}`);
  }
}

function waitForSignal(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "shutting down");
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
