// grpc-js service definitions built from protobuf-es service descriptors, so
// requests and responses are (de)serialized by protobuf-es. The ADS server
// overrides response serialization: it writes pre-assembled wire bytes.
import { fromBinary, toBinary, type DescMessage, type DescService, type MessageShape } from "@bufbuild/protobuf";
import type * as grpc from "@grpc/grpc-js";

type AnyMethodDefinition = grpc.MethodDefinition<unknown, unknown>;

function serializer<D extends DescMessage>(schema: D): (m: MessageShape<D>) => Buffer {
  return (m) => Buffer.from(toBinary(schema, m));
}

function deserializer<D extends DescMessage>(schema: D): (b: Buffer) => MessageShape<D> {
  return (b) => fromBinary(schema, b);
}

/** A grpc-js ServiceDefinition whose methods are keyed by their localName (e.g. `streamAggregatedResources`). */
export function serviceDefinition(service: DescService): Record<string, AnyMethodDefinition> {
  const def: Record<string, AnyMethodDefinition> = {};
  for (const m of service.methods) {
    def[m.localName] = {
      path: `/${service.typeName}/${m.name}`,
      requestStream: m.methodKind === "client_streaming" || m.methodKind === "bidi_streaming",
      responseStream: m.methodKind === "server_streaming" || m.methodKind === "bidi_streaming",
      requestSerialize: serializer(m.input) as (v: unknown) => Buffer,
      requestDeserialize: deserializer(m.input),
      responseSerialize: serializer(m.output) as (v: unknown) => Buffer,
      responseDeserialize: deserializer(m.output),
      originalName: m.localName,
    };
  }
  return def;
}

/** The same definition, but responses are written as already-encoded bytes. */
export function rawResponseServiceDefinition(service: DescService): Record<string, AnyMethodDefinition> {
  const def = serviceDefinition(service);
  for (const m of Object.values(def)) m.responseSerialize = (b: unknown) => b as Buffer;
  return def;
}
