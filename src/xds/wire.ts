// Just enough protobuf wire format to assemble discovery responses from
// pre-encoded pieces, so that each resource is serialized once and its bytes
// are shared by every stream (protobuf-es would re-encode per response).

const encoder = new TextEncoder();

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/** One length-delimited field: tag, length, payload. */
export function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  const tag = (field << 3) | 2;
  const out = new Uint8Array(varintSize(tag) + varintSize(payload.length) + payload.length);
  let pos = writeVarint(out, 0, tag);
  pos = writeVarint(out, pos, payload.length);
  out.set(payload, pos);
  return out;
}

/** The tag and length of a length-delimited field whose payload is `length` bytes. */
export function fieldHeader(field: number, length: number): Uint8Array {
  const tag = (field << 3) | 2;
  const out = new Uint8Array(varintSize(tag) + varintSize(length));
  writeVarint(out, writeVarint(out, 0, tag), length);
  return out;
}

/** One length-delimited field whose payload is `chunks` joined, in one allocation. */
export function lengthDelimitedOf(field: number, chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const c of chunks) length += c.length;
  return concat([fieldHeader(field, length), ...chunks]);
}

export function stringField(field: number, value: string): Uint8Array {
  // proto3: an empty string is the default and is not written.
  if (value === "") return new Uint8Array(0);
  return lengthDelimited(field, encoder.encode(value));
}

/** Concatenate wire chunks into one Buffer (what grpc-js frames and sends). */
export function concat(chunks: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}
