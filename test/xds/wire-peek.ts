// version_info, type_url and nonce of an encoded DiscoveryResponse without
// decoding its resources: lets benchmark clients ACK at almost no cost.
export function responseHeader(b: Uint8Array): { versionInfo: string; typeUrl: string; nonce: string } {
  const out = { versionInfo: "", typeUrl: "", nonce: "" };
  const text = new TextDecoder();
  let pos = 0;
  const varint = (): number => {
    let n = 0;
    let mul = 1;
    for (;;) {
      const byte = b[pos++] ?? 0;
      n += (byte & 0x7f) * mul;
      if (byte < 0x80) return n;
      mul *= 128;
    }
  };
  while (pos < b.length) {
    const tag = varint();
    if ((tag & 7) === 0) {
      varint();
      continue;
    }
    const len = varint();
    const field = tag >>> 3;
    if (field === 1) out.versionInfo = text.decode(b.subarray(pos, pos + len));
    else if (field === 4) out.typeUrl = text.decode(b.subarray(pos, pos + len));
    else if (field === 5) out.nonce = text.decode(b.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}
