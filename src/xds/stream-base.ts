// What SotW and Delta streams share: per-type ACK/NACK bookkeeping, nonces,
// ordered reconciliation with make-before-break barriers, and writes that
// respect backpressure so a slow client never holds up the others.
import * as grpc from "@grpc/grpc-js";
import type { Node } from "../gen/envoy/config/core/v3/base_pb.js";
import type { Status } from "../gen/google/rpc/status_pb.js";
import type { ResourceType } from "../api/xds.ts";
import type { Logger } from "../observability/log.ts";
import type { Snapshot, SnapshotCache } from "./cache.ts";
import type { XdsMetrics } from "./metrics.ts";
import type { NodeStatus, TypeStatus } from "./node-status.ts";
import type { ReconcileQueue } from "./reconcile-queue.ts";
import { DESCRIPTORS, PUSH_ORDER, PUSH_STAGES, REMOVAL_ORDER, descriptorOfUrl, type ResourceTypeDescriptor } from "./resource-types.ts";

export interface StreamContext {
  cache: SnapshotCache;
  logger: Logger;
  metrics: XdsMetrics;
  /** Called once with the first request's node; returns the snapshot key, or an Error to refuse. */
  admit(stream: BaseStream, node: Node | undefined): string | Error;
  onClose(stream: BaseStream): void;
  /** Told about every ACK and NACK. */
  onAck(event: AckEvent): void;
  /** Where streams wait to reconcile: shared, so that a push to many streams runs in slices (reconcile-queue.ts). */
  queue: ReconcileQueue;
}

/** A client's reply to one response: ACK, or NACK with the client's message. */
export interface AckEvent {
  kind: "ack" | "nack";
  streamId: number;
  nodeId: string;
  snapshotKey: string;
  typeUrl: string;
  /** The version of the response replied to. */
  version: string;
  nonce: string;
  /** error_detail.message of a NACK. */
  message?: string;
  /** Time from sending the response to the reply. */
  latencyMs: number;
}

let nextStreamId = 1;

/** Distinct type URLs one stream may use; more is abuse, not a client. */
const MAX_TYPES_PER_STREAM = 64;

/** Per-type state common to both protocols. */
export class TypeStateBase {
  readonly typeUrl: string;
  /** Undefined for a type switchyard does not serve. */
  readonly descriptor: ResourceTypeDescriptor | undefined;
  readonly type: ResourceType | undefined;
  /** The `type` label of the per-type metrics. */
  readonly metricType: string;
  wildcard = false;
  /** Explicitly subscribed names (SotW shares equal sets between streams). */
  names: ReadonlySet<string> = new Set<string>();
  /** The client asked for this type at least once on this stream. */
  requested = false;
  /** A response must go out even if the content equals what was sent (first request, new names). */
  mustRespond = false;
  nonce = "";
  inFlight = false;
  /** performance.now() of the last send, for push-to-ACK latency. */
  sentAt = 0;
  // What the admin API shows; times are epoch ms, formatted only when asked.
  sentVersion = "";
  sentAtMs = 0;
  ackedVersion: string | undefined;
  ackedAtMs = 0;
  nackedVersion: string | undefined;
  nackedAtMs = 0;
  nackMessage: string | undefined;

  constructor(typeUrl: string) {
    this.typeUrl = typeUrl;
    this.descriptor = descriptorOfUrl(typeUrl);
    this.type = this.descriptor?.type;
    this.metricType = this.type ?? "unknown";
  }

  /** Full-state type (LDS, CDS): wildcard subscriptions, and SotW responses carry the whole set. */
  get fullState(): boolean {
    return this.descriptor?.fullState === true;
  }

  /** Removals wait until every stage is answered (all but listeners; types we do not serve too). */
  get deferRemoval(): boolean {
    return this.descriptor?.deferRemoval ?? true;
  }

  subscribedNames(): string[] {
    return [...(this.wildcard ? ["*"] : []), ...[...this.names].sort()];
  }

  status(): TypeStatus {
    const iso = (ms: number): string | undefined => (ms > 0 ? new Date(ms).toISOString() : undefined);
    const s: TypeStatus = { typeUrl: this.typeUrl, subscribed: this.subscribedNames(), awaitingAck: this.inFlight };
    if (this.sentAtMs > 0) {
      s.lastSentVersion = this.sentVersion;
      s.lastSentNonce = this.nonce;
      s.lastSentAt = iso(this.sentAtMs);
    }
    if (this.ackedVersion !== undefined) {
      s.lastAckedVersion = this.ackedVersion;
      s.lastAckedAt = iso(this.ackedAtMs);
    }
    if (this.nackedVersion !== undefined) {
      s.lastNackedVersion = this.nackedVersion;
      s.lastNackedAt = iso(this.nackedAtMs);
    }
    if (this.nackMessage !== undefined) s.nackMessage = this.nackMessage;
    return s;
  }
}

