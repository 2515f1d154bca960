// The Kubernetes inputs of `switchyard serve --source kubernetes`, in one call.
//
//   const k8s = startKubernetesInputs({
//     kubeconfigPath,              // --kubeconfig; absent: $KUBECONFIG, ~/.kube/config, then in-cluster
//     controllerName,              // --controller-name
//     namespaces,                  // --namespace (repeatable); absent/empty: all namespaces
//     logger, registry,
//     leaseName, leaseNamespace,   // defaults: "switchyard-controller", $POD_NAMESPACE or the pod's namespace
//     identity,                    // default: hostname + random suffix
//   });
//   k8s.source      // Source: the controller calls start() (resolves once every informer listed once),
//                   //   then current() / onChange(); `synced` is the readiness signal
//   k8s.statusSink  // StatusSink: publish() the complete `statuses` of every translation; only the
//                   //   leader writes, and only what changed
//   k8s.leader      // isLeader, identity, holder, on("started-leading" | "stopped-leading" | "new-leader")
//   await k8s.stop() // stops informers and writes, releases the lease if held
//
// Leader election starts at once; the source starts when the controller calls
// source.start(). Every replica serves xDS; only the leader writes status.
import { hostname } from "node:os";
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { KubeConfig } from "@kubernetes/client-node";
import type { Registry } from "prom-client";
import type { Logger } from "../../observability/log.ts";
import type { InformerTiming } from "./informer.ts";
import { KubeClient } from "./kube-http.ts";
import { LeaderElector } from "./leader-election.ts";
import { createKubernetesSource, type KubernetesSource } from "./source.ts";
import { InstalledStatusSchemas } from "./status-schema.ts";
import { StatusWriter } from "./status-writer.ts";

export { createKubernetesSource, type KubernetesSource, type KubernetesSourceOptions } from "./source.ts";
export { StatusWriter, type StatusWriterOptions } from "./status-writer.ts";
export { LeaderElector, type LeaderElectionOptions } from "./leader-election.ts";
export { KubeClient } from "./kube-http.ts";

export interface KubernetesInputsOptions {
  kubeconfigPath?: string;
  /** A ready KubeConfig (tests); wins over kubeconfigPath. */
  kubeConfig?: KubeConfig;
  controllerName: string;
  namespaces?: readonly string[];
  logger: Logger;
  registry: Registry;
  leaseName?: string;
  leaseNamespace?: string;
  identity?: string;
  /** false: no election, this replica always writes status (single-replica setups and tests). */
  leaderElection?: boolean;
  timing?: Partial<InformerTiming> & {
    leaseDurationMs?: number;
    renewDeadlineMs?: number;
    retryPeriodMs?: number;
    statusQps?: number;
    statusBurst?: number;
  };
}

/** What the controller needs to know about leadership. */
export interface Leadership {
  readonly isLeader: boolean;
  readonly identity: string;
  /** The lease holder last observed (this replica's identity when it leads). */
  readonly holder: string | undefined;
  on(event: "started-leading" | "stopped-leading", listener: () => void): unknown;
  on(event: "new-leader", listener: (identity: string) => void): unknown;
}

export interface KubernetesInputs {
  source: KubernetesSource;
  statusSink: StatusWriter;
  leader: Leadership;
  stop(): Promise<void>;
}

export const DEFAULT_LEASE_NAME = "switchyard-controller";

export function loadKubeConfig(kubeconfigPath?: string): KubeConfig {
  const kc = new KubeConfig();
  if (kubeconfigPath) kc.loadFromFile(kubeconfigPath);
  else kc.loadFromDefault();
  return kc;
}

export function startKubernetesInputs(opts: KubernetesInputsOptions): KubernetesInputs {
  const kubeConfig = opts.kubeConfig ?? loadKubeConfig(opts.kubeconfigPath);
  const client = new KubeClient(kubeConfig);
  const logger = opts.logger;
  const t = opts.timing ?? {};
  const source = createKubernetesSource({ kubeConfig, client, logger, registry: opts.registry, namespaces: opts.namespaces, timing: t });
  const identity = opts.identity ?? `${hostname()}_${randomUUID().slice(0, 8)}`;

  let elector: LeaderElector | undefined;
  let leader: Leadership;
  if (opts.leaderElection ?? true) {
    elector = new LeaderElector({
      client,
      logger,
      registry: opts.registry,
      leaseName: opts.leaseName ?? DEFAULT_LEASE_NAME,
      leaseNamespace: opts.leaseNamespace ?? defaultLeaseNamespace(),
      identity,
      leaseDurationMs: t.leaseDurationMs,
      renewDeadlineMs: t.renewDeadlineMs,
      retryPeriodMs: t.retryPeriodMs,
    });
    leader = elector;
  } else {
    leader = { isLeader: true, identity, holder: identity, on: () => undefined };
  }

  const statusSink = new StatusWriter({
    client,
    logger,
    registry: opts.registry,
    controllerName: opts.controllerName,
    isLeader: () => leader.isLeader,
    lookup: (kind, key) => source.getCached(kind, key),
    qps: t.statusQps,
    burst: t.statusBurst,
    schemas: new InstalledStatusSchemas({ client, logger: logger.child({ component: "status-writer" }) }),
  });
  leader.on("started-leading", () => statusSink.leaderChanged(true));
  leader.on("stopped-leading", () => statusSink.leaderChanged(false));
  elector?.start();

  return {
    source,
    statusSink,
    leader,
    async stop() {
      statusSink.stop();
      await Promise.all([source.stop(), elector?.stop()]);
    },
  };
}

function defaultLeaseNamespace(): string {
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  try {
    return readFileSync("/var/run/secrets/kubernetes.io/serviceaccount/namespace", "utf8").trim();
  } catch {
    return "switchyard-system";
  }
}
