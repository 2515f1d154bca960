// The log lines an operator reads at info: what was loaded (objects per kind), each snapshot
// version pushed (which Gateway, what changed, to how many proxies), and each object that turned
// invalid or valid again (from the computed status, so a route to a missing Service or an invalid
// regex is logged even though no input file is wrong). NACKs are logged by the xDS stream.
import type { ResourceSet } from "../api/resource-set.ts";
import { KINDS } from "../api/resource-set.ts";
import type { StatusUpdate } from "../api/translation.ts";
import type { ResourceType } from "../api/xds.ts";
import type { Logger } from "../observability/log.ts";
import { isBad, statusProblems, type Problem } from "./problems.ts";

/** What the reporter reads of a snapshot (src/xds/cache.ts Snapshot). */
export interface SnapshotLike {
  version: string;
  types: Readonly<Record<ResourceType, { version: string; byName: ReadonlyMap<string, { version: string }> }>>;
}

export interface TypeChange {
  added?: string[];
  removed?: string[];
  changed?: string[];
}

/** Names added, removed and changed per type between two snapshots; at most `max` names each. */
export function snapshotDiff(before: SnapshotLike | undefined, after: SnapshotLike, max = 10): Partial<Record<ResourceType, TypeChange>> {
  const out: Partial<Record<ResourceType, TypeChange>> = {};
  for (const type of Object.keys(after.types) as ResourceType[]) {
    const a = after.types[type];
    const b = before?.types[type];
    if (b && a.version === b.version) continue;
    const added: string[] = [];
    const changed: string[] = [];
    for (const [name, r] of a.byName) {
      const old = b?.byName.get(name);
      if (!old) added.push(name);
      else if (old.version !== r.version) changed.push(name);
    }
    const removed = b ? [...b.byName.keys()].filter((n) => !a.byName.has(n)) : [];
    const cut = (l: string[]) => (l.length > max ? [...l.slice(0, max), `… ${l.length - max} more`] : l);
    const c: TypeChange = {};
    if (added.length) c.added = cut(added);
    if (removed.length) c.removed = cut(removed);
    if (changed.length) c.changed = cut(changed);
    if (Object.keys(c).length) out[type] = c;
  }
  return out;
}

export class Reporter {
  readonly #log: Logger;
  #counts = "";
  readonly #snapshots = new Map<string, SnapshotLike>();
  /** Per object: the text of its problems last time, to log only transitions. */
  #invalid = new Map<string, string>();
  #firstStatus = true;
  /** Each status update's problems, found once. */
  readonly #problems = new WeakMap<StatusUpdate, Problem[]>();

  constructor(logger: Logger) {
    this.#log = logger.child({ component: "report" });
  }

  /** After each translation: objects per kind, logged when the counts change. */
  loaded(rs: ResourceSet): void {
    const counts: Record<string, number> = {};
    for (const k of KINDS) {
      const n = rs.list(k).length;
      if (n > 0) counts[k] = n;
    }
    const text = JSON.stringify(counts);
    if (text === this.#counts) return;
    this.#counts = text;
    this.#log.info({ objects: rs.size, kinds: counts }, `loaded ${rs.size} objects: ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(", ") || "none"}`);
  }

  /** A snapshot was set (undefined: its Gateway is gone); `proxies` connected streams read it. */
  snapshot(key: string, snap: SnapshotLike | undefined, proxies: number): void {
    const before = this.#snapshots.get(key);
    if (!snap) {
      this.#snapshots.delete(key);
      this.#log.info({ gateway: key, proxies }, `snapshot for ${key} removed`);
      return;
    }
    if (before?.version === snap.version) return;
    this.#snapshots.set(key, snap);
    const changes = snapshotDiff(before, snap);
    const what = Object.entries(changes)
      .map(([t, c]) => `${t}s ${[c.added && `+${c.added.length}`, c.removed && `-${c.removed.length}`, c.changed && `~${c.changed.length}`].filter(Boolean).join(" ")}`)
      .join(", ");
    this.#log.info({ gateway: key, version: snap.version, previous: before?.version, changes, proxies }, `pushing ${key} version ${snap.version.slice(0, 12)} (${what || "no resource changes"}) to ${proxies} prox${proxies === 1 ? "y" : "ies"}`);
  }

  /** After each status publish: objects that turned invalid or valid again. */
  statuses(updates: readonly StatusUpdate[]): void {
    const byObject = new Map<string, Problem[]>();
    for (const u of updates) {
      // An update is never changed once made, and the translation worker hands back the same object for an unchanged one.
      let problems = this.#problems.get(u);
      if (!problems) this.#problems.set(u, (problems = statusProblems([u])));
      for (const p of problems) byObject.set(p.object, [...(byObject.get(p.object) ?? []), p]);
    }
    const next = new Map<string, string>();
    for (const [object, problems] of byObject) {
      const text = problems.map((p) => `${p.where ? `${p.where}: ` : ""}${p.type}=${isBad({ type: p.type, status: "True" }) ? "True" : "False"} ${p.reason}: ${p.message}`).join("; ");
      next.set(object, text);
      if (this.#invalid.get(object) === text) continue;
      this.#log.warn({ object, problems: problems.map(({ where, type, reason, message }) => ({ where, type, reason, message })) }, `${object} is invalid: ${text}`);
    }
    if (!this.#firstStatus) for (const object of this.#invalid.keys()) if (!next.has(object)) this.#log.info({ object }, `${object} is valid again`);
    this.#invalid = next;
    this.#firstStatus = false;
  }
}
