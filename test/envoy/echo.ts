// Echo backends for real-Envoy tests. Each answers with who it is (Service and endpoint) and what it
// received, so a test can assert both routing and what Envoy did to the request. One port speaks
// HTTP/1.1 (with WebSocket upgrade), h2c with prior knowledge (how Envoy sends gRPC and HTTP/2
// upstreams) and, optionally, TLS; TCP and UDP echo their payload after a header line.
import { createHash } from "node:crypto";
import dgram from "node:dgram";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { Duplex } from "node:stream";
import tls from "node:tls";
import type { AddressInfo } from "node:net";

export interface EchoReply {
  service: string;
  /** The Service's namespace, when the echo was told it (conformance backends). */
  namespace?: string;
  endpoint: string;
  method: string;
  path: string;
  host: string;
  protocol: string;
  headers: Record<string, string>;
  body: string;
  /** TLS echoes: the SNI, and the subject CN of the client certificate when one was asked for and given. */
  tls?: { servername: string | null; clientCn?: string };
}

export interface Echo {
  service: string;
  endpoint: string;
  port: number;
  /** Every HTTP request this endpoint answered, in order (TCP/UDP echoes keep none). */
  seen: EchoReply[];
  close(): Promise<void>;
}

function headersOf(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !k.startsWith(":")) out[k] = Array.isArray(v) ? v.join(",") : v;
  return out;
}

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

/** A Go duration as the upstream echo takes it in ?delay= ("1s", "500ms", "1.5s"); 0 when absent or unparsable. */
function goDuration(text: string | null): number {
  const m = text ? /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text) : null;
  if (!m) return 0;
  return Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "s" ? 1000 : 60_000);
}

/** `X-Echo-Set-Header: name:value,name:value`: headers the upstream echo adds to its answer. */
function echoSetHeaders(value: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const list of Array.isArray(value) ? value : value ? [value] : []) {
    for (const kv of list.split(",")) {
      const i = kv.indexOf(":");
      const name = (i < 0 ? kv : kv.slice(0, i)).trim();
      if (!name) continue;
      const v = i < 0 ? "" : kv.slice(i + 1).trim();
      out[name] = out[name] === undefined ? v : `${out[name]},${v}`;
    }
  }
  return out;
}

interface Behaviour {
  namespace?: string;
  /** Also behave as the upstream conformance echo (echo-basic) does for its inputs: ?delay=, /retry/ (with ?delayRetry=), X-Echo-Set-Header. */
  upstream?: boolean;
}

function handler(service: string, endpoint: string, secure: () => EchoReply["tls"], seen: EchoReply[], b: Behaviour = {}) {
  const failed = new Set<string>();
  const attempts = new Map<string, number>();
  return (req: Req, res: Res): void => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const path = req.url ?? "";
      // /status/NNN answers with that status (retries, mirrors of errors); /delay/MS waits first (timeouts).
      // /fail-once/ID answers 500 the first time an ID is seen, then 200 (retries).
      let code = 200;
      const forced = /^\/status\/(\d{3})/.exec(path);
      if (forced) code = Number(forced[1]);
      else if (path.startsWith("/fail-once/") && !failed.has(path)) {
        failed.add(path);
        code = 500;
      }
      const delay = /^\/delay\/(\d+)/.exec(path);
      let wait = delay ? Number(delay[1]) : 0;
      const extra: Record<string, string> = {};
      if (b.upstream) {
        const q = new URL(path, "http://echo").searchParams;
        wait = wait || goDuration(q.get("delay"));
        Object.assign(extra, echoSetHeaders(req.headers["x-echo-set-header"]));
        // /retry/?uuid=U&succeedAfter=N[&responseCode=C]: fail the first N attempts of U, with C or a reset.
        if (path.startsWith("/retry/")) {
          const id = q.get("uuid") ?? "";
          const n = attempts.get(id) ?? 0;
          if (n < Number(q.get("succeedAfter") ?? 0)) {
            attempts.set(id, n + 1);
            wait = goDuration(q.get("delayRetry"));
            const rc = Number(q.get("responseCode"));
            if (!rc) return void req.socket?.resetAndDestroy();
            code = rc;
          }
        }
      }
      const reply: EchoReply = {
        service,
        ...(b.namespace ? { namespace: b.namespace } : {}),
        endpoint,
        method: req.method ?? "",
        path,
        host: (req.headers[":authority"] as string | undefined) ?? req.headers.host ?? "",
        protocol: req.httpVersion === "2.0" ? "HTTP/2" : `HTTP/${req.httpVersion}`,
        headers: headersOf(req.headers),
        body,
        ...(secure() ? { tls: secure() } : {}),
      };
      seen.push(reply);
      const send = () => {
        const text = JSON.stringify(reply);
        (res as http.ServerResponse).writeHead(code, { ...extra, "content-type": "application/json", "x-echo-service": service, "x-echo-endpoint": endpoint });
        res.end(text);
      };
      if (wait) setTimeout(send, wait).unref();
      else send();
    });
  };
}

/** Answers a WebSocket handshake and echoes text frames back prefixed with the endpoint name. */
function websocket(endpoint: string) {
  return (req: http.IncomingMessage, socket: net.Socket): void => {
    const key = req.headers["sec-websocket-key"];
    if (req.headers.upgrade?.toLowerCase() !== "websocket" || typeof key !== "string") return void socket.destroy();
    const accept = createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.on("data", (buf: Buffer) => {
      const frame = decodeFrame(buf);
      if (frame !== undefined) socket.write(encodeFrame(`${endpoint}:${frame}`));
    });
    socket.on("error", () => {});
  };
}

