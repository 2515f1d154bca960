// Wires a running control plane together: a source, the translation loop, the
// xDS server and the admin server. `switchyard serve` and the tests use it.
import type { ServerCredentials } from "@grpc/grpc-js";
import { Counter } from "prom-client";
import type { TranslatorOptions } from "../api/translation.ts";
import { startAdminServer } from "../admin/server.ts";
import type { Logger } from "../observability/log.ts";
import { createRegistry, type Registry } from "../observability/metrics.ts";
import { Reporter } from "../report/index.ts";
import { translate } from "../translator/translate.ts";
import type { Source, StatusSink } from "../watch/source.ts";
import { SnapshotCache, type ValidateFn } from "../xds/cache.ts";
import { NackLog } from "../xds/nack-log.ts";
import { startXdsServer, type AuthorizeFn, type XdsServer } from "../xds/server.ts";
import { Controller, type ControllerOptions } from "./controller.ts";
import { withNacks } from "./nack-status.ts";
import { WorkerTranslator } from "./worker-translator.ts";
import { StatusStore } from "./status-store.ts";

export interface ControlPlaneOptions {
  source: Source;
  /** Extra status sinks, e.g. the Kubernetes status writer. */
  statusSinks?: StatusSink[];
  /** Input errors for the admin API (the file source has them). */
  configErrors?: () => readonly object[];
  translatorOptions: TranslatorOptions;
  /** `authorize` decides which snapshot a stream may read; with mTLS it checks the client certificate's identity. */
  xds: { host: string; port: number; credentials?: ServerCredentials; authorize?: AuthorizeFn };
  admin: { host: string; port: number };
  logger: Logger;
  registry?: Registry;
  debounceMs?: number;
  /** Replaces validation before serving; tests pass `noValidation` to put what Envoy rejects in front of it. */
  validate?: ValidateFn;
  /** Called after each published translation (the provisioner uses it). */
  onTranslated?: ControllerOptions["onTranslated"];
  /**
   * Translate in a worker thread, so that large inputs never block the event
   * loop (serve does); otherwise in this thread, synchronously (tests).
   */
  translateInWorker?: boolean;
}

export interface ControlPlane {
  xdsPort: number;
  adminPort: number;
  cache: SnapshotCache;
  controller: Controller;
  statuses: StatusStore;
  /** What connected proxies reject right now. */
  nacks: NackLog;
  xds: XdsServer;
  close(): Promise<void>;
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const { logger } = opts;
  const registry = opts.registry ?? createRegistry({ defaultMetrics: true });

  const statuses = new StatusStore();
  const runs = new Counter({
    name: "switchyard_translation_runs_total",
    help: "Translations in the worker thread, by mode: full (every route), endpoints (only EndpointSlices changed), gateways (only routes changed: the Gateways they name) or unchanged (no input changed)",
    labelNames: ["mode"],
    registers: [registry],
  });
  const worker = opts.translateInWorker ? new WorkerTranslator((mode) => runs.inc({ mode })) : undefined;
  const cache = new SnapshotCache({
    logger,
    registry,
    immutableMessages: true,
    ...(worker ? { prepared: (m) => worker.prepared(m) } : {}),
    ...(opts.validate ? { validate: opts.validate } : {}),
  });
  const nacks = new NackLog(cache);
  // The admin UI's live updates and the operator's log lines follow the same changes.
  const reporter = new Reporter(logger);
  const changeListeners = new Set<(topic: string) => void>();
  const changed = (topic: string) => {
    for (const l of changeListeners) l(topic);
  };
  const controller = new Controller({
    source: opts.source,
    publisher: cache,
    statusSinks: [
      statuses,
      {
        publish: (s) => {
          reporter.statuses(s);
          changed("status");
        },
      },
      ...(opts.statusSinks ?? []),
    ],
    translate: worker ? (rs, o) => worker.translate(rs, o) : translate,
    translatorOptions: opts.translatorOptions,
    logger: logger.child({ component: "controller" }),
    registry,
    debounceMs: opts.debounceMs,
    onTranslated: (result, rs) => {
      reporter.loaded(rs);
      opts.onTranslated?.(result, rs);
    },
    adjustStatuses: (s, rs) => withNacks(s, nacks.list(), rs),
  });
  const xds = await startXdsServer({ cache, logger, registry, ...opts.xds });
  // A NACK, or the ACK or disconnect that ends it, changes Gateway status without a new translation.
  xds.onAck((e) => nacks.record(e));
  xds.onStreamClose((id) => nacks.forget(id));
  nacks.onChange(() => controller.publishStatus());
  cache.onChange((key, snap) => {
    // What was loaded goes before what it pushes (a repeat of the same counts logs nothing).
    reporter.loaded(opts.source.current());
    reporter.snapshot(key, snap, xds.streamCount(key));
    changed("snapshot");
  });
  xds.onAck(() => changed("nodes"));
  xds.onStreamClose(() => changed("nodes"));
  nacks.onChange(() => changed("errors"));
  const admin = await startAdminServer({
    host: opts.admin.host,
    port: opts.admin.port,
    registry,
    logger,
    state: {
      ready: () => controller.ready,
      snapshots: cache,
      statuses: () => statuses.all(),
      configErrors: () => [...(opts.configErrors?.() ?? []), ...nacks.list()],
      validationFailures: () => Object.fromEntries(cache.keys().map((k) => [k, cache.getSnapshot(k)?.failures ?? []])),
      nodes: () => xds.nodes(),
      subscribe(listener) {
        changeListeners.add(listener);
        return () => changeListeners.delete(listener);
      },
    },
  });
  // Sources may already be synced (the file source reads before this); translate now.
  try {
    await opts.source.start();
  } catch (err) {
    // Nothing was served yet: release the ports so the process can exit with the error.
    worker?.close();
    await xds.close();
    await admin.close();
    throw err;
  }
  controller.start();
  // "serving" means the first snapshot is there (a worker translation answers later).
  await controller.idle();
  logger.info({ xdsPort: xds.port, adminPort: admin.port }, "switchyard is serving");
  return {
    xdsPort: xds.port,
    adminPort: admin.port,
    cache,
    controller,
    statuses,
    nacks,
    xds,
    async close() {
      controller.stop();
      worker?.close();
      await opts.source.stop();
      await xds.close();
      await admin.close();
    },
  };
}
