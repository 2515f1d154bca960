// The configuration that connected proxies reject right now: one entry per
// stream and type whose last reply was a NACK, dropped by that stream's next
// ACK of the type or when the stream goes away. The admin API lists them with
// the config errors, and the controller folds them into Gateway status.
import type { ResourceType } from "../api/xds.ts";
import type { SnapshotCache } from "./cache.ts";
import { typeOfUrl } from "./resource-types.ts";
import type { AckEvent } from "./stream-base.ts";

export interface NackEntry {
  source: "xds";
  kind: "nack";
  /** The snapshot the stream is served from: a Gateway's `namespace/name`, or `mesh`. */
  snapshot: string;
  node: string;
  streamId: number;
  typeUrl: string;
  type?: ResourceType;
  /** The version of the rejected response. */
  version: string;
  /** Resources of that type in the snapshot whose name the proxy's message mentions. */
  resources: string[];
  /** The proxy's error_detail message. */
  message: string;
  since: string;
}

/** Names of `type` in the snapshot that the message mentions; the longest first wins overlaps. */
function mentioned(cache: SnapshotCache, key: string, type: ResourceType | undefined, message: string): string[] {
  const set = type ? cache.getSnapshot(key)?.types[type] : undefined;
  if (!set) return [];
  const names = [...set.byName.keys()].filter((n) => n !== "" && message.includes(n));
  // "default/eg/http" is inside "default/eg/https": keep only names not contained in a longer match.
  return names.filter((n) => !names.some((m) => m !== n && m.includes(n) && countOf(message, m) >= countOf(message, n))).sort();
}

function countOf(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

export class NackLog {
  readonly #entries = new Map<string, NackEntry>();
  readonly #listeners = new Set<() => void>();
  readonly #cache: SnapshotCache;

  /** The cache gives the names of the resources a message may mention. */
  constructor(cache: SnapshotCache) {
    this.#cache = cache;
  }

  /** Feed it every AckEvent (XdsServer.onAck). */
  record(e: AckEvent): void {
    const id = `${e.streamId}|${e.typeUrl}`;
    if (e.kind === "ack") {
      if (this.#entries.delete(id)) this.#changed();
      return;
    }
    const type = typeOfUrl(e.typeUrl);
    const message = e.message ?? "";
    const prev = this.#entries.get(id);
    const entry: NackEntry = {
      source: "xds",
      kind: "nack",
      snapshot: e.snapshotKey,
      node: e.nodeId,
      streamId: e.streamId,
      typeUrl: e.typeUrl,
      ...(type ? { type } : {}),
      version: e.version,
      resources: mentioned(this.#cache, e.snapshotKey, type, message),
      message,
      since: prev && prev.message === message ? prev.since : new Date().toISOString(),
    };
    this.#entries.set(id, entry);
    if (!prev || prev.message !== message || prev.resources.join() !== entry.resources.join()) this.#changed();
  }

  /** Current NACKs of connected streams, sorted by snapshot, type, node. */
  list(): NackEntry[] {
    return [...this.#entries.values()].sort((a, b) => cmp(a.snapshot, b.snapshot) || cmp(a.typeUrl, b.typeUrl) || cmp(a.node, b.node) || a.streamId - b.streamId);
  }

  /** Forget a closed stream's NACKs (XdsServer.onStreamClose). */
  forget(streamId: number): void {
    let dropped = false;
    for (const [id, e] of this.#entries) if (e.streamId === streamId) dropped = this.#entries.delete(id) || dropped;
    if (dropped) this.#changed();
  }

  /** Be told when the set of NACKs changes. Returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
