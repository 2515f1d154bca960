// StreamAggregatedResources: the State-of-the-World ADS protocol.
import type * as grpc from "@grpc/grpc-js";
import type { DiscoveryRequest } from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import type { Node } from "../gen/envoy/config/core/v3/base_pb.js";
import type { Snapshot } from "./cache.ts";
import { isFullStateType } from "./resource.ts";
import { BaseStream, TypeStateBase, type StreamContext } from "./stream-base.ts";
import { emptySet, namedSet, retainingSet, wildcardSet, type ResponseSet } from "./sotw-sets.ts";

class SotwTypeState extends TypeStateBase {
  /** Full-state types: the last set sent (shared object). */
  sent: ResponseSet | undefined;
  /** Other types: name -> version the client holds, pruned when it unsubscribes. */
  readonly sentVersions = new Map<string, string>();
  /** The client once sent a non-empty name list: an empty list no longer means wildcard. */
  everNamed = false;
  namesSig = "";
}

export class SotwStream extends BaseStream<SotwTypeState> {
  constructor(call: grpc.ServerDuplexStream<unknown, Buffer>, ctx: StreamContext) {
    super("sotw", call, ctx);
  }

  protected newTypeState(typeUrl: string): SotwTypeState {
    return new SotwTypeState(typeUrl);
  }

  protected requestTypeUrl(req: unknown): { typeUrl: string; node: Node | undefined } {
    const r = req as DiscoveryRequest;
    return { typeUrl: r.typeUrl, node: r.node };
  }

  protected handleRequest(raw: unknown, ts: SotwTypeState): void {
    const req = raw as DiscoveryRequest;
    if (req.responseNonce !== "") {
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

  #subscribe(ts: SotwTypeState, list: readonly string[], first: boolean): void {
    const wildcardCapable = isFullStateType(ts.type);
    const names = new Set(list.filter((n) => n !== "*"));
    const explicitWildcard = list.includes("*");
    if (names.size > 0) ts.everNamed = true;
    const wildcard = wildcardCapable && (explicitWildcard || (list.length === 0 && !ts.everNamed));
    let added = first || (wildcard && !ts.wildcard);
    for (const n of names) if (!ts.names.has(n)) added = true;
    for (const n of ts.names) if (!names.has(n)) ts.sentVersions.delete(n);
    ts.wildcard = wildcard;
    ts.names.clear();
    for (const n of names) ts.names.add(n);
    ts.namesSig = [...names].sort().join("\n");
    // New names are answered even if they do not exist yet (full state tells
    // the client so); a request that only ACKs is not answered again.
    if (added) ts.mustRespond = true;
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
    if (isFullStateType(ts.type)) {
      const next = ts.sent ? retainingSet(desired, ts.sent, (n) => ts.wildcard || ts.names.has(n)) : desired;
      if (ts.mustRespond || !ts.sent || next.version !== ts.sent.version) this.#write(ts, next);
      return;
    }
    let changed = false;
    for (const [name, r] of desired.byName) {
      if (ts.sentVersions.get(name) !== r.version) {
        changed = true;
        break;
      }
    }
    // RDS/EDS/SDS: names that do not exist yet are sent when they appear.
    if (changed || (ts.mustRespond && desired.size > 0)) this.#write(ts, desired);
    else ts.mustRespond = false;
  }

  protected sendRemovals(ts: SotwTypeState, snap: Snapshot): void {
    // Only LDS and CDS can remove in SotW: a response without the resource.
    if (!isFullStateType(ts.type) || !ts.sent) return;
    const desired = this.#desired(ts, snap);
    if (desired.version !== ts.sent.version) this.#write(ts, desired);
  }

  held(ts: SotwTypeState): ReadonlyMap<string, string> {
    if (!isFullStateType(ts.type)) return ts.sentVersions;
    return new Map([...(ts.sent?.byName.values() ?? [])].map((r) => [r.name, r.version]));
  }

  #write(ts: SotwTypeState, set: ResponseSet): void {
    const nonce = this.nextNonce();
    if (isFullStateType(ts.type)) {
      ts.sent = set;
    } else {
      for (const [name, r] of set.byName) ts.sentVersions.set(name, r.version);
    }
    this.send(ts, set.withNonce(nonce), set.version, nonce);
  }
}
