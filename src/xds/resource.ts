// One Envoy resource encoded once: its Any bytes, its content-hash version and
// the ready-made wire fields that SotW and Delta responses are assembled from.
import { createHash } from "node:crypto";
import type { Message } from "@bufbuild/protobuf";
import type { ResourceType } from "../api/xds.ts";
import { DESCRIPTORS } from "./resource-types.ts";
import { fieldHeader, lengthDelimitedOf, stringField } from "./wire.ts";
import type { Violation } from "./validate/types.ts";

export function contentHash(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64url").slice(0, 16);
}

export class EncodedResource {
  readonly type: ResourceType;
  readonly name: string;
  readonly message: Message;
  /** Content hash of the serialized resource. */
  readonly version: string;
  /** google.protobuf.Any bytes. */
  readonly any: Uint8Array;
  /** `resources` (field 2) entry of a DiscoveryResponse. */
  readonly sotwField: Uint8Array;
  #deltaField: Uint8Array | undefined;
  /** Its own validate.rules violations, computed once per content version. */
  violations: Violation[] | undefined;

  constructor(type: ResourceType, name: string, message: Message, value: Uint8Array, version: string) {
    this.type = type;
    this.message = message;
    this.name = name;
    this.version = version;
    // The Any is the tail of the SotW field: one copy of a resource's bytes, not two (they can be megabytes).
    const anyParts = [stringField(1, DESCRIPTORS[type].typeUrl), fieldHeader(2, value.length), value];
    this.sotwField = lengthDelimitedOf(2, anyParts);
    this.any = this.sotwField.subarray(this.sotwField.length - anyParts.reduce((n, c) => n + c.length, 0));
  }

  /** `resources` (field 2) entry of a DeltaDiscoveryResponse: Resource{name, version, resource}. */
  get deltaField(): Uint8Array {
    this.#deltaField ??= lengthDelimitedOf(2, [stringField(3, this.name), stringField(1, this.version), fieldHeader(2, this.any.length), this.any]);
    return this.#deltaField;
  }
}

/** A resource already serialized (and validated) elsewhere, e.g. in the translation worker. */
export interface PreparedEncoding {
  /** toBinary of the message. */
  bytes: Uint8Array;
  /** contentHash(bytes). */
  version: string;
  /** Its own validate.rules violations (validateMessage and uniquenessViolations). */
  violations: Violation[];
}

/**
 * Encode a resource, reusing `previous` (same name, earlier snapshot) when the
 * content is unchanged so that unchanged resources keep sharing their bytes.
 */
export function encodeResource(type: ResourceType, message: Message, previous?: EncodedResource): EncodedResource {
  const d = DESCRIPTORS[type];
  const value = d.encode(message);
  const version = contentHash(value);
  if (previous && previous.version === version) return previous;
  return new EncodedResource(type, d.name(message), message, value, version);
}

/** Version of a set of resources: changes exactly when a name or a content version changes. */
export function setVersion(items: Iterable<EncodedResource>): string {
  const h = createHash("sha256");
  for (const r of items) h.update(r.name).update("\0").update(r.version).update("\n");
  return h.digest("base64url").slice(0, 16);
}
