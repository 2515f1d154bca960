// What crosses between the main thread and the translation worker, and the
// bookkeeping on each side that keeps it small. Copying a whole 10,000-route
// translation between threads costs more than translating it, so:
//  - inputs go over as changes: objects that are new or not the same object
//    as last time (sources keep unchanged objects as they are), and removals;
//  - results come back as changes: a resource whose name and content hash the
//    main thread already holds is named, not sent, and the main thread reuses
//    its own message object (so the xDS cache also reuses its encoding);
//    statuses likewise.
// Pure and thread-agnostic, so both sides are tested without a worker.
import type { Message } from "@bufbuild/protobuf";
import { EMPTY_RESOURCE_SET, KINDS, objectKey, updateResourceSet, type Kind, type ResourceSet } from "../api/resource-set.ts";
import type { K8sObject } from "../api/meta.ts";
import type { GatewaySnapshot, StatusUpdate, TranslationResult } from "../api/translation.ts";
import { emptyResources, type XdsResources } from "../api/xds.ts";
import { contentHash, type PreparedEncoding } from "../xds/resource.ts";
import { DESCRIPTORS, RESOURCE_TYPES } from "../xds/resource-types.ts";
import { ownViolations } from "../xds/validate/index.ts";
import { headerFields, lazyMessage } from "./lazy-message.ts";

export interface InputDelta {
  upserts: K8sObject[];
  deletes: [Kind, string][];
}

/**
 * One resource of a result: its message only when the receiver does not hold
 * that content yet, and then with its encoding and its own validate.rules
 * violations, so that the xDS cache on the main thread neither serializes nor
 * validates it again.
 */
export interface ResourceEntry {
  name: string;
  hash: string;
  message?: Message;
  prepared?: PreparedEncoding;
  /** Instead of `message`, for a large one: its top-level scalar fields; the receiver decodes the rest from `prepared.bytes` when read (lazy-message.ts). */
  header?: Record<string, unknown>;
}

/** Encoded resources at least this large go over as bytes alone. */
export const LAZY_BYTES = 256 * 1024;

export type ResourcesDelta = Record<keyof XdsResources, ResourceEntry[]>;

export interface ResultDelta {
  /** `resources` absent: the same snapshot object as in the last result (a fast path left it alone). */
  gateways: { key: string; resources?: ResourcesDelta }[];
  mesh?: ResourcesDelta;
  /** Every status id, in the result's order; statuses whose content changed are in `changedStatuses`. Absent: the last result's statuses. */
  statusOrder?: string[];
  changedStatuses: [string, StatusUpdate][];
}

/** Main thread: what changed in the inputs since the last call. */
export class InputTracker {
  private sent = new Map<Kind, Map<string, K8sObject>>();
  /** The same objects as `sent`, by identity: a kind whose objects are all the ones sent, as many as before, is unchanged. */
  private sentObjects = new Map<Kind, Set<K8sObject>>();

  delta(rs: ResourceSet): InputDelta {
    const upserts: K8sObject[] = [];
    const deletes: [Kind, string][] = [];
    const now = new Map<Kind, Map<string, K8sObject>>();
    const nowObjects = new Map<Kind, Set<K8sObject>>();
    for (const kind of KINDS) {
      const before = this.sent.get(kind);
      const held = this.sentObjects.get(kind);
      const list = rs.list(kind) as readonly K8sObject[];
      // By identity first (sources keep unchanged objects as they are): keys are made only for what changed.
      const fresh = held ? list.filter((o) => !held.has(o)) : list;
      if (before && held && fresh.length === 0 && list.length === held.size) {
        now.set(kind, before);
        nowObjects.set(kind, held);
        continue;
      }
      const current = new Set(list);
      const m = new Map(before);
      const freshKeys = new Set<string>();
      for (const obj of fresh) {
        const key = objectKey(obj);
        m.set(key, obj);
        freshKeys.add(key);
        upserts.push(obj);
      }
      for (const obj of held ?? []) {
        if (current.has(obj)) continue;
        const key = objectKey(obj);
        if (freshKeys.has(key)) continue; // replaced
        m.delete(key);
        deletes.push([kind, key]);
      }
      now.set(kind, m);
      nowObjects.set(kind, current);
    }
    this.sent = now;
    this.sentObjects = nowObjects;
    return { upserts, deletes };
  }

  /** Forget what was sent: the next delta carries everything (after the worker restarted). */
  reset(): void {
    this.sent = new Map();
    this.sentObjects = new Map();
  }
}

/** Worker: the inputs, kept up to date from deltas. */
export class InputStore {
  private current: ResourceSet = EMPTY_RESOURCE_SET;

  apply(d: InputDelta): void {
    this.current = updateResourceSet(this.current, d.upserts, d.deletes);
  }

  resourceSet(): ResourceSet {
    return this.current;
  }
}

const identity = (type: string, name: string, hash: string) => `${type}\0${name}\0${hash}`;
const statusId = (u: StatusUpdate) => `${u.kind} ${u.target.namespace ?? ""}/${u.target.name}`;

/** Worker: turns each result into the changes since the previous one. */
export class ResultEncoder {
  /** Per snapshot key: the resource identities the receiver holds. */
  private held = new Map<string, Set<string>>();
  private statuses = new Map<string, string>();
  /** Results are never changed once made: a message seen before has the same hash, a status the same JSON. */
  private readonly hashes = new WeakMap<Message, string>();
  private readonly statusJson = new WeakMap<StatusUpdate, string>();
  /** The last result's snapshot objects by key, and its status list: what a fast path hands back untouched. */
  private lastResources = new Map<string, XdsResources>();
  private lastStatuses: readonly StatusUpdate[] | undefined;

