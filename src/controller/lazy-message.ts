// A message rebuilt from its encoding only when something reads it. The
// translation worker sends a large changed resource (the 10,000-route
// RouteConfiguration is 4.7 MB encoded) as bytes alone: copying its object
// graph across threads, or decoding it, kept the main thread's event loop busy
// for a second, while the xDS cache and the streams need only its bytes, name
// and violations (which come with it). Its top-level scalar fields (the name,
// validate_clusters) are set at once; reading any other field decodes the
// bytes once and fills in every field.
import { fromBinary, type DescMessage, type Message } from "@bufbuild/protobuf";

/** Field values a receiver may read without decoding: scalars, enums and wrapper types (small by nature). */
export function headerFields(schema: DescMessage, message: Message): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const m = message as unknown as Record<string, unknown>;
  for (const f of schema.fields) {
    if (f.oneof) continue;
    const small = f.fieldKind === "scalar" || f.fieldKind === "enum" || (f.fieldKind === "message" && f.message.typeName.startsWith("google.protobuf.") && f.message.typeName.endsWith("Value"));
    if (small) out[f.localName] = m[f.localName];
  }
  return out;
}

/** A message of `schema` that reads as fromBinary(schema, bytes), with `header`'s fields set and the rest decoded on first read. */
export function lazyMessage(schema: DescMessage, bytes: Uint8Array, header: Record<string, unknown>): Message {
  const target: Record<string, unknown> = { $typeName: schema.typeName };
  let decoded = false;
  const decode = () => {
    if (decoded) return;
    decoded = true;
    const full = fromBinary(schema, bytes) as unknown as Record<string, unknown>;
    // An unset message field is no own property of a decoded message: it goes here as well, as a plain undefined.
    for (const key of Object.keys(full)) Object.defineProperty(target, key, { value: full[key], writable: true, enumerable: true, configurable: true });
    for (const member of schema.members) {
      if (!Object.hasOwn(full, member.localName)) delete target[member.localName];
    }
  };
  for (const member of schema.members) {
    const key = member.localName;
    if (Object.hasOwn(header, key)) {
      target[key] = header[key];
      continue;
    }
    Object.defineProperty(target, key, {
      enumerable: true,
      configurable: true,
      get() {
        decode();
        return target[key];
      },
      set(v: unknown) {
        decode();
        target[key] = v;
      },
    });
  }
  return target as unknown as Message;
}
