// A minimal DER reader: just enough to walk an X.509 certificate's fields that
// node:crypto does not expose (subject attributes by OID, SAN entry types,
// extensions, public key parameters). It never throws; bad input gives undefined.

export interface Tlv {
  /** The identifier octet (low tag numbers only, which is all X.509 uses). */
  tag: number;
  /** Content bytes. */
  value: Buffer;
}

/** The TLV at `offset`, and the offset just after it. */
function readAt(buf: Buffer, offset: number): { tlv: Tlv; next: number } | undefined {
  if (offset + 2 > buf.length) return undefined;
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) return undefined;
  let len = buf[offset + 1]!;
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > buf.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
    start += n;
  }
  const end = start + len;
  if (end > buf.length) return undefined;
  return { tlv: { tag, value: buf.subarray(start, end) }, next: end };
}

/** The single TLV that `buf` holds. */
export function parse(buf: Buffer): Tlv | undefined {
  const r = readAt(buf, 0);
  return r && r.next === buf.length ? r.tlv : undefined;
}

/** The TLVs inside a constructed value (SEQUENCE, SET, explicit tag), or undefined if malformed. */
export function children(t: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let off = 0; off < t.value.length; ) {
    const r = readAt(t.value, off);
    if (!r) return undefined;
    out.push(r.tlv);
    off = r.next;
  }
  return out;
}

/** DER content bytes of an OBJECT IDENTIFIER, from its dotted form (for comparisons). */
export function oid(dotted: string): string {
  const arcs = dotted.split(".").map(Number);
  const bytes: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const b: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) b.unshift((v & 0x7f) | 0x80);
    bytes.push(...b);
  }
  return Buffer.from(bytes).toString("hex");
}

export const TAG = { BOOLEAN: 0x01, INTEGER: 0x02, OCTET_STRING: 0x04, OID: 0x06, SEQUENCE: 0x30, SET: 0x31 } as const;
