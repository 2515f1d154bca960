// Small Envoy building blocks shared by the emitters.
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { anyPack, type Any, type Duration } from "@bufbuild/protobuf/wkt";
import { ApiVersion, type ConfigSource } from "../../gen/envoy/config/core/v3/config_source_pb.js";
import { ConfigSourceSchema } from "../../gen/envoy/config/core/v3/config_source_pb.js";
import { HeaderValueOption_HeaderAppendAction, type HeaderValueOption } from "../../gen/envoy/config/core/v3/base_pb.js";
import type { IrHeaderOps } from "../ir.ts";

/** Config source for everything delivered over the ADS stream. */
export function adsConfigSource(): ConfigSource {
  return create(ConfigSourceSchema, { configSourceSpecifier: { case: "ads", value: {} }, resourceApiVersion: ApiVersion.V3 });
}

export function duration(seconds: number): Duration {
  const whole = Math.floor(seconds);
  return { $typeName: "google.protobuf.Duration", seconds: BigInt(whole), nanos: Math.round((seconds - whole) * 1e9) };
}

/** A literal for a RE2 pattern. */
export function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

export function pack<D extends DescMessage>(schema: D, init: MessageInitShape<D>): Any {
  return anyPack(schema, create(schema, init));
}

export function headersToAdd(ops: IrHeaderOps | undefined): MessageInitShape<typeof import("../../gen/envoy/config/core/v3/base_pb.js").HeaderValueOptionSchema>[] {
  if (!ops) return [];
  return [
    ...ops.set.map((h) => ({ header: { key: h.name, value: h.value }, appendAction: HeaderValueOption_HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD })),
    ...ops.add.map((h) => ({ header: { key: h.name, value: h.value }, appendAction: HeaderValueOption_HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD })),
  ];
}

export type { HeaderValueOption };