/** What both protocols' requests carry that the base needs. */
export interface StreamRequest {
  typeUrl: string;
  node?: Node | undefined;
}

export abstract class BaseStream<TS extends TypeStateBase = TypeStateBase, Req extends StreamRequest = StreamRequest> {
  readonly id = nextStreamId++;
  readonly protocol: "sotw" | "delta";
  readonly connectedSince = new Date();
  readonly types = new Map<string, TS>();
  nodeId = "";
  cluster = "";
  /** The node of the first request. */
  node: Node | undefined;
  /** The snapshot key, set once the first request is admitted. */
  key: string | undefined;
  /** The last snapshot version this client ACKed in full (every type, every stage). */
  syncedVersion: string | undefined;
  protected readonly ctx: StreamContext;
  protected readonly call: grpc.ServerDuplexStream<unknown, Buffer>;
  #log: Logger | undefined;
  #nonceCounter = 0;
  #blocked = false;
  #closed = false;

  constructor(protocol: "sotw" | "delta", call: grpc.ServerDuplexStream<unknown, Buffer>, ctx: StreamContext) {
    this.protocol = protocol;
    this.call = call;
    this.ctx = ctx;
    call.on("data", (req: Req) => this.#onData(req));
    call.on("end", () => this.close());
    call.on("cancelled", () => this.#finish());
    call.on("error", (err: Error) => {
      this.log.debug({ err }, "stream error");
      this.#finish();
    });
    call.on("close", () => this.#finish());
    call.on("drain", () => {
      this.#blocked = false;
      this.schedule();
    });
  }

  /** Made on first use: most streams never log. */
  protected get log(): Logger {
    this.#log ??= this.ctx.logger.child({ stream: this.id, protocol: this.protocol });
    return this.#log;
  }

  get peer(): string {
    try {
      return this.call.getPeer();
    } catch {
      return "";
    }
  }

  /** The call's auth context (peer certificate under mTLS) and metadata, for `authorize`. */
  get authContext(): ReturnType<grpc.ServerDuplexStream<unknown, Buffer>["getAuthContext"]> {
    return this.call.getAuthContext();
  }

  get metadata(): grpc.Metadata {
    return this.call.metadata;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Reconcile soon; triggers before it runs coalesce and the latest snapshot wins. */
  schedule(): void {
    if (this.#closed || this.key === undefined) return;
    this.ctx.queue.add(this.#reconcileNow);
  }

  readonly #reconcileNow = (): void => {
    if (this.#closed || this.#blocked || this.key === undefined) return;
    const snap = this.ctx.cache.getSnapshot(this.key);
    // An unknown or deleted snapshot: the client keeps what it has and gets nothing.
    if (!snap) return;
    try {
      this.reconcile(snap);
    } catch (err) {
      this.log.error({ err }, "reconcile failed");
    }
  };

  /** Graceful end: queued responses are flushed before the stream closes with OK. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.call.end();
    } catch {
      // already gone
    }
    this.#closedNow();
  }

  /** End the stream with an error status. */
  fail(code: grpc.status, details: string): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.call.emit("error", { code, details });
    } catch {
      // already gone
    }
    this.#closedNow();
  }

  nodeStatus(): NodeStatus {
    return {
      streamId: this.id,
      nodeId: this.nodeId,
      cluster: this.cluster,
      snapshotKey: this.key ?? "",
      protocol: this.protocol,
      peer: this.peer,
      connectedSince: this.connectedSince.toISOString(),
      ...(this.syncedVersion !== undefined ? { syncedVersion: this.syncedVersion } : {}),
      types: [...this.types.values()]
        .map((ts) => ts.status())
        .sort((a, b) => (a.typeUrl < b.typeUrl ? -1 : 1)),
    };
  }

  protected abstract newTypeState(typeUrl: string): TS;
  protected abstract handleRequest(req: Req, ts: TS): void;
  /** Send what phase 1 (additions, updates) needs for one type, if anything. */
  protected abstract sendUpdates(ts: TS, snap: Snapshot): void;
  /** Send the removals (phase 2) of one type. */
  protected abstract sendRemovals(ts: TS, snap: Snapshot): void;
  /** name -> version of what the client holds for `ts`, as far as the server knows. */
  abstract held(ts: TS): ReadonlyMap<string, string>;

  protected typeState(typeUrl: string): TS {
    let ts = this.types.get(typeUrl);
    if (!ts) {
      ts = this.newTypeState(typeUrl);
      this.types.set(typeUrl, ts);
    }
    return ts;
  }

  protected reconcile(snap: Snapshot): void {
    // Types we do not serve are answered at once; they order nothing.
    for (const ts of this.types.values()) {
      if (ts.type === undefined && !ts.inFlight && !this.#blocked) this.sendUpdates(ts, snap);
    }
    // Make-before-break (PUSH_STAGES, xds/resource-types.ts): a stage is pushed only once the
    // stages before it are answered; deferred removals go out after every stage. What the
    // client asks for itself (a first request, new names) is answered at once even so: Envoy asks
    // for a new cluster's endpoints before it ACKs the clusters, and holding that answer back
    // stalls the update until Envoy's initial-fetch timeout (15 s).
    let waiting = false;
    for (const stage of PUSH_STAGES) {
      let stageWaiting = false;
      for (const type of stage) {
        const ts = this.types.get(DESCRIPTORS[type].typeUrl);
        if (!ts || !ts.requested) continue;
        if (!ts.inFlight && !this.#blocked && (!waiting || ts.mustRespond)) this.sendUpdates(ts, snap);
        if (ts.inFlight) stageWaiting = true;
      }
      waiting ||= stageWaiting;
    }
    if (waiting || this.#blocked) return;
    for (const type of REMOVAL_ORDER) {
      const ts = this.types.get(DESCRIPTORS[type].typeUrl);
      if (ts && ts.requested && !ts.inFlight) this.sendRemovals(ts, snap);
    }
    // Every stage was sent and answered, removals included, and nothing was rejected: the client
    // holds this snapshot version (what a proxy-status view calls SYNCED).
    // A type the snapshot has resources of but the client has not asked for yet (Envoy asks for
    // listeners only once its clusters are warm) means it is not there yet.
    const settled =
      [...this.types.values()].every((ts) => !ts.inFlight && ts.nackMessage === undefined) &&
      PUSH_ORDER.every((type) => snap.types[type].byName.size === 0 || this.types.get(DESCRIPTORS[type].typeUrl)?.requested === true);
    if (settled && !this.#blocked) this.syncedVersion = snap.version;
  }

  protected nextNonce(): string {
    return (++this.#nonceCounter).toString(36);
  }

  /** Write one response for `ts`, recording it as in flight. */
  protected send(ts: TS, bytes: Buffer, version: string, nonce: string): void {
    ts.nonce = nonce;
    ts.inFlight = true;
    ts.mustRespond = false;
    ts.sentVersion = version;
    ts.sentAt = performance.now();
    ts.sentAtMs = Date.now();
    this.ctx.metrics.pushes.inc({ type: ts.metricType });
    if (!this.call.write(bytes)) this.#blocked = true;
  }

  /** Record the ACK or NACK of the response in flight for `ts` (the nonce matched). */
  protected settle(ts: TS, errorDetail: Status | undefined): void {
    if (!ts.inFlight) return;
    ts.inFlight = false;
    const type = ts.metricType;
    const latencyMs = performance.now() - ts.sentAt;
    this.ctx.metrics.pushToAck.observe({ type }, latencyMs / 1000);
    const now = Date.now();
    if (errorDetail) {
      ts.nackedVersion = ts.sentVersion;
      ts.nackedAtMs = now;
      ts.nackMessage = errorDetail.message;
      this.ctx.metrics.nacks.inc({ type });
      this.onNack(ts);
      this.log.warn(
        { node: this.nodeId, snapshot: this.key, typeUrl: ts.typeUrl, version: ts.sentVersion, error: errorDetail.message },
        "client rejected configuration (NACK)",
      );
    } else {
      ts.ackedVersion = ts.sentVersion;
      ts.ackedAtMs = now;
      ts.nackMessage = undefined;
      this.ctx.metrics.acks.inc({ type });
    }
    this.ctx.onAck({
      kind: errorDetail ? "nack" : "ack",
      streamId: this.id,
      nodeId: this.nodeId,
      snapshotKey: this.key ?? "",
      typeUrl: ts.typeUrl,
      version: ts.sentVersion,
      nonce: ts.nonce,
      ...(errorDetail ? { message: errorDetail.message } : {}),
      latencyMs,
    });
  }

  #onData(req: Req): void {
    if (this.#closed) return;
    const { typeUrl, node } = req;
    if (this.key === undefined) {
      this.node = node;
      this.nodeId = node?.id ?? "";
      this.cluster = node?.cluster ?? "";
      const admitted = this.ctx.admit(this, node);
      if (admitted instanceof Error) return;
      this.key = admitted;
    }
    if (typeUrl === "") {
      this.log.debug("request without type_url ignored");
      return;
    }
    if (!this.types.has(typeUrl) && this.types.size >= MAX_TYPES_PER_STREAM) {
      this.fail(grpc.status.INVALID_ARGUMENT, `more than ${MAX_TYPES_PER_STREAM} resource types on one stream`);
      return;
    }
    this.handleRequest(req, this.typeState(typeUrl));
    this.schedule();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closedNow();
  }

  #closedNow(): void {
    this.dispose();
    this.ctx.onClose(this);
  }

  /** Release shared state when the stream ends. */
  protected dispose(): void {}

  /**
   * After a NACK the client may hold some, all or none of that response. The
   * same content is not sent again (that would loop), but the next response
   * of the type re-sends everything the rejected one carried.
   */
  protected onNack(_ts: TS): void {}
}
