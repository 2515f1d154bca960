// StreamAggregatedResources: the State-of-the-World ADS protocol.
import type * as grpc from "@grpc/grpc-js";
import type { DiscoveryRequest } from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import type { Snapshot } from "./cache.ts";
import { acquireNames, namesSig, releaseNames } from "./name-sets.ts";
import type { EncodedResource } from "./resource.ts";
import { BaseStream, TypeStateBase, type StreamContext } from "./stream-base.ts";
import { ResponseSet, changedSet, emptySet, namedSet, retainingSet, wildcardSet } from "./sotw-sets.ts";

class SotwTypeState extends TypeStateBase {
  /**
   * What the client holds (a set shared between streams): for LDS/CDS the
   * last full-state response; for RDS/EDS/SDS everything sent, pruned to the
   * names still subscribed.
   */
  sent: ResponseSet | undefined;
  /** The client once sent a non-empty name list: an empty list no longer means wildcard. */
  everNamed = false;
  namesSig = "";
  /** RDS/EDS/SDS after a NACK: the next response carries every subscribed resource. */
  resync = false;
}

export class SotwStream extends BaseStream<SotwTypeState, DiscoveryRequest> {
  constructor(call: grpc.ServerDuplexStream<unknown, Buffer>, ctx: StreamContext) {
    super("sotw", call, ctx);
  }

  protected newTypeState(typeUrl: string): SotwTypeState {
    return new SotwTypeState(typeUrl);
  }

  protected handleRequest(req: DiscoveryRequest, ts: SotwTypeState): void {
    // A nonce on a type this stream never answered comes from an earlier
    // stream (a reconnect): it cannot be stale here, so the request counts.
    if (req.responseNonce !== "" && ts.nonce !== "") {
      // A stale nonce: the client has not seen our latest response for this
      // type yet, so this request carries nothing current. Ignore it.
      if (req.responseNonce !== ts.nonce) {
        this.log.debug({ typeUrl: ts.typeUrl, nonce: req.responseNonce, latest: ts.nonce }, "stale nonce ignored");
        return;
      }
      this.settle(ts, req.errorDetail);
    }
    this.#subscribe(ts, req.resourceNames, !ts.requested);
    ts.requested = true;
  }

  protected override onNack(ts: SotwTypeState): void {
    ts.resync = true;
  }

  protected override dispose(): void {
    for (const ts of this.types.values()) releaseNames(ts.namesSig);
  }

  #subscribe(ts: SotwTypeState, list: readonly string[], first: boolean): void {
    // The common case, an ACK repeating the same names, changes nothing.
    if (!first && this.#sameNames(ts, list)) return;
    const names = list.filter((n) => n !== "*");
    if (names.length > 0) ts.everNamed = true;
    const wildcard = ts.fullState && (list.includes("*") || (list.length === 0 && !ts.everNamed));
    let added = first || (wildcard && !ts.wildcard);
    for (const n of names) if (!ts.names.has(n)) added = true;
    const sig = namesSig(names);
    const next = acquireNames(sig, names);
    releaseNames(ts.namesSig);
    // RDS/EDS/SDS: forget what the client dropped, so that asking again resends it.
    if (ts.sent && !ts.fullState) ts.sent = pruned(ts.sent, next);
    ts.wildcard = wildcard;
    ts.names = next;
    ts.namesSig = sig;
    // New names are answered even if they do not exist yet (full state tells
    // the client so); a request that only ACKs is not answered again.
    if (added) ts.mustRespond = true;
  }

  #sameNames(ts: SotwTypeState, list: readonly string[]): boolean {
    let count = 0;
    let star = false;
    for (const n of list) {
      if (n === "*") star = true;
      else if (ts.names.has(n)) count++;
      else return false;
    }
    if (count !== ts.names.size) return false;
    const everNamed = ts.everNamed || count > 0;
    const wildcard = ts.fullState && (star || (list.length === 0 && !everNamed));
    return wildcard === ts.wildcard;
  }

  #desired(ts: SotwTypeState, snap: Snapshot): ResponseSet {
    if (ts.type === undefined) return emptySet(ts.typeUrl);
    const typeSet = snap.types[ts.type];
    return ts.wildcard ? wildcardSet(typeSet) : namedSet(typeSet, ts.names, ts.namesSig);
  }

  protected sendUpdates(ts: SotwTypeState, snap: Snapshot): void {
    const desired = this.#desired(ts, snap);
    if (ts.type === undefined) {
      // A type we do not serve: answer each new subscription with an empty response.
      if (ts.mustRespond) this.#write(ts, desired);
      return;
    }
    if (ts.fullState) {
      // CDS keeps the clusters being replaced until routes no longer use them.
      const retain = ts.sent && ts.deferRemoval;
      const next = retain && ts.sent ? retainingSet(desired, ts.sent, (n) => ts.wildcard || ts.names.has(n)) : desired;
      if (ts.mustRespond || !ts.sent || next.version !== ts.sent.version) this.#write(ts, next);
      return;
    }
    // RDS/EDS/SDS: only what the client lacks (missing ones are not deletions
    // for these types); names that do not exist yet are sent when they appear.
    if (hasNews(desired, ts.sent)) {
      this.#write(ts, ts.sent && !ts.resync ? changedSet(desired, ts.sent) : desired, desired);
      ts.resync = false;
    } else {
      ts.mustRespond = false;
    }
  }

  protected sendRemovals(ts: SotwTypeState, snap: Snapshot): void {
    // Only LDS and CDS can remove in SotW: a response without the resource.
    if (!ts.fullState || !ts.sent) return;
    const desired = this.#desired(ts, snap);
    if (desired.version !== ts.sent.version) this.#write(ts, desired);
  }

  held(ts: SotwTypeState): ReadonlyMap<string, string> {
    return new Map([...(ts.sent?.byName.values() ?? [])].map((r) => [r.name, r.version]));
  }

  /** Send `set`; afterwards the client holds `held` (by default, `set`). */
  #write(ts: SotwTypeState, set: ResponseSet, held: ResponseSet = set): void {
    ts.sent = held;
    const shared = set.shared;
    // The same set twice in a row on this stream (a re-request): a nonce of its own, so that the
    // client's reply to the first cannot pass for a reply to the second.
    if (shared.nonce !== ts.nonce) return this.send(ts, shared.bytes, set.version, shared.nonce);
    const nonce = this.nextNonce();
    this.send(ts, set.withNonce(nonce), set.version, nonce);
  }
}

/** Does `desired` hold a resource the client does not have at that version? */
function hasNews(desired: ResponseSet, sent: ResponseSet | undefined): boolean {
  if (desired === sent) return false;
  for (const [name, r] of desired.byName) if (sent?.byName.get(name)?.version !== r.version) return true;
  return false;
}

function pruned(sent: ResponseSet, keep: ReadonlySet<string>): ResponseSet {
  let all = true;
  for (const name of sent.byName.keys()) if (!keep.has(name)) all = false;
  if (all) return sent;
  const byName = new Map<string, EncodedResource>();
  for (const [name, r] of sent.byName) if (keep.has(name)) byName.set(name, r);
  return new ResponseSet(sent.typeUrl, byName);
}
