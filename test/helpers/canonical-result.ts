// A translation result as comparable text: every resource's bytes, every status.
import type { Message } from "@bufbuild/protobuf";
import type { TranslationResult } from "../../src/api/translation.ts";
import type { XdsResources } from "../../src/api/xds.ts";
import { DESCRIPTORS, RESOURCE_TYPES } from "../../src/xds/resource-types.ts";

export function canonical(r: TranslationResult): string {
  const res = (x: XdsResources) =>
    RESOURCE_TYPES.map((t) => (x[DESCRIPTORS[t].field] as Message[]).map((m) => Buffer.from(DESCRIPTORS[t].encode(m)).toString("base64")));
  return JSON.stringify({ gateways: r.gateways.map((g) => [g.key, res(g.resources)]), mesh: r.mesh ? res(r.mesh) : null, statuses: r.statuses });
}
