// SPDY/3.1 framing, the part a kubelet's streaming server needs (the API server proxies `exec` from
// client-go's SPDY executor to the kubelet byte for byte, and translates kubectl's WebSockets to it):
// the peer opens streams (SYN_STREAM), we accept them (SYN_REPLY), both send DATA, FIN closes a direction,
// PINGs are echoed. Header blocks are zlib streams, one per direction and connection: the peer's is
// inflated with the spec's dictionary; ours is written as stored (uncompressed) deflate blocks, which any
// inflater reads and which need no dictionary. Flow control is not enforced by client-go's SPDY stack, so
// WINDOW_UPDATE frames are read and ignored.
import type { Duplex } from "node:stream";
import { constants, inflateSync } from "node:zlib";

const VERSION = 3;
export const FLAG_FIN = 0x01;
const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const PING = 6;
const GOAWAY = 7;

/** The header compression dictionary of SPDY/3 (spec section 2.6.10.1): length-prefixed words, then a tail. */
const DICTIONARY: Buffer = (() => {
  const words = "options head post put delete trace accept accept-charset accept-encoding accept-language accept-ranges age allow authorization cache-control connection content-base content-encoding content-language content-length content-location content-md5 content-range content-type date etag expect expires from host if-match if-modified-since if-none-match if-range if-unmodified-since last-modified location max-forwards pragma proxy-authenticate proxy-authorization range referer retry-after server te trailer transfer-encoding upgrade user-agent vary via warning www-authenticate method get status 200_OK version HTTP/1.1 url public set-cookie keep-alive origin".split(" ").map((w) => w.replace("_", " "));
  const tail =
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505" +
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized" +
    "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable" +
    "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT" +
    "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain," +
    "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";
  const parts: Buffer[] = [];
  for (const w of words) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    parts.push(len, Buffer.from(w, "latin1"));
  }
  parts.push(Buffer.from(tail, "latin1"));
  return Buffer.concat(parts);
})();
export const SPDY_DICTIONARY = DICTIONARY;

const SYNC_FLUSH = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

export type Headers = Record<string, string[]>;

export interface SpdyHandlers {
  /** A stream the peer opened; reply with accept() (or reset()). */
  stream(id: number, headers: Headers, fin: boolean): void;
  data(id: number, data: Buffer, fin: boolean): void;
  /** The peer reset a stream, went away, or the connection closed (id 0). */
  closed(id: number): void;
}

export class SpdySession {
  private readonly socket: Duplex;
  private readonly h: SpdyHandlers;
  private buf: Buffer = Buffer.alloc(0);
  private inflateIn: Buffer[] = [];
  private inflatedLen = 0;
  private headerOutStarted = false;
  private ended = false;

  constructor(socket: Duplex, handlers: SpdyHandlers, head?: Buffer) {
    this.socket = socket;
    this.h = handlers;
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.once("close", () => {
      this.ended = true;
      this.h.closed(0);
    });
    socket.on("error", () => socket.destroy());
    if (head && head.length > 0) this.receive(head);
  }

