// The xDS gRPC server: ADS (State-of-the-World and Delta) and CSDS on one port.
//
// Node -> snapshot: a stream is served the snapshot keyed by its first
// request's `node.cluster` (a Gateway's `namespace/name`, or the mesh key).
// A key with no snapshot gets nothing (logged once per key while streams ask
// for it) until one is set; a stream never gets another key's resources.
//
// Authorization hook: pass `authorize` to decide the key from the stream's
// identity. It runs once per stream, on the first request, with the node and
// the call's auth context (peer certificate under mTLS). Return the snapshot key
// the stream may read, or an Error to refuse the stream with PERMISSION_DENIED.
// Example for mTLS: compare the client certificate's identity with
// node.cluster and return node.cluster when they match.
// With a hook configured, CSDS runs it too, per request, on the request's node:
// a caller sees only the streams of the key it is granted.
import * as grpc from "@grpc/grpc-js";
import { Counter, type Registry } from "prom-client";
import type { Node } from "../gen/envoy/config/core/v3/base_pb.js";
import { AggregatedDiscoveryService } from "../gen/envoy/service/discovery/v3/ads_pb.js";
import { ClientStatusDiscoveryService, type ClientStatusRequest } from "../gen/envoy/service/status/v3/csds_pb.js";
import type { Logger } from "../observability/log.ts";
import type { SnapshotCache } from "./cache.ts";
import { clientStatus } from "./csds.ts";
import { DeltaStream } from "./delta-stream.ts";
import { rawResponseServiceDefinition, serviceDefinition } from "./grpc-services.ts";
import { XdsMetrics } from "./metrics.ts";
import type { NodeStatus } from "./node-status.ts";
import { ReconcileQueue } from "./reconcile-queue.ts";
import { SotwStream } from "./sotw-stream.ts";
import type { AckEvent, BaseStream, StreamContext } from "./stream-base.ts";

export type { NodeStatus, TypeStatus } from "./node-status.ts";
export type { AckEvent } from "./stream-base.ts";

/** What `authorize` sees about a new stream. */
export interface StreamIdentity {
  node: Node | undefined;
  /** grpc-js auth context: `transportSecurityType`, `sslPeerCertificate` under TLS. */
  authContext: ReturnType<grpc.ServerDuplexStream<unknown, unknown>["getAuthContext"]>;
  peer: string;
  metadata: grpc.Metadata;
}

/** Returns the snapshot key the stream may read, or an Error to refuse it. */
export type AuthorizeFn = (identity: StreamIdentity) => string | Error;

/** The default: trust node.cluster. */
export const clusterIsKey: AuthorizeFn = (id) => id.node?.cluster ?? "";

