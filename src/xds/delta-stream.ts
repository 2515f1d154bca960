// DeltaAggregatedResources: the incremental ADS protocol.
import type * as grpc from "@grpc/grpc-js";
import type { DeltaDiscoveryRequest } from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import type { Snapshot, TypeSet } from "./cache.ts";
import type { EncodedResource } from "./resource.ts";
import { BaseStream, TypeStateBase, type StreamContext } from "./stream-base.ts";
import { concat, stringField } from "./wire.ts";

class DeltaTypeState extends TypeStateBase {
  /** Delta subscriptions change name by name. */
  readonly subscribed = new Set<string>();
  /** name -> version the client holds (from our responses or initial_resource_versions). */
  readonly sent = new Map<string, string>();
  /** Explicitly subscribed names to send even if the client should already have them. */
  readonly forceSend = new Set<string>();
  /** Subscribed names already reported as not existing. */
  readonly reportedAbsent = new Set<string>();
  /** Names in the last response; after a NACK they move to `resend`. */
  lastSent: readonly string[] = [];
  /** Re-sent with the next response of the type (the client may not hold them). */
  readonly resend = new Set<string>();

  constructor(typeUrl: string) {
    super(typeUrl);
    this.names = this.subscribed;
  }
}

export class DeltaStream extends BaseStream<DeltaTypeState, DeltaDiscoveryRequest> {
  constructor(call: grpc.ServerDuplexStream<unknown, Buffer>, ctx: StreamContext) {
    super("delta", call, ctx);
  }

  protected newTypeState(typeUrl: string): DeltaTypeState {
    return new DeltaTypeState(typeUrl);
  }

  protected handleRequest(req: DeltaDiscoveryRequest, ts: DeltaTypeState): void {
    // Unlike SotW, a stale nonce does not void the request: subscription
    // changes are deltas and always count. Only the ACK/NACK needs the nonce.
    if (req.responseNonce !== "" && req.responseNonce === ts.nonce) this.settle(ts, req.errorDetail);
    const wildcardCapable = ts.fullState;
    const first = !ts.requested;
    ts.requested = true;
    if (first) {
      // initial_resource_versions: what a reconnecting client already holds.
      for (const [name, version] of Object.entries(req.initialResourceVersions)) ts.sent.set(name, version);
      // Legacy rule: a first request without names is a wildcard subscription.
      if (wildcardCapable && req.resourceNamesSubscribe.length === 0) ts.wildcard = true;
      ts.mustRespond = true;
    }
    for (const name of req.resourceNamesSubscribe) {
      if (name === "*") {
        if (wildcardCapable && !ts.wildcard) {
          ts.wildcard = true;
          ts.mustRespond = true;
        }
        continue;
      }
      ts.subscribed.add(name);
      ts.reportedAbsent.delete(name);
      if (!(first && name in req.initialResourceVersions)) ts.forceSend.add(name);
    }
    for (const name of req.resourceNamesUnsubscribe) {
      if (name === "*") {
        ts.wildcard = false;
        // The client keeps only what it named explicitly.
        for (const n of [...ts.sent.keys()]) if (!ts.names.has(n)) ts.sent.delete(n);
        continue;
      }
      ts.subscribed.delete(name);
      ts.forceSend.delete(name);
      ts.reportedAbsent.delete(name);
      if (!ts.wildcard) ts.sent.delete(name);
    }
  }

  #typeSet(ts: DeltaTypeState, snap: Snapshot): TypeSet | undefined {
    return ts.type === undefined ? undefined : snap.types[ts.type];
  }

  protected sendUpdates(ts: DeltaTypeState, snap: Snapshot): void {
    const typeSet = this.#typeSet(ts, snap);
    const updates: EncodedResource[] = [];
    const absent: string[] = [];
    const consider = (r: EncodedResource): void => {
      if (ts.forceSend.has(r.name) || ts.sent.get(r.name) !== r.version) updates.push(r);
    };
    if (typeSet && ts.wildcard) {
      for (const r of typeSet.byName.values()) consider(r);
    } else if (typeSet) {
      for (const name of ts.names) {
        const r = typeSet.byName.get(name);
        if (r) consider(r);
      }
    }
    // Subscribed names that do not exist: say so once, unless the client holds
    // them (then it is a removal, which waits for phase 2).
    for (const name of ts.names) {
      if (typeSet?.byName.has(name)) continue;
      if (!ts.sent.has(name) && !ts.reportedAbsent.has(name)) absent.push(name);
    }
    // Listener removals travel with the additions (see ResourceTypeDescriptor.deferRemoval). These
    // names are held, so none is among the never-held ones above.
    if (!ts.deferRemoval) {
      for (const name of ts.sent.keys()) if (!typeSet?.byName.has(name)) absent.push(name);
    }
    if (updates.length === 0 && absent.length === 0 && !ts.mustRespond) return;
    if (typeSet && ts.resend.size > 0) {
      const sending = new Set(updates.map((r) => r.name));
      for (const name of ts.resend) {
        const r = typeSet.byName.get(name);
        if (r && !sending.has(name) && (ts.wildcard || ts.names.has(name))) updates.push(r);
      }
    }
    ts.resend.clear();
    for (const r of updates) {
      ts.sent.set(r.name, r.version);
      ts.forceSend.delete(r.name);
    }
    for (const name of absent) {
      ts.sent.delete(name);
      if (ts.names.has(name)) ts.reportedAbsent.add(name);
    }
    this.#write(ts, typeSet?.version ?? "", updates, absent);
  }

  protected sendRemovals(ts: DeltaTypeState, snap: Snapshot): void {
    const typeSet = this.#typeSet(ts, snap);
    const removed: string[] = [];
    for (const name of ts.sent.keys()) {
      if (!typeSet?.byName.has(name)) removed.push(name);
    }
    if (removed.length === 0) return;
    for (const name of removed) {
      ts.sent.delete(name);
      if (ts.names.has(name)) ts.reportedAbsent.add(name);
    }
    this.#write(ts, typeSet?.version ?? "", [], removed);
  }

  held(ts: DeltaTypeState): ReadonlyMap<string, string> {
    return ts.sent;
  }

  protected override onNack(ts: DeltaTypeState): void {
    for (const name of ts.lastSent) ts.resend.add(name);
  }

  #write(ts: DeltaTypeState, version: string, updates: readonly EncodedResource[], removed: readonly string[]): void {
    const nonce = this.nextNonce();
    ts.lastSent = updates.map((r) => r.name);
    const chunks: Uint8Array[] = [stringField(1, version)];
    for (const r of updates) chunks.push(r.deltaField);
    chunks.push(stringField(4, ts.typeUrl));
    for (const name of removed) chunks.push(stringField(6, name));
    chunks.push(stringField(5, nonce));
    this.send(ts, concat(chunks), version, nonce);
  }
}
