// Builds small message types at runtime whose fields carry chosen
// `(validate.rules)`, for the rule kinds Envoy's protos do not happen to use.
import { create, createFileRegistry, setExtension, type DescFile, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  DescriptorProtoSchema,
  FieldDescriptorProtoSchema,
  FieldOptionsSchema,
  FileDescriptorProtoSchema,
  MessageOptionsSchema,
  OneofOptionsSchema,
  file_google_protobuf_any,
  file_google_protobuf_duration,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
  type DescriptorProto,
} from "@bufbuild/protobuf/wkt";
import { FieldRulesSchema, disabled, required, rules } from "../../../src/gen/validate/validate_pb.js";

export { Type };

export type RulesInit = MessageInitShape<typeof FieldRulesSchema>;

export interface SynthField {
  name: string;
  type: Type;
  /** For messages and enums: ".google.protobuf.Duration", or "E" for the enum every synthetic file defines. */
  typeName?: string;
  repeated?: boolean;
  /** Makes a map<key, type> field. */
  mapKey?: Type;
  rules?: RulesInit;
  /** Index into `oneofs`. */
  oneof?: number;
}

export interface SynthOptions {
  oneofs?: { name: string; required?: boolean }[];
  disabled?: boolean;
  /** Files whose types fields refer to by typeName (e.g. `VirtualHostSchema.file`). */
  deps?: DescFile[];
}

let seq = 0;

/** A new message type `synth.N.T` with the given fields, and enum `E` { ZERO = 0, ONE = 1, TWO = 2 }. */
export function synth(fields: SynthField[], opts: SynthOptions = {}): DescMessage {
  const pkg = `synth${++seq}`;
  const nested: DescriptorProto[] = [];
  const fieldProtos = fields.map((f, i) => {
    const options = create(FieldOptionsSchema);
    if (f.rules) setExtension(options, rules, create(FieldRulesSchema, f.rules));
    let type = f.type;
    let typeName = f.typeName === "E" ? `.${pkg}.E` : f.typeName;
    let label = f.repeated ? Label.REPEATED : Label.OPTIONAL;
    if (f.mapKey !== undefined) {
      const entry = `${f.name[0]?.toUpperCase()}${f.name.slice(1)}Entry`;
      nested.push(
        create(DescriptorProtoSchema, {
          name: entry,
          field: [
            { name: "key", number: 1, label: Label.OPTIONAL, type: f.mapKey, jsonName: "key" },
            { name: "value", number: 2, label: Label.OPTIONAL, type: f.type, jsonName: "value", ...(typeName ? { typeName } : {}) },
          ],
          options: { mapEntry: true },
        }),
      );
      type = Type.MESSAGE;
      typeName = `.${pkg}.T.${entry}`;
      label = Label.REPEATED;
    }
    return create(FieldDescriptorProtoSchema, {
      name: f.name,
      number: i + 1,
      label,
      type,
      options,
      jsonName: f.name,
      ...(typeName ? { typeName } : {}),
      ...(f.oneof !== undefined ? { oneofIndex: f.oneof } : {}),
    });
  });
  const msgOptions = create(MessageOptionsSchema);
  if (opts.disabled) setExtension(msgOptions, disabled, true);
  const oneofDecl = (opts.oneofs ?? []).map((o) => {
    const options = create(OneofOptionsSchema);
    if (o.required) setExtension(options, required, true);
    return { name: o.name, options };
  });
  const message = create(DescriptorProtoSchema, { name: "T", field: fieldProtos, nestedType: nested, oneofDecl, options: msgOptions });
  const file = create(FileDescriptorProtoSchema, {
    name: `${pkg}.proto`,
    package: pkg,
    syntax: "proto3",
    dependency: [
      "google/protobuf/any.proto",
      "google/protobuf/duration.proto",
      "google/protobuf/timestamp.proto",
      "google/protobuf/wrappers.proto",
      ...(opts.deps ?? []).map((f) => `${f.name}.proto`),
    ],
    messageType: [message],
    enumType: [{ name: "E", value: [{ name: "ZERO", number: 0 }, { name: "ONE", number: 1 }, { name: "TWO", number: 2 }] }],
  });
  const wkt = [file_google_protobuf_any, file_google_protobuf_duration, file_google_protobuf_timestamp, file_google_protobuf_wrappers, ...(opts.deps ?? [])];
  const reg = createFileRegistry(file, (name) => wkt.find((f) => f.name === name.replace(/\.proto$/, "")) ?? wkt.find((f) => `${f.name}.proto` === name));
  const desc = reg.getMessage(`${pkg}.T`);
  if (!desc) throw new Error("synthetic message not built");
  return desc;
}