  encode(result: TranslationResult): ResultDelta {
    const held = new Map<string, Set<string>>();
    const resources = (key: string, r: XdsResources): ResourcesDelta => {
      const before = this.held.get(key);
      const now = new Set<string>();
      held.set(key, now);
      const out = {} as ResourcesDelta;
      for (const type of RESOURCE_TYPES) {
        const d = DESCRIPTORS[type];
        const field = d.field;
        out[field] = (r[field] as Message[]).map((message) => {
          const name = d.name(message);
          let hash = this.hashes.get(message);
          let bytes: Uint8Array | undefined;
          if (hash === undefined) {
            bytes = d.encode(message);
            this.hashes.set(message, (hash = contentHash(bytes)));
          }
          const id = identity(type, name, hash);
          let entry: ResourceEntry;
          if (before?.has(id) || now.has(id)) entry = { name, hash };
          else {
            bytes ??= d.encode(message);
            const violations = ownViolations(type, message);
            const prepared = { bytes, version: hash, violations };
            entry = bytes.length >= LAZY_BYTES ? { name, hash, header: headerFields(d.schema, message), prepared } : { name, hash, message, prepared };
          }
          now.add(id);
          return entry;
        });
      }
      return out;
    };
    const lastResources = new Map<string, XdsResources>();
    const gateways = result.gateways.map((g) => {
      const key = `gateway ${g.key}`;
      lastResources.set(g.key, g.resources);
      const same = this.lastResources.get(g.key) === g.resources && this.held.has(key);
      if (same) held.set(key, this.held.get(key)!);
      return same ? { key: g.key } : { key: g.key, resources: resources(key, g.resources) };
    });
    const mesh = result.mesh ? resources("mesh", result.mesh) : undefined;
    this.held = held;
    this.lastResources = lastResources;
    if (result.statuses === this.lastStatuses) return { gateways, ...(mesh ? { mesh } : {}), changedStatuses: [] };
    this.lastStatuses = result.statuses;
    const statuses = new Map<string, string>();
    const changedStatuses: [string, StatusUpdate][] = [];
    const statusOrder = result.statuses.map((u) => {
      const id = statusId(u);
      let json = this.statusJson.get(u);
      if (json === undefined) this.statusJson.set(u, (json = JSON.stringify(u)));
      if (this.statuses.get(id) !== json) changedStatuses.push([id, u]);
      statuses.set(id, json);
      return id;
    });
    this.statuses = statuses;
    return { gateways, ...(mesh ? { mesh } : {}), statusOrder, changedStatuses };
  }
}

/** Main thread: rebuilds whole results from the changes, reusing the messages it holds. */
export class ResultDecoder {
  private held = new Map<string, Map<string, Message>>();
  private statuses = new Map<string, StatusUpdate>();
  private lastResources = new Map<string, XdsResources>();
  private lastStatuses: StatusUpdate[] = [];
  /** The worker's encoding of each message it sent, for the xDS cache (SnapshotCacheOptions.prepared). */
  readonly prepared = new WeakMap<Message, PreparedEncoding>();

  decode(d: ResultDelta): TranslationResult {
    const held = new Map<string, Map<string, Message>>();
    const resources = (key: string, delta: ResourcesDelta): XdsResources => {
      const before = this.held.get(key);
      const now = new Map<string, Message>();
      held.set(key, now);
      const out = emptyResources();
      for (const type of RESOURCE_TYPES) {
        const d = DESCRIPTORS[type];
        const field = d.field;
        const list = out[field] as Message[];
        for (const e of delta[field]) {
          const id = identity(type, e.name, e.hash);
          const sent = e.message ?? (e.header && e.prepared ? lazyMessage(d.schema, e.prepared.bytes, e.header) : undefined);
          const message = sent ?? now.get(id) ?? before?.get(id);
          if (sent && e.prepared) this.prepared.set(sent, e.prepared);
          if (!message) throw new Error(`translation worker named ${type} ${JSON.stringify(e.name)} without sending it`);
          now.set(id, message);
          list.push(message);
        }
      }
      return out;
    };
    const lastResources = new Map<string, XdsResources>();
    const gateways: GatewaySnapshot[] = d.gateways.map((g) => {
      const key = `gateway ${g.key}`;
      let r: XdsResources | undefined;
      if (g.resources) r = resources(key, g.resources);
      else {
        // Unchanged: the same object as last time, so the controller and the cache can tell at a glance.
        r = this.lastResources.get(g.key);
        const before = this.held.get(key);
        if (!r || !before) throw new Error(`translation worker said gateway ${g.key} is unchanged, but it is not held`);
        held.set(key, before);
      }
      lastResources.set(g.key, r);
      return { key: g.key, resources: r };
    });
    const mesh = d.mesh ? resources("mesh", d.mesh) : undefined;
    this.held = held;
    this.lastResources = lastResources;
    if (!d.statusOrder) return { gateways, ...(mesh ? { mesh } : {}), statuses: this.lastStatuses };
    const changed = new Map(d.changedStatuses);
    const statuses = new Map<string, StatusUpdate>();
    const list = d.statusOrder.map((id) => {
      const u = changed.get(id) ?? this.statuses.get(id);
      if (!u) throw new Error(`translation worker named the status of ${id} without sending it`);
      statuses.set(id, u);
      return u;
    });
    this.statuses = statuses;
    this.lastStatuses = list;
    return { gateways, ...(mesh ? { mesh } : {}), statuses: list };
  }

  reset(): void {
    this.held = new Map();
    this.statuses = new Map();
    this.lastResources = new Map();
    this.lastStatuses = [];
  }
}
