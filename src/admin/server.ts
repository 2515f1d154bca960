// The admin HTTP server: health, readiness, metrics and a read-only JSON debug
// API over the translated snapshots. It reads state and never changes it.
import Fastify, { LogController } from "fastify";
import type { Registry } from "prom-client";
import type { StatusUpdate } from "../api/translation.ts";
import { TYPE_URL, type ResourceType, type XdsResources } from "../api/xds.ts";
import { resourcesToJson } from "../api/xds-json.ts";
import type { Logger } from "../observability/log.ts";
import { uiPage } from "./ui.ts";

export interface SnapshotReader {
  keys(): string[];
  getSnapshot(key: string): { version: string; resources: XdsResources } | undefined;
}

export interface AdminState {
  ready(): boolean;
  snapshots: SnapshotReader;
  statuses(): readonly StatusUpdate[];
  /** Input errors (e.g. file source parse/schema errors). */
  configErrors(): readonly object[];
  /** Resources withheld by validation, per snapshot key. */
  validationFailures(): Record<string, readonly object[]>;
  /** Connected xDS nodes and their per-type ACK/NACK state. */
  nodes(): readonly object[];
}

export interface AdminOptions {
  host: string;
  port: number;
  state: AdminState;
  registry: Registry;
  logger: Logger;
}

const TYPES = (Object.keys(TYPE_URL) as ResourceType[]).sort();

export function buildAdminServer(opts: AdminOptions) {
  const app = Fastify({
    loggerInstance: opts.logger.child({ component: "admin" }),
    // Probes and scrapes would flood the log; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const { state } = opts;

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_req, reply) => {
    if (state.ready()) return { status: "ready" };
    return reply.code(503).send({ status: "not ready", reason: "the first full translation has not completed" });
  });
  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", opts.registry.contentType);
    return opts.registry.metrics();
  });

  app.get("/api/snapshots", async () =>
    state.snapshots.keys().sort().map((key) => {
      const snap = state.snapshots.getSnapshot(key);
      return { key, version: snap?.version ?? "", counts: snap ? counts(snap.resources) : {} };
    }),
  );
  app.get<{ Params: { namespace: string; name: string }; Querystring: { type?: string } }>(
    "/api/snapshots/:namespace/:name",
    async (req, reply) => {
      const key = `${req.params.namespace}/${req.params.name}`;
      const snap = state.snapshots.getSnapshot(key);
      if (!snap) return reply.code(404).send({ error: `no snapshot for Gateway ${key}` });
      const type = req.query.type;
      if (type !== undefined && !TYPES.includes(type as ResourceType)) {
        return reply.code(400).send({ error: `unknown type ${JSON.stringify(type)}; one of ${TYPES.join(", ")}` });
      }
      // Private keys never leave the process; certificates and CAs stay visible.
      const json = resourcesToJson(snap.resources, { redactSecrets: true });
      const resources = type ? { [type]: json[type as ResourceType] } : json;
      return { key, version: snap.version, resources };
    },
  );
  app.get("/api/status", async () => state.statuses());
  app.get("/api/errors", async () => state.configErrors());
  app.get("/api/validation", async () => state.validationFailures());
  app.get("/api/nodes", async () => state.nodes());
  app.get("/", async (_req, reply) => reply.type("text/html; charset=utf-8").send(uiPage()));
  return app;
}

function counts(r: XdsResources): Record<ResourceType, number> {
  return {
    listener: r.listeners.length,
    route: r.routes.length,
    cluster: r.clusters.length,
    endpoint: r.endpoints.length,
    secret: r.secrets.length,
  };
}

export type AdminServer = ReturnType<typeof buildAdminServer>;

export async function startAdminServer(opts: AdminOptions): Promise<{ app: AdminServer; port: number; close(): Promise<void> }> {
  const app = buildAdminServer(opts);
  await app.listen({ host: opts.host, port: opts.port });
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  return { app, port, close: () => app.close() };
}
