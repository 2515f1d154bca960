// Proxy status, like `istioctl proxy-status`: per connected proxy and resource type, whether it
// holds what the snapshot has now (SYNCED), was sent it and has not answered or holds an older
// version (STALE), or rejected it (NACKED). Per-type versions are the snapshot's TypeSet versions,
// which are what the xDS server sends as version_info.
import { TYPE_URL, type ResourceType } from "../api/xds.ts";

export type SyncState = "SYNCED" | "STALE" | "NACKED" | "NOT SENT" | "-";

export interface TypeState {
  state: SyncState;
  /** The version of this type the snapshot has now. */
  want?: string;
  acked?: string;
  nacked?: string;
  message?: string;
}

export interface ProxyRow {
  node: string;
  gateway: string;
  streamId: number;
  protocol: string;
  peer: string;
  connectedSince: string;
  /** The snapshot version now, and the one the proxy holds in full. */
  snapshotVersion?: string;
  syncedVersion?: string;
  /** SYNCED only when the proxy holds the current snapshot version in full. */
  state: SyncState;
  types: Record<ResourceType, TypeState>;
}

/** The fields of NodeStatus (src/xds/node-status.ts) this reads. */
export interface NodeLike {
  streamId: number;
  nodeId: string;
  snapshotKey: string;
  protocol: string;
  peer: string;
  connectedSince: string;
  syncedVersion?: string;
  types: { typeUrl: string; lastAckedVersion?: string; lastNackedVersion?: string; nackMessage?: string; lastSentVersion?: string; awaitingAck: boolean }[];
}

export type TypeVersions = (key: string) => { version: string; types?: Partial<Record<ResourceType, { version: string; byName: { size: number } }>> } | undefined;

export const TYPES: readonly ResourceType[] = ["listener", "route", "cluster", "endpoint", "secret"];

export function proxyRows(nodes: readonly object[], snapshot: TypeVersions): ProxyRow[] {
  return (nodes as NodeLike[]).map((n) => {
    const snap = snapshot(n.snapshotKey);
    const types = {} as Record<ResourceType, TypeState>;
    for (const type of TYPES) {
      const t = n.types.find((x) => x.typeUrl === TYPE_URL[type]);
      const set = snap?.types?.[type];
      const want = set?.version;
      const base = { ...(want ? { want } : {}), ...(t?.lastAckedVersion ? { acked: t.lastAckedVersion } : {}) };
      let state: SyncState;
      if (t?.nackMessage !== undefined) state = "NACKED";
      else if (!t) state = set && set.byName.size > 0 ? "NOT SENT" : "-";
      else if (want !== undefined && t.lastAckedVersion === want && !t.awaitingAck) state = "SYNCED";
      else if (want === undefined && !t.awaitingAck) state = "SYNCED";
      else state = "STALE";
      types[type] = { state, ...base, ...(t?.lastNackedVersion ? { nacked: t.lastNackedVersion } : {}), ...(t?.nackMessage !== undefined ? { message: t.nackMessage } : {}) };
    }
    const states = Object.values(types).map((t) => t.state);
    const state: SyncState = states.includes("NACKED") ? "NACKED" : snap && n.syncedVersion === snap.version ? "SYNCED" : "STALE";
    return {
      node: n.nodeId,
      gateway: n.snapshotKey,
      streamId: n.streamId,
      protocol: n.protocol,
      peer: n.peer,
      connectedSince: n.connectedSince,
      ...(snap ? { snapshotVersion: snap.version } : {}),
      ...(n.syncedVersion ? { syncedVersion: n.syncedVersion } : {}),
      state,
      types,
    };
  });
}