/** One masked client text frame (payload < 126 bytes: enough for tests). */
export function decodeFrame(buf: Buffer): string | undefined {
  if (buf.length < 2) return undefined;
  const masked = (buf[1]! & 0x80) !== 0;
  const len = buf[1]! & 0x7f;
  if (len > 125) return undefined;
  const off = masked ? 6 : 2;
  const data = Buffer.from(buf.subarray(off, off + len));
  if (masked) for (let i = 0; i < data.length; i++) data[i]! ^= buf[2 + (i % 4)]!;
  return data.toString();
}

export function encodeFrame(text: string, mask = false): Buffer {
  const data = Buffer.from(text);
  const head = Buffer.from([0x81, (mask ? 0x80 : 0) | data.length]);
  if (!mask) return Buffer.concat([head, data]);
  const key = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(data.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([head, key, masked]);
}

const H2_PREFACE = "PRI * HTTP/2.0";

/** A duplex over `socket` that first yields `head` (bytes already read from it). */
function replaying(socket: net.Socket, head: Buffer): Duplex {
  const d = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      socket.write(chunk, cb);
    },
    final(cb) {
      socket.end();
      cb();
    },
    destroy(err, cb) {
      socket.destroy();
      cb(err);
    },
  });
  d.push(head);
  socket.on("data", (c: Buffer) => {
    if (!d.push(c)) socket.pause();
  });
  socket.on("end", () => d.push(null));
  socket.on("close", () => d.destroy());
  return d;
}

export interface EchoOptions {
  service: string;
  endpoint: string;
  host: string;
  port?: number;
  /** Serve TLS with this certificate (ALPN h2 and http/1.1); with `ca`, require a client certificate from it. */
  tls?: { cert: string; key: string; ca?: string };
  /** Report this namespace in every answer. */
  namespace?: string;
  /** See Behaviour.upstream. */
  upstream?: boolean;
}

/** An HTTP echo: HTTP/1.1, WebSocket and h2c on one port (by sniffing the preface), or TLS. */
export async function startHttpEcho(o: EchoOptions): Promise<Echo> {
  let servername: string | null = null;
  let clientCn: string | undefined;
  const secure = () => (o.tls ? { servername, ...(clientCn !== undefined ? { clientCn } : {}) } : undefined);
  const seen: EchoReply[] = [];
  const behaviour: Behaviour = { ...(o.namespace ? { namespace: o.namespace } : {}), ...(o.upstream ? { upstream: true } : {}) };
  const h1 = http.createServer(handler(o.service, o.endpoint, secure, seen, behaviour));
  h1.on("upgrade", websocket(o.endpoint));
  const h2 = http2.createServer({}, handler(o.service, o.endpoint, secure, seen, behaviour));
  const route = (socket: net.Socket | tls.TLSSocket) => {
    socket.on("error", () => {});
    socket.once("data", (first: Buffer) => {
      socket.pause();
      const isH2 = first.subarray(0, H2_PREFACE.length).toString() === H2_PREFACE;
      if (!isH2) {
        socket.unshift(first);
        h1.emit("connection", socket);
        socket.resume();
        return;
      }
      // The HTTP/2 server reads a plain socket's native handle and would never see an unshifted
      // preface: hand it a stream that replays the first bytes, then relays the socket.
      h2.emit("connection", replaying(socket, first));
    });
  };
  const server = o.tls
    ? tls.createServer({ cert: o.tls.cert, key: o.tls.key, ALPNProtocols: ["h2", "http/1.1"], ...(o.tls.ca ? { ca: o.tls.ca, requestCert: true, rejectUnauthorized: true } : {}) }, (s) => {
        servername = (s as tls.TLSSocket & { servername?: string | false }).servername || null;
        if (o.tls?.ca) clientCn = String(s.getPeerCertificate().subject?.CN ?? "");
        // ALPN already said h2: hand the socket over untouched (bytes read to sniff would be lost).
        if (s.alpnProtocol === "h2") {
          s.on("error", () => {});
          h2.emit("connection", s);
        } else route(s);
      })
    : net.createServer(route);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, o.host, resolve);
  });
  const conns = new Set<net.Socket>();
  server.on("connection", (c: net.Socket) => {
    conns.add(c);
    c.on("close", () => conns.delete(c));
  });
  return {
    service: o.service,
    endpoint: o.endpoint,
    seen,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const c of conns) c.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** TCP: writes "<endpoint>\n", then echoes what it receives. */
export async function startTcpEcho(o: { service: string; endpoint: string; host: string }): Promise<Echo> {
  const conns = new Set<net.Socket>();
  const server = net.createServer((s) => {
    conns.add(s);
    s.on("close", () => conns.delete(s));
    s.on("error", () => {});
    s.write(`${o.endpoint}\n`);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, o.host, r));
  return {
    ...o,
    seen: [],
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const c of conns) c.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** UDP: answers each datagram with "<endpoint>:<payload>". */
export async function startUdpEcho(o: { service: string; endpoint: string; host: string }): Promise<Echo> {
  const sock = dgram.createSocket("udp4");
  sock.on("message", (msg, rinfo) => sock.send(`${o.endpoint}:${msg.toString()}`, rinfo.port, rinfo.address));
  await new Promise<void>((r) => sock.bind(0, o.host, r));
  return { ...o, seen: [], port: sock.address().port, close: () => new Promise<void>((r) => sock.close(() => r())) };
}
