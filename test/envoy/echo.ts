// Echo backends for real-Envoy tests. Each answers with who it is (Service and endpoint) and what it
// received, so a test can assert both routing and what Envoy did to the request. One port speaks
// HTTP/1.1 (with WebSocket upgrade), h2c with prior knowledge (how Envoy sends gRPC and HTTP/2
// upstreams) and, optionally, TLS; TCP and UDP echo their payload after a header line.
import { createHash } from "node:crypto";
import dgram from "node:dgram";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";
import type { AddressInfo } from "node:net";

export interface EchoReply {
  service: string;
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

function handler(service: string, endpoint: string, secure: () => EchoReply["tls"], seen: EchoReply[]) {
  const failed = new Set<string>();
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
      const reply: EchoReply = {
        service,
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
        (res as http.ServerResponse).writeHead(code, { "content-type": "application/json", "x-echo-service": service, "x-echo-endpoint": endpoint });
        res.end(text);
      };
      if (delay) setTimeout(send, Number(delay[1])).unref();
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

export interface EchoOptions {
  service: string;
  endpoint: string;
  host: string;
  port?: number;
  /** Serve TLS with this certificate (ALPN h2 and http/1.1); with `ca`, require a client certificate from it. */
  tls?: { cert: string; key: string; ca?: string };
}

/** An HTTP echo: HTTP/1.1, WebSocket and h2c on one port (by sniffing the preface), or TLS. */
export async function startHttpEcho(o: EchoOptions): Promise<Echo> {
  let servername: string | null = null;
  let clientCn: string | undefined;
  const secure = () => (o.tls ? { servername, ...(clientCn !== undefined ? { clientCn } : {}) } : undefined);
  const seen: EchoReply[] = [];
  const h1 = http.createServer(handler(o.service, o.endpoint, secure, seen));
  h1.on("upgrade", websocket(o.endpoint));
  const h2 = http2.createServer({}, handler(o.service, o.endpoint, secure, seen));
  const route = (socket: net.Socket | tls.TLSSocket) => {
    socket.on("error", () => {});
    socket.once("data", (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const isH2 = first.subarray(0, H2_PREFACE.length).toString() === H2_PREFACE;
      (isH2 ? h2 : h1).emit("connection", socket);
      socket.resume();
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
