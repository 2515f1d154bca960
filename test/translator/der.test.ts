// The DER reader under the certificate rules never throws on bad bytes.
import { describe, expect, it } from "vitest";
import { children, oid, parse } from "../../src/translator/resolve/der.ts";

describe("der", () => {
  it("encodes OIDs with multi-byte arcs", () => {
    expect(oid("1.2.840.10045.3.1.7")).toBe("2a8648ce3d030107");
    expect(oid("1.3.6.1.5.5.7.1.24")).toBe("2b060105050701" + "18");
  });
  it("reads nested TLVs and refuses truncated or trailing bytes", () => {
    const seq = Buffer.from("3006020105020102", "hex");
    expect(children(parse(seq)!)!.map((t) => t.value[0])).toEqual([5, 2]);
    expect(parse(seq.subarray(0, 5))).toBeUndefined();
    expect(parse(Buffer.concat([seq, Buffer.from([0])]))).toBeUndefined();
    expect(children({ tag: 0x30, value: Buffer.from("0205", "hex") })).toBeUndefined();
    expect(parse(Buffer.from("1f8101", "hex"))).toBeUndefined();
    expect(parse(Buffer.from("3085ffffffffff", "hex"))).toBeUndefined();
  });
});
