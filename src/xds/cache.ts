// The snapshot cache: per Gateway key, the validated and encoded resources that
// the ADS server serves. Versions are content hashes, so setting identical
// content is a no-op and notifies nobody.
import type { Message } from "@bufbuild/protobuf";
import { Gauge, type Registry } from "prom-client";
import { emptyResources, type ResourceType, type XdsResources } from "../api/xds.ts";
import { silentLogger, type Logger } from "../observability/log.ts";
import { EncodedResource, contentHash, encodeResource, setVersion, type PreparedEncoding } from "./resource.ts";
import { DESCRIPTORS, PUSH_ORDER, RESOURCE_TYPES, resourcesOf } from "./resource-types.ts";
import { nameViolation, ownViolations, withholdDependants, type FailureInput, type ValidationFailure } from "./validate/index.ts";

export type { ValidationFailure };

/** Validation before serving: returns what may be served, and why the rest may not. */
export type ValidateFn = (resources: XdsResources) => { served: XdsResources; failures: ValidationFailure[] };

/** Pass-through validation: serves everything. Tests use it to inject invalid resources. */
export const noValidation: ValidateFn = (resources) => ({ served: resources, failures: [] });

/** All resources of one type in a snapshot, by name. */
export interface TypeSet {
  readonly type: ResourceType;
  /** Content version of the whole set. */
  readonly version: string;
  readonly byName: ReadonlyMap<string, EncodedResource>;
}

export interface Snapshot {
  readonly key: string;
  /** Content hash of every resource; changes only when content changes. */
  readonly version: string;
  /** The resources that are served (validated). */
  readonly resources: XdsResources;
  /** Resources withheld by validation. */
  readonly failures: readonly ValidationFailure[];
  readonly types: Readonly<Record<ResourceType, TypeSet>>;
  /** When this content was first set. */
  readonly createdAt: Date;
}

export type SnapshotListener = (key: string, snapshot: Snapshot | undefined) => void;

export interface SnapshotCacheOptions {
  /**
   * Replaces validation before serving. The default checks Envoy's PGV rules
   * (src/xds/validate/) on changed resources only, with the same result as
   * validateResources(). Tests pass `noValidation` to inject invalid resources.
   */
  validate?: ValidateFn;
  logger?: Logger;
  /** Where the validation-failure gauge is registered. */
  registry?: Registry;
  /**
   * The caller never changes a message after handing it to setSnapshot, so a
   * message object already served is not serialized and hashed again. The
   * controller's worker translation (src/controller/translation-delta.ts)
   * hands back the same objects for unchanged resources.
   */
  immutableMessages?: boolean;
  /** A message's encoding and violations made elsewhere (the translation worker), used instead of making them here. */
  prepared?: (message: Message) => PreparedEncoding | undefined;
}

function failureKey(f: ValidationFailure): string {
  return JSON.stringify([f.type, f.name, f.violations, f.withheldBecause ?? ""]);
}

function sameFailures(a: readonly ValidationFailure[], b: readonly ValidationFailure[]): boolean {
  return a.length === b.length && a.every((f, i) => failureKey(f) === failureKey(b[i]!));
}

function nameFailure(type: ResourceType, name: string, message: string): ValidationFailure {
  return { type, name, violations: [nameViolation(type, message)] };
}

export class SnapshotCache {
  readonly #snapshots = new Map<string, Snapshot>();
  readonly #listeners = new Set<SnapshotListener>();
  /** A replacement validation; undefined: the incremental PGV validation. */
  readonly #validate: ValidateFn | undefined;
  readonly #logger: Logger;
  readonly #failuresGauge: Gauge | undefined;
  readonly #immutable: boolean;
  readonly #prepared: SnapshotCacheOptions["prepared"];

