// `switchyard serve`: runs the control plane until SIGINT/SIGTERM.
import { DEFAULT_CONTROLLER_NAME } from "../api/translation.ts";
import { startControlPlane, type ControlPlaneOptions } from "../controller/run.ts";
import { createLogger, type Logger } from "../observability/log.ts";
import { createRegistry } from "../observability/metrics.ts";
import { FileSource } from "../watch/file/source.ts";
import { startKubernetesInputs } from "../watch/kubernetes/index.ts";
import { envOr, parse, portOf, UsageError } from "./args.ts";

export const serveUsage = `Usage: switchyard serve [options]

Runs the control plane: reads Gateway API objects from a source, translates
them, serves each Gateway's Envoy resources over ADS, and serves the admin API.

Options (each also read from the environment variable shown):
      --source file|kubernetes   where inputs come from (SWITCHYARD_SOURCE; default file)
      --dir DIR                  file source: directory of YAML manifests, watched (SWITCHYARD_DIR)
      --kubeconfig PATH          kubernetes source: kubeconfig (KUBECONFIG; default in-cluster)
      --namespace NS             kubernetes source: watch only these namespaces; repeatable
      --lease-namespace NS       kubernetes source: namespace of the leader-election Lease
                                 (POD_NAMESPACE; default the pod's namespace)
      --disable-leader-election  kubernetes source: always write status (a single replica)
      --controller-name NAME     GatewayClass controllerName to act for
                                 (SWITCHYARD_CONTROLLER_NAME; default ${DEFAULT_CONTROLLER_NAME})
      --xds-address ADDR         xDS bind address (SWITCHYARD_XDS_ADDRESS; default 127.0.0.1)
      --xds-port PORT            xDS port (SWITCHYARD_XDS_PORT; default 18000; 0 picks one)
      --admin-address ADDR       admin bind address (SWITCHYARD_ADMIN_ADDRESS; default 127.0.0.1)
      --admin-port PORT          admin port (SWITCHYARD_ADMIN_PORT; default 19000; 0 picks one)
      --log-level LEVEL          trace, debug, info, warn, error (SWITCHYARD_LOG_LEVEL; default info)
  -h, --help                     show this help`;

export async function runServe(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parse(argv, {
    source: { type: "string" },
    dir: { type: "string" },
    kubeconfig: { type: "string" },
    namespace: { type: "string", multiple: true },
    "lease-namespace": { type: "string" },
    "disable-leader-election": { type: "boolean", default: false },
    "controller-name": { type: "string" },
    "xds-address": { type: "string" },
    "xds-port": { type: "string" },
    "admin-address": { type: "string" },
    "admin-port": { type: "string" },
    "log-level": { type: "string" },
  });
  if (values.help) {
    out(serveUsage + "\n");
    return 0;
  }
  const source = envOr(values.source, "SWITCHYARD_SOURCE", "file");
  if (source !== "file" && source !== "kubernetes") throw new UsageError(`--source must be file or kubernetes, got ${JSON.stringify(source)}`);
  const logger = createLogger({ level: envOr(values["log-level"], "SWITCHYARD_LOG_LEVEL", "info") });
  const controllerName = envOr(values["controller-name"], "SWITCHYARD_CONTROLLER_NAME", DEFAULT_CONTROLLER_NAME);
  const common = {
    translatorOptions: { controllerName },
    xds: {
      host: envOr(values["xds-address"], "SWITCHYARD_XDS_ADDRESS", "127.0.0.1"),
      port: portOf(envOr(values["xds-port"], "SWITCHYARD_XDS_PORT", "18000"), "--xds-port"),
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
    const files = new FileSource({ dir, logger: logger.child({ component: "file-source" }) });
    opts = { ...common, registry, source: files, configErrors: () => files.errors() };
  } else {
    const k8s = startKubernetesInputs({
      kubeconfigPath: values.kubeconfig,
      controllerName,
      namespaces: values.namespace,
      leaseNamespace: values["lease-namespace"],
      leaderElection: !values["disable-leader-election"],
      logger: logger.child({ component: "kubernetes" }),
      registry,
    });
    opts = { ...common, registry, source: k8s.source, statusSinks: [k8s.statusSink] };
    stopInputs = () => k8s.stop();
  }
  const plane = await startControlPlane(opts);
  await waitForSignal(logger);
  await plane.close();
  await stopInputs();
  return 0;
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
