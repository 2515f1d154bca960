// State-of-the-World response contents. Streams with the same subscription
// share one ResponseSet (and its encoded body), so a push to 1,000 Envoys
// assembles each distinct response once.
import type { TypeSet } from "./cache.ts";
import { setVersion, type EncodedResource } from "./resource.ts";
import { DESCRIPTORS, typeOfUrl } from "./resource-types.ts";
import { concat, stringField } from "./wire.ts";

/** Shared nonces are "s" + a process-wide counter; streams' own nonces are plain counters, so the two never meet. */
let sharedNonces = 0;

export class ResponseSet {
  readonly typeUrl: string;
  readonly version: string;
  readonly byName: ReadonlyMap<string, EncodedResource>;
  #body: Buffer | undefined;
  #shared: { nonce: string; bytes: Buffer } | undefined;

  constructor(typeUrl: string, byName: ReadonlyMap<string, EncodedResource>, version?: string) {
    this.typeUrl = typeUrl;
    this.byName = byName;
    this.version = version ?? setVersion(byName.values());
  }

  get size(): number {
    return this.byName.size;
  }

  /** DiscoveryResponse without its nonce: version_info, resources, type_url. */
  get body(): Buffer {
    if (!this.#body) {
      const chunks: Uint8Array[] = [stringField(1, this.version)];
      for (const r of this.byName.values()) chunks.push(r.sotwField);
      chunks.push(stringField(4, this.typeUrl));
      this.#body = concat(chunks);
    }
    return this.#body;
  }

  /** The full response with `nonce`. */
  withNonce(nonce: string): Buffer {
    return concat([this.body, stringField(5, nonce)]);
  }

  /**
   * The full response with a nonce of this set's own, made once: every stream sent this set gets the
   * same bytes (a nonce needs to be unique only among one stream's responses of a type), so a push to
   * 1,000 streams does not copy a large RouteConfiguration 1,000 times before grpc-js frames it.
   */
  get shared(): { nonce: string; bytes: Buffer } {
    if (!this.#shared) {
      const nonce = `s${(++sharedNonces).toString(36)}`;
      this.#shared = { nonce, bytes: this.withNonce(nonce) };
    }
    return this.#shared;
  }
}

const EMPTY = new Map<string, EncodedResource>();
const emptySets = new Map<string, ResponseSet>();

/** An empty response set; shared only for the types we serve (clients choose the others). */
export function emptySet(typeUrl: string): ResponseSet {
  let s = emptySets.get(typeUrl);
  if (!s) {
    s = new ResponseSet(typeUrl, EMPTY, "");
    if (typeOfUrl(typeUrl)) emptySets.set(typeUrl, s);
  }
  return s;
}

const wildcardSets = new WeakMap<TypeSet, ResponseSet>();
const namedSets = new WeakMap<TypeSet, Map<string, ResponseSet>>();
const unions = new WeakMap<ResponseSet, WeakMap<ResponseSet, ResponseSet>>();
const changes = new WeakMap<ResponseSet, WeakMap<ResponseSet, ResponseSet>>();

/** Everything of the type: what a wildcard subscriber gets. */
export function wildcardSet(typeSet: TypeSet): ResponseSet {
  let s = wildcardSets.get(typeSet);
  if (!s) {
    s = new ResponseSet(DESCRIPTORS[typeSet.type].typeUrl, typeSet.byName, typeSet.version);
    wildcardSets.set(typeSet, s);
  }
  return s;
}

/** The subscribed names that exist. `sig` identifies the name set (sorted names). */
export function namedSet(typeSet: TypeSet, names: ReadonlySet<string>, sig: string): ResponseSet {
  let bySig = namedSets.get(typeSet);
  if (!bySig) {
    bySig = new Map();
    namedSets.set(typeSet, bySig);
  }
  let s = bySig.get(sig);
  if (!s) {
    const byName = new Map<string, EncodedResource>();
    for (const name of [...names].sort()) {
      const r = typeSet.byName.get(name);
      if (r) byName.set(name, r);
    }
    s = new ResponseSet(DESCRIPTORS[typeSet.type].typeUrl, byName);
    // Bounded: distinct subscriptions per snapshot are few (one per kind of client).
    if (bySig.size > 1000) bySig.clear();
    bySig.set(sig, s);
  }
  return s;
}

/**
 * Make-before-break for full-state types: the desired resources plus those the
 * client still has from `sent` and that are still subscribed (`keep`), which
 * are removed later by a response of `desired` alone.
 */
export function retainingSet(
  desired: ResponseSet,
  sent: ResponseSet,
  keep: (name: string) => boolean,
): ResponseSet {
  let bySent = unions.get(desired);
  let s = bySent?.get(sent);
  if (s) return s;
  let extra = false;
  for (const name of sent.byName.keys()) {
    if (!desired.byName.has(name) && keep(name)) {
      extra = true;
      break;
    }
  }
  if (!extra) {
    s = desired;
  } else {
    const byName = new Map(desired.byName);
    for (const [name, r] of sent.byName) if (!byName.has(name) && keep(name)) byName.set(name, r);
    s = new ResponseSet(desired.typeUrl, new Map([...byName.entries()].sort(([a], [b]) => (a < b ? -1 : 1))));
  }
  if (!bySent) {
    bySent = new WeakMap();
    unions.set(desired, bySent);
  }
  bySent.set(sent, s);
  return s;
}

/**
 * RDS/EDS/SDS: the resources of `desired` that the client (holding `held`)
 * lacks or holds at another version. SotW needs only these for types other
 * than LDS/CDS; version_info is that of the whole `desired` state.
 */
export function changedSet(desired: ResponseSet, held: ResponseSet): ResponseSet {
  let byHeld = changes.get(desired);
  let s = byHeld?.get(held);
  if (s) return s;
  const byName = new Map<string, EncodedResource>();
  for (const [name, r] of desired.byName) if (held.byName.get(name)?.version !== r.version) byName.set(name, r);
  s = byName.size === desired.size ? desired : new ResponseSet(desired.typeUrl, byName, desired.version);
  if (!byHeld) {
    byHeld = new WeakMap();
    changes.set(desired, byHeld);
  }
  byHeld.set(held, s);
  return s;
}