  constructor(opts: SnapshotCacheOptions = {}) {
    this.#validate = opts.validate;
    this.#immutable = opts.immutableMessages ?? false;
    this.#prepared = opts.prepared;
    this.#logger = (opts.logger ?? silentLogger()).child({ component: "xds-cache" });
    if (opts.registry) {
      this.#failuresGauge = new Gauge({
        name: "switchyard_xds_validation_failures",
        help: "Resources withheld from a snapshot because they fail Envoy's validate.rules",
        labelNames: ["snapshot", "type"],
        registers: [opts.registry],
      });
    }
  }

  /**
   * Validate, encode and store the resources of `key`. Returns the snapshot now
   * served. When the served content is unchanged no listener is called, and
   * the previous snapshot object is returned (a copy if only the withheld
   * resources changed).
   */
  setSnapshot(key: string, resources: XdsResources): Snapshot {
    const previous = this.#snapshots.get(key);
    const encoded = new Map<Message, EncodedResource>();
    const { served, failures } = this.#validate
      ? this.#validate(resources)
      : this.#validateChanged(resources, previous, encoded);
    const allFailures = [...failures];
    const types = {} as Record<ResourceType, TypeSet>;
    const kept = emptyResources();
    for (const type of RESOURCE_TYPES) {
      const d = DESCRIPTORS[type];
      const byName = new Map<string, EncodedResource>();
      const keptList = kept[d.field] as Message[];
      for (const msg of resourcesOf(served, type)) {
        const name = d.name(msg);
        // The validator refuses these too; this guards the cache when validation is replaced.
        if (name === "") {
          allFailures.push(nameFailure(type, name, "an xDS resource needs a name"));
          continue;
        }
        if (byName.has(name)) {
          allFailures.push(nameFailure(type, name, `another ${type} is already named ${JSON.stringify(name)}`));
          continue;
        }
        byName.set(name, encoded.get(msg) ?? this.#encode(type, msg, previous?.types[type].byName.get(name)));
        keptList.push(msg);
      }
      // Sorted by name so that the set version does not depend on input order.
      const sorted = new Map([...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      types[type] = { type, version: setVersion(sorted.values()), byName: sorted };
    }
    const version = contentHash(Buffer.from(PUSH_ORDER.map((t) => types[t].version).join("/")));
    this.#reportFailures(key, previous?.failures ?? [], allFailures);
    if (previous && previous.version === version) {
      // Nothing served changed, so nobody is told; but withheld resources may have.
      if (sameFailures(previous.failures, allFailures)) return previous;
      const updated: Snapshot = { ...previous, failures: allFailures };
      this.#snapshots.set(key, updated);
      return updated;
    }
    // Keep unchanged type sets identical objects: streams compare them cheaply.
    if (previous) {
      for (const type of RESOURCE_TYPES) {
        if (previous.types[type].version === types[type].version) types[type] = previous.types[type];
      }
    }
    const snapshot: Snapshot = { key, version, resources: kept, failures: allFailures, types, createdAt: new Date() };
    this.#snapshots.set(key, snapshot);
    this.#logger.debug({ snapshot: key, version }, "snapshot updated");
    this.#emit(key, snapshot);
    return snapshot;
  }

  /**
   * The default validation, incremental: the PGV rules run only on resources
   * whose content hash is new (a resource's own violations depend on its
   * content alone); the withholding of dependants runs on the whole snapshot.
   * Equivalent to validateResources(). Fills `encoded` with every encoding made.
   */
  #validateChanged(
    resources: XdsResources,
    previous: Snapshot | undefined,
    encoded: Map<Message, EncodedResource>,
  ): { served: XdsResources; failures: ValidationFailure[] } {
    const own: FailureInput[] = [];
    for (const type of RESOURCE_TYPES) {
      const seen = new Set<string>();
      for (const msg of resourcesOf(resources, type)) {
        const name = DESCRIPTORS[type].name(msg);
        if (name === "" || seen.has(name)) {
          const message = name === "" ? "an xDS resource needs a name" : `another ${type} is already named ${JSON.stringify(name)}`;
          own.push({ ...nameFailure(type, name, message), resource: msg });
          continue;
        }
        seen.add(name);
        const enc = this.#encode(type, msg, previous?.types[type].byName.get(name));
        encoded.set(msg, enc);
        enc.violations ??= ownViolations(type, msg);
        if (enc.violations.length > 0) own.push({ type, name, violations: enc.violations, resource: msg });
      }
    }
    return withholdDependants(resources, own);
  }

  #encode(type: ResourceType, msg: Message, previous: EncodedResource | undefined): EncodedResource {
    if (this.#immutable && previous?.message === msg) return previous;
    const pre = this.#prepared?.(msg);
    if (!pre) return encodeResource(type, msg, previous);
    if (previous && previous.version === pre.version) return previous;
    const enc = new EncodedResource(type, DESCRIPTORS[type].name(msg), msg, pre.bytes, pre.version);
    enc.violations = pre.violations;
    return enc;
  }

  /** Stop serving `key`. Connected streams keep what they have and get nothing new. */
  deleteSnapshot(key: string): boolean {
    const existed = this.#snapshots.delete(key);
    if (existed) {
      // Drop the key's gauge series: keys come and go with Gateways.
      for (const type of RESOURCE_TYPES) this.#failuresGauge?.remove({ snapshot: key, type });
      this.#emit(key, undefined);
    }
    return existed;
  }

  getSnapshot(key: string): Snapshot | undefined {
    return this.#snapshots.get(key);
  }

  keys(): string[] {
    return [...this.#snapshots.keys()].sort();
  }

  /** Validation failures of the snapshot `key` (empty if none or no such key). */
  failures(key: string): readonly ValidationFailure[] {
    return this.#snapshots.get(key)?.failures ?? [];
  }

  /** Every key's validation failures, for the admin API. */
  allFailures(): Record<string, readonly ValidationFailure[]> {
    const out: Record<string, readonly ValidationFailure[]> = {};
    for (const [key, snap] of this.#snapshots) if (snap.failures.length > 0) out[key] = snap.failures;
    return out;
  }

  /** Be told about every snapshot change (undefined: deleted). Returns the unsubscribe function. */
  onChange(listener: SnapshotListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(key: string, snapshot: Snapshot | undefined): void {
    for (const listener of this.#listeners) {
      try {
        listener(key, snapshot);
      } catch (err) {
        this.#logger.error({ err, snapshot: key }, "snapshot listener failed");
      }
    }
  }

  #reportFailures(key: string, before: readonly ValidationFailure[], after: readonly ValidationFailure[]): void {
    const seen = new Set(before.map(failureKey));
    for (const f of after) {
      if (seen.has(failureKey(f))) continue;
      this.#logger.warn(
        { snapshot: key, type: f.type, name: f.name, violations: f.violations, withheldBecause: f.withheldBecause },
        f.withheldBecause ? "resource withheld: it depends on one that fails validation" : "resource withheld: fails validation",
      );
    }
    if (this.#failuresGauge) {
      for (const type of RESOURCE_TYPES) {
        this.#failuresGauge.set({ snapshot: key, type }, after.filter((f) => f.type === type).length);
      }
    }
  }
}
