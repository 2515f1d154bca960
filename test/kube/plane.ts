// `serve --source kubernetes` wired as src/cli/serve.ts wires it (inputs, optional provisioning,
// controller, xDS and admin on port 0), against a real API server; and a recorder of every state a
// watched object goes through, from a real watch.
import { Watch, type KubeConfig } from "@kubernetes/client-node";
import { startControlPlane, type ControlPlane } from "../../src/controller/run.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { startProvisioner, type Provisioner, type ProvisionerOptions } from "../../src/infra/provision/index.ts";
import type { Logger } from "../../src/observability/log.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { createRegistry, type Registry } from "../../src/observability/metrics.ts";
import { startKubernetesInputs, type KubernetesInputs } from "../../src/watch/kubernetes/index.ts";
import type { InformerTiming } from "../../src/watch/kubernetes/informer.ts";

export const CONTROLLER = DEFAULT_CONTROLLER_NAME;

/** Test timings that keep the informers' real protocol (pages of 500, real watch timeouts) but restart fast. */
export const REAL_TIMING: Partial<InformerTiming> = { restartInitialMs: 50, restartMaxMs: 500, relistIntervalMs: 0 };

export interface RealPlane {
  k8s: KubernetesInputs;
  plane: ControlPlane;
  prov: Provisioner | undefined;
  registry: Registry;
  stop(): Promise<void>;
}

export interface RealPlaneOptions {
  kubeConfig: KubeConfig;
  logger?: Logger;
  /** Provision an Envoy per Gateway (the default of serve); options for startProvisioner. */
  provisioning?: Partial<Omit<ProvisionerOptions, "kubeConfig" | "leader" | "logger" | "registry">> | false;
  leaderElection?: boolean;
  leaseNamespace?: string;
}

export async function startRealPlane(opts: RealPlaneOptions): Promise<RealPlane> {
  const logger = opts.logger ?? silentLogger();
  const registry = createRegistry();
  const k8s = startKubernetesInputs({
    kubeConfig: opts.kubeConfig,
    controllerName: CONTROLLER,
    logger,
    registry,
    leaderElection: opts.leaderElection ?? false,
    leaseNamespace: opts.leaseNamespace,
    timing: { ...REAL_TIMING, leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 },
  });
  const prov =
    opts.provisioning === false
      ? undefined
      : startProvisioner({ kubeConfig: opts.kubeConfig, leader: k8s.leader, logger, registry, resyncMs: 0, ...(opts.provisioning ?? {}) });
  try {
    const plane = await startControlPlane({
      source: k8s.source,
      statusSinks: [prov ? prov.statusSink(k8s.statusSink) : k8s.statusSink],
      onTranslated: prov ? (result, rs) => prov.sync(result, rs) : undefined,
      translatorOptions: { controllerName: CONTROLLER },
      xds: { host: "127.0.0.1", port: 0 },
      admin: { host: "127.0.0.1", port: 0 },
      logger,
      registry,
      debounceMs: 10,
    });
    return {
      k8s,
      plane,
      prov,
      registry,
      async stop() {
        await plane.close();
        await prov?.stop();
        await k8s.stop();
      },
    };
  } catch (err) {
    await prov?.stop();
    await k8s.stop();
    throw err;
  }
}

export interface Recorded<T> {
  type: string;
  object: T;
  /** performance.now() when the event arrived. */
  at: number;
}

/** Records every event of a real watch on `path` (e.g. one object with a fieldSelector) until stopped. */
export async function recordWatch<T>(kubeConfig: KubeConfig, path: string, query: Record<string, string> = {}): Promise<{ events: Recorded<T>[]; stop(): void }> {
  const events: Recorded<T>[] = [];
  const ctl = await new Watch(kubeConfig).watch(
    path,
    query,
    (type: string, object: T) => events.push({ type, object, at: performance.now() }),
    () => undefined,
  );
  return { events, stop: () => ctl.abort() };
}