  private receive(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const len = this.buf.readUIntBE(5, 3);
      if (this.buf.length < 8 + len) return;
      const frame = this.buf.subarray(0, 8 + len);
      this.buf = this.buf.subarray(8 + len);
      try {
        this.frame(frame);
      } catch (err) {
        // A frame we cannot read ends the session: the peer sees the connection close.
        this.goAway();
        this.socket.destroy(err as Error);
        return;
      }
    }
  }

  private frame(f: Buffer): void {
    const flags = f[4]!;
    const payload = f.subarray(8);
    if ((f[0]! & 0x80) === 0) {
      this.h.data(f.readUInt32BE(0) & 0x7fffffff, payload, (flags & FLAG_FIN) !== 0);
      return;
    }
    const type = f.readUInt16BE(2);
    switch (type) {
      case SYN_STREAM:
        this.h.stream(payload.readUInt32BE(0) & 0x7fffffff, this.headers(payload.subarray(10)), (flags & FLAG_FIN) !== 0);
        break;
      case RST_STREAM:
        this.h.closed(payload.readUInt32BE(0) & 0x7fffffff);
        break;
      case PING:
        this.control(PING, 0, payload);
        break;
      case GOAWAY:
        this.h.closed(0);
        break;
      default:
        // SETTINGS, HEADERS, WINDOW_UPDATE, SYN_REPLY (we open no streams): nothing to do. A HEADERS
        // block would move the peer's zlib stream, so it is still inflated.
        if (type === 8) this.headers(payload.subarray(4));
    }
  }

  /** Inflates one header block: the peer's blocks are one zlib stream, so all of it is inflated again. */
  private headers(block: Buffer): Headers {
    this.inflateIn.push(block);
    const all = inflateSync(Buffer.concat(this.inflateIn), { dictionary: DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    const out = all.subarray(this.inflatedLen);
    this.inflatedLen = all.length;
    const headers: Headers = {};
    let at = 4;
    for (let n = out.readUInt32BE(0); n > 0; n--) {
      const nl = out.readUInt32BE(at);
      const name = out.subarray(at + 4, at + 4 + nl).toString("latin1");
      at += 4 + nl;
      const vl = out.readUInt32BE(at);
      headers[name.toLowerCase()] = out.subarray(at + 4, at + 4 + vl).toString("latin1").split("\0");
      at += 4 + vl;
    }
    return headers;
  }

  /** Our header blocks: one stored deflate block each, after the zlib header in the first. */
  private headerBlock(headers: Headers): Buffer {
    const parts: Buffer[] = [];
    const u32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(n);
      return b;
    };
    const entries = Object.entries(headers);
    parts.push(u32(entries.length));
    for (const [k, v] of entries) {
      const value = Buffer.from(v.join("\0"), "latin1");
      parts.push(u32(k.length), Buffer.from(k.toLowerCase(), "latin1"), u32(value.length), value);
    }
    const raw = Buffer.concat(parts);
    const stored = Buffer.alloc(5);
    stored[0] = 0; // BFINAL=0, BTYPE=00 (stored), padded to the byte
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    const zlibHeader = this.headerOutStarted ? Buffer.alloc(0) : Buffer.from([0x78, 0x01]);
    this.headerOutStarted = true;
    // The empty stored block after it is a sync flush: an inflater hands out what it has at an empty
    // block, not at the end of a full one (Go's does not), and the block ends where the frame ends.
    return Buffer.concat([zlibHeader, stored, raw, SYNC_FLUSH]);
  }

  accept(id: number, headers: Headers = {}): void {
    const sid = Buffer.alloc(4);
    sid.writeUInt32BE(id);
    this.control(SYN_REPLY, 0, Buffer.concat([sid, this.headerBlock(headers)]));
  }

  reset(id: number, status = 3 /* REFUSED_STREAM */): void {
    const p = Buffer.alloc(8);
    p.writeUInt32BE(id, 0);
    p.writeUInt32BE(status, 4);
    this.control(RST_STREAM, 0, p);
  }

  /** DATA on a stream, split to frames of at most 16 KiB; fin closes our direction of it. */
  write(id: number, data: Buffer, fin = false): void {
    let off = 0;
    do {
      const part = data.subarray(off, off + 16_384);
      off += part.length;
      const h = Buffer.alloc(8);
      h.writeUInt32BE(id & 0x7fffffff, 0);
      h[4] = fin && off >= data.length ? FLAG_FIN : 0;
      h.writeUIntBE(part.length, 5, 3);
      this.send(Buffer.concat([h, part]));
    } while (off < data.length);
  }

  goAway(): void {
    this.control(GOAWAY, 0, Buffer.alloc(8));
  }

  /** Closes our side once everything written is flushed. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.end();
  }

  private control(type: number, flags: number, payload: Buffer): void {
    const h = Buffer.alloc(8);
    h.writeUInt16BE(0x8000 | VERSION, 0);
    h.writeUInt16BE(type, 2);
    h[4] = flags;
    h.writeUIntBE(payload.length, 5, 3);
    this.send(Buffer.concat([h, payload]));
  }

  private send(b: Buffer): void {
    if (!this.ended && !this.socket.destroyed) this.socket.write(b);
  }
}