/** Runs `authorize`; a throw counts as a refusal. */
function authorizeIdentity(authorize: AuthorizeFn, identity: StreamIdentity): string | Error {
  try {
    return authorize(identity);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

export interface XdsServerOptions {
  cache: SnapshotCache;
  host: string;
  /** 0 picks a free port; see XdsServer.port. */
  port: number;
  logger: Logger;
  registry: Registry;
  /** Defaults to insecure (plaintext). */
  credentials?: grpc.ServerCredentials;
  /** Also limits CSDS: a caller sees only the nodes of the key it is granted (from its request's node). */
  authorize?: AuthorizeFn;
  /** Most ADS streams served at once; more are refused with RESOURCE_EXHAUSTED. Default 10,000. */
  maxStreams?: number;
  /** Largest request accepted, bytes. Default 4 MiB. */
  maxReceiveMessageBytes?: number;
  /** Largest response sent, bytes; -1 for no limit. Default -1. */
  maxSendMessageBytes?: number;
  /** Server keepalive ping interval and timeout, ms. Defaults 30 s and 10 s. */
  keepaliveTimeMs?: number;
  keepaliveTimeoutMs?: number;
  /** How long close() waits for clients before forcing. Default 5 s. */
  shutdownTimeoutMs?: number;
  /** Extra grpc-js server options. */
  grpcOptions?: grpc.ChannelOptions;
}

export interface XdsServer {
  /** The bound port. */
  readonly port: number;
  /** Per-stream state of every connected node, for the admin API. */
  nodes(): NodeStatus[];
  /** How many admitted streams a snapshot key has (cheap: no per-stream state is read). */
  streamCount(key: string): number;
  /** Be told about every ACK and NACK (tests, benchmarks, debugging). Returns the unsubscribe function. */
  onAck(listener: (event: AckEvent) => void): () => void;
  /** Be told when a stream has closed, by its id (NodeStatus.streamId). Returns the unsubscribe function. */
  onStreamClose(listener: (streamId: number) => void): () => void;
  /** Stop accepting, flush in-flight responses, close streams, stop. */
  close(): Promise<void>;
}

export async function startXdsServer(opts: XdsServerOptions): Promise<XdsServer> {
  const logger = opts.logger.child({ component: "xds-server" });
  const metrics = new XdsMetrics(opts.registry);
  const authorize = opts.authorize ?? clusterIsKey;
  const maxStreams = opts.maxStreams ?? 10_000;
  const streams = new Set<BaseStream>();
  const byKey = new Map<string, Set<BaseStream>>();
  const unknownLogged = new Set<string>();
  const ackListeners = new Set<(event: AckEvent) => void>();
  const closeListeners = new Set<(streamId: number) => void>();
  let closing = false;

  const ctx: StreamContext = {
    queue: new ReconcileQueue(),
    cache: opts.cache,
    logger,
    metrics,
    admit(stream, node) {
      const key = authorizeIdentity(authorize, { node, authContext: stream.authContext, peer: stream.peer, metadata: stream.metadata });
      if (key instanceof Error) {
        logger.warn({ node: node?.id, cluster: node?.cluster, peer: stream.peer, err: key.message }, "stream refused");
        stream.fail(grpc.status.PERMISSION_DENIED, key.message);
        return key;
      }
      let set = byKey.get(key);
      if (!set) {
        set = new Set();
        byKey.set(key, set);
      }
      set.add(stream);
      if (!opts.cache.getSnapshot(key)) {
        metrics.unknownSnapshot.inc();
        if (!unknownLogged.has(key)) {
          unknownLogged.add(key);
          logger.warn({ node: node?.id, snapshot: key }, "node asks for a snapshot that does not exist; it gets nothing");
        }
      }
      logger.info({ stream: stream.id, node: node?.id, snapshot: key, protocol: stream.protocol }, "stream opened");
      return key;
    },
    onClose(stream) {
      if (!streams.delete(stream)) return;
      metrics.streams.dec({ protocol: stream.protocol });
      const set = stream.key !== undefined ? byKey.get(stream.key) : undefined;
      if (set?.delete(stream) && set.size === 0 && stream.key !== undefined) {
        byKey.delete(stream.key);
        // Keys come from clients: forget one nobody asks for, so the set cannot grow without bound.
        unknownLogged.delete(stream.key);
      }
      logger.debug({ stream: stream.id, node: stream.nodeId }, "stream closed");
      for (const l of closeListeners) l(stream.id);
    },
    onAck(event) {
      for (const l of ackListeners) l(event);
    },
  };

  const unsubscribe = opts.cache.onChange((key, snapshot) => {
    if (snapshot) unknownLogged.delete(key);
    for (const stream of byKey.get(key) ?? []) stream.schedule();
  });

  function open(kind: "sotw" | "delta", call: grpc.ServerDuplexStream<unknown, Buffer>): void {
    if (closing) {
      call.emit("error", { code: grpc.status.UNAVAILABLE, details: "xDS server is shutting down" });
      return;
    }
    if (streams.size >= maxStreams) {
      call.emit("error", { code: grpc.status.RESOURCE_EXHAUSTED, details: `more than ${maxStreams} xDS streams` });
      return;
    }
    const stream = kind === "sotw" ? new SotwStream(call, ctx) : new DeltaStream(call, ctx);
    streams.add(stream);
    metrics.streams.inc({ protocol: kind });
  }

  const server = new grpc.Server({
    "grpc.keepalive_time_ms": opts.keepaliveTimeMs ?? 30_000,
    "grpc.keepalive_timeout_ms": opts.keepaliveTimeoutMs ?? 10_000,
    "grpc.max_receive_message_length": opts.maxReceiveMessageBytes ?? 4 * 1024 * 1024,
    "grpc.max_send_message_length": opts.maxSendMessageBytes ?? -1,
    ...opts.grpcOptions,
  });
  server.addService(countingUndecodable(rawResponseServiceDefinition(AggregatedDiscoveryService), opts.registry, logger), {
    streamAggregatedResources: (call: grpc.ServerDuplexStream<unknown, Buffer>) => open("sotw", call),
    deltaAggregatedResources: (call: grpc.ServerDuplexStream<unknown, Buffer>) => open("delta", call),
  });
  /**
   * The streams a CSDS caller may see. With an `authorize` hook the caller is
   * checked like an ADS stream (its request's node and its certificate) and
   * sees only the streams of the key it is granted; without one, every stream.
   */
  function csdsStreams(
    req: ClientStatusRequest,
    call: grpc.ServerUnaryCall<ClientStatusRequest, unknown> | grpc.ServerDuplexStream<ClientStatusRequest, unknown>,
  ): Iterable<BaseStream> | Error {
    if (!opts.authorize) return streams;
    const peer = call.getPeer();
    const key = authorizeIdentity(opts.authorize, { node: req.node, authContext: call.getAuthContext(), peer, metadata: call.metadata });
    if (key instanceof Error) {
      logger.warn({ node: req.node?.id, cluster: req.node?.cluster, peer, err: key.message }, "CSDS request refused");
      return key;
    }
    return byKey.get(key) ?? [];
  }
  const refused = (err: Error) => ({ code: grpc.status.PERMISSION_DENIED, details: err.message });

  server.addService(countingUndecodable(serviceDefinition(ClientStatusDiscoveryService), opts.registry, logger), {
    fetchClientStatus: (call: grpc.ServerUnaryCall<ClientStatusRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const visible = csdsStreams(call.request, call);
      if (visible instanceof Error) callback(refused(visible));
      else callback(null, clientStatus(call.request, visible, opts.cache));
    },
    streamClientStatus: (call: grpc.ServerDuplexStream<ClientStatusRequest, unknown>) => {
      call.on("data", (req: ClientStatusRequest) => {
        const visible = csdsStreams(req, call);
        if (visible instanceof Error) call.emit("error", refused(visible));
        else call.write(clientStatus(req, visible, opts.cache));
      });
      call.on("end", () => call.end());
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${opts.host}:${opts.port}`, opts.credentials ?? grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  logger.info({ host: opts.host, port }, "xDS server listening");

  return {
    port,
    nodes: () => [...streams].filter((s) => s.key !== undefined).map((s) => s.nodeStatus()),
    streamCount: (key) => byKey.get(key)?.size ?? 0,
    onAck(listener) {
      ackListeners.add(listener);
      return () => ackListeners.delete(listener);
    },
    onStreamClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    async close() {
      if (closing) return;
      closing = true;
      unsubscribe();
      const done = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      // End every stream; grpc-js flushes queued responses before the status.
      for (const s of [...streams]) s.close();
      const timeout = opts.shutdownTimeoutMs ?? 5_000;
      let timer: NodeJS.Timeout | undefined;
      const forced = new Promise<"forced">((resolve) => {
        timer = setTimeout(() => resolve("forced"), timeout);
      });
      const result = await Promise.race([done, forced]);
      clearTimeout(timer);
      if (result === "forced") {
        logger.warn({ timeoutMs: timeout }, "xDS clients did not disconnect in time; forcing shutdown");
        server.forceShutdown();
      }
      logger.info("xDS server stopped");
    },
  };
}

/** At most one "undecodable request" log line per method in this long; the counter counts all. */
const UNDECODABLE_LOG_INTERVAL_MS = 10_000;

/**
 * Counts and logs (rate-limited) requests that do not decode as the method's message; grpc-js
 * still answers them with INTERNAL. Oversize messages and bad framing are refused by grpc-js
 * before they get here, and are not seen.
 */
function countingUndecodable(def: ReturnType<typeof serviceDefinition>, registry: Registry, logger: Logger): ReturnType<typeof serviceDefinition> {
  const name = "switchyard_xds_undecodable_requests_total";
  const counter =
    (registry.getSingleMetric(name) as Counter<"method"> | undefined) ??
    new Counter({ name, help: "gRPC requests that did not decode as the method's message", labelNames: ["method"], registers: [registry] });
  const lastLogged = new Map<string, number>();
  const suppressed = new Map<string, number>();
  for (const m of Object.values(def)) {
    const decode = m.requestDeserialize;
    m.requestDeserialize = (bytes: Buffer) => {
      try {
        return decode(bytes);
      } catch (err) {
        counter.inc({ method: m.path });
        const now = Date.now();
        if (now - (lastLogged.get(m.path) ?? -Infinity) >= UNDECODABLE_LOG_INTERVAL_MS) {
          logger.warn({ method: m.path, bytes: bytes.length, err: (err as Error).message, suppressed: suppressed.get(m.path) ?? 0 }, "undecodable gRPC request refused");
          lastLogged.set(m.path, now);
          suppressed.set(m.path, 0);
        } else suppressed.set(m.path, (suppressed.get(m.path) ?? 0) + 1);
        throw err;
      }
    };
  }
  return def;
}
