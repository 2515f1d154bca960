// The admin HTTP server: health, readiness, metrics, a read-only JSON API over the translated
// snapshots, status and connected proxies, explain, server-sent change events, and the web UI
// (docs/admin.md). It reads state and never changes it.
import Fastify, { LogController } from "fastify";
import type { Registry } from "prom-client";
import type { StatusUpdate } from "../api/translation.ts";
import { TYPE_URL, type ResourceType, type XdsResources } from "../api/xds.ts";
import { resourcesToJson, type ResourcesJson } from "../api/xds-json.ts";
import { explain } from "../explain/index.ts";
import type { Logger } from "../observability/log.ts";
import { configProblems, statusProblems, withheldProblems, type Problem } from "../report/problems.ts";
import { EventHub } from "./events.ts";
import { parseExplain } from "./explain-request.ts";
import { proxyRows, type TypeVersions } from "./proxies.ts";
import { uiFiles } from "./static.ts";
import { gatewayTree } from "./tree.ts";

export interface SnapshotReader {
  keys(): string[];
  /** `types` (the cache has them) gives each type's version, for proxy status. */
  getSnapshot(key: string): (NonNullable<ReturnType<TypeVersions>> & { resources: XdsResources }) | undefined;
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
  /** Be told when any of the above changes (topic: snapshot, status, nodes, errors); feeds /api/events. */
  subscribe?(listener: (topic: string) => void): () => void;
}

export interface AdminOptions {
  host: string;
  port: number;
  state: AdminState;
  registry: Registry;
  logger: Logger;
}

const TYPES = (Object.keys(TYPE_URL) as ResourceType[]).sort();

/** Everything that is wrong now, in one list (the Problems view). */
export function problems(state: AdminState): Problem[] {
  return [...configProblems(state.configErrors()), ...statusProblems(state.statuses()), ...withheldProblems(state.validationFailures())];
}

export function buildAdminServer(opts: AdminOptions) {
  const app = Fastify({
    loggerInstance: opts.logger.child({ component: "admin" }),
    // Probes and scrapes would flood the log; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const { state } = opts;
  const hub = new EventHub();
  const unsubscribe = state.subscribe?.((topic) => hub.changed(topic));
  app.addHook("preClose", (done) => {
    unsubscribe?.();
    hub.close();
    done();
  });

  // proto3 JSON of a snapshot, made once per version: the UI asks for it on every change.
  const jsonCache = new Map<string, { version: string; json: ResourcesJson }>();
  const jsonOf = (key: string): { version: string; json: ResourcesJson } | undefined => {
    const snap = state.snapshots.getSnapshot(key);
    if (!snap) {
      jsonCache.delete(key);
      return undefined;
    }
    const hit = jsonCache.get(key);
    if (hit && hit.version === snap.version) return hit;
    // Private keys never leave the process; certificates and CAs stay visible.
    const entry = { version: snap.version, json: resourcesToJson(snap.resources, { redactSecrets: true }) };
    jsonCache.set(key, entry);
    return entry;
  };

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
  type Reply = { code(n: number): { send(b: unknown): unknown } };
  const snapshot = (key: string, type: string | undefined, reply: Reply) => {
    const snap = jsonOf(key);
    if (!snap) return reply.code(404).send({ error: `no snapshot for Gateway ${key}` });
    if (type !== undefined && !TYPES.includes(type as ResourceType)) {
      return reply.code(400).send({ error: `unknown type ${JSON.stringify(type)}; one of ${TYPES.join(", ")}` });
    }
    const resources = type ? { [type]: snap.json[type as ResourceType] } : snap.json;
    return { key, version: snap.version, resources };
  };
  app.get<{ Params: { namespace: string; name: string }; Querystring: { type?: string } }>("/api/snapshots/:namespace/:name", async (req, reply) =>
    snapshot(`${req.params.namespace}/${req.params.name}`, req.query.type, reply),
  );
  // The mesh snapshot's key has no namespace.
  app.get<{ Params: { key: string }; Querystring: { type?: string } }>("/api/snapshots/:key", async (req, reply) => snapshot(req.params.key, req.query.type, reply));
  const tree = (key: string, reply: Reply) => {
    const snap = jsonOf(key);
    if (!snap) return reply.code(404).send({ error: `no snapshot for Gateway ${key}; /api/snapshots lists them` });
    return gatewayTree(key, snap.version, snap.json, state.statuses());
  };
  app.get<{ Params: { namespace: string; name: string } }>("/api/gateways/:namespace/:name", async (req, reply) => tree(`${req.params.namespace}/${req.params.name}`, reply));
  // The mesh snapshot's key has no namespace.
  app.get<{ Params: { key: string } }>("/api/gateways/:key", async (req, reply) => tree(req.params.key, reply));
  app.get("/api/status", async () => state.statuses());
  app.get("/api/errors", async () => state.configErrors());
  app.get("/api/validation", async () => state.validationFailures());
  app.get("/api/nodes", async () => state.nodes());
  app.get("/api/proxies", async () => proxyRows(state.nodes(), (k) => state.snapshots.getSnapshot(k)));
  app.get("/api/problems", async () => problems(state));
  app.get("/api/summary", async () => {
    const all = problems(state);
    return {
      ready: state.ready(),
      problems: all.length,
      byCategory: Object.fromEntries(["config", "status", "withheld", "nack"].map((c) => [c, all.filter((p) => p.category === c).length])),
      gateways: state.snapshots.keys().length,
      proxies: state.nodes().length,
    };
  });

  const runExplain = (input: Record<string, unknown>, reply: { code(n: number): { send(b: unknown): unknown } }) => {
    const req = parseExplain(input);
    if (typeof req === "string") return reply.code(400).send({ error: req });
    const snap = jsonOf(req.gateway);
    if (!snap) return reply.code(404).send({ error: `no snapshot for Gateway ${req.gateway}; /api/snapshots lists them` });
    const { gateway, ...request } = req;
    return { gateway, version: snap.version, ...explain(snap.json, request) };
  };
  app.get<{ Querystring: Record<string, unknown> }>("/api/explain", async (req, reply) => runExplain(req.query, reply));
  app.post<{ Body: Record<string, unknown> }>("/api/explain", async (req, reply) => runExplain(req.body ?? {}, reply));

  app.get("/api/events", (req, reply) => {
    reply.hijack();
    hub.add(reply.raw);
    req.raw.on("close", () => reply.raw.end());
  });

  const files = uiFiles();
  const serve = (name: string) => async (_req: unknown, reply: { type(t: string): { send(b: Buffer): unknown } }) => {
    const f = files.get(name)!;
    return reply.type(f.type).send(f.body);
  };
  app.get("/", serve("index.html"));
  for (const name of files.keys()) app.get(`/ui/${name}`, serve(name));
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
