// Clients for real-Envoy TLS and L4 tests that need more than harness.request(): a TLS handshake
// that reports what the server presented (certificate, ALPN, key type), an HTTP/2 request over
// TLS, and TCP/UDP exchanges with the echoes of echo.ts.
import dgram from "node:dgram";
import { X509Certificate } from "node:crypto";
import http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";

export interface TlsOptions {
  servername: string;
  /** Trust this CA; without it the server certificate is not verified. */
  ca?: string;
  cert?: string;
  key?: string;
  alpn?: string[];
  /** Signature algorithms the client offers (steers RSA vs ECDSA certificate selection). */
  sigalgs?: string;
  /** Bytes to send once the handshake is done; the reply's first chunk is returned. */
  send?: string;
}

export interface Handshake {
  /** Subject CN and SANs (node's "DNS:a, DNS:b" form) of the certificate the server presented. */
  cn: string;
  sans: string;
  keyType: string;
  alpn: string | false;
  /** The first data the server sent after the handshake (with `send`). */
  reply?: string;
}

const TIMEOUT = 10_000;

/**
 * A TLS handshake to host:port. Rejects when the handshake fails; TLS 1.3 servers report a refused
 * client certificate only after the handshake, so with `send` the refusal shows as a rejection too.
 */
export function handshake(host: string, port: number, o: TlsOptions): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({
      host,
      port,
      servername: o.servername,
      ca: o.ca,
      cert: o.cert,
      key: o.key,
      ALPNProtocols: o.alpn,
      sigalgs: o.sigalgs,
      rejectUnauthorized: !!o.ca,
    });
    s.setTimeout(TIMEOUT, () => s.destroy(new Error("TLS handshake timed out")));
    s.once("error", reject);
    s.once("close", () => reject(new Error("connection closed")));
    s.once("secureConnect", () => {
      const peer = s.getPeerX509Certificate();
      const parsed = peer ? new X509Certificate(peer.raw) : undefined;
      const result: Handshake = {
        cn: /CN=([^\n]+)/.exec(parsed?.subject ?? "")?.[1] ?? "",
        sans: parsed?.subjectAltName ?? "",
        keyType: parsed?.publicKey.asymmetricKeyType ?? "",
        alpn: s.alpnProtocol ?? false,
      };
      if (o.send === undefined) {
        s.end();
        return resolve(result);
      }
      s.write(o.send);
      let reply = "";
      s.on("data", (d: Buffer) => {
        reply += d.toString();
        if (reply.includes(o.send!)) {
          s.end();
          resolve({ ...result, reply });
        }
      });
    });
  });
}

/** One GET over HTTP/2 (ALPN h2): the status, and the ALPN the server chose. */
export function h2Get(host: string, port: number, o: { servername: string; ca: string; path?: string; authority?: string }): Promise<{ status: number; alpn: string | false; body: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://${host}:${port}`, { servername: o.servername, ca: o.ca, ALPNProtocols: ["h2"] });
    session.once("error", reject);
    session.setTimeout(TIMEOUT, () => session.destroy(new Error("h2 request timed out")));
    const req = session.request({ ":path": o.path ?? "/", ":authority": o.authority ?? o.servername });
    let status = 0;
    let body = "";
    req.once("response", (h) => (status = Number(h[":status"])));
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.once("error", reject);
    req.once("end", () => {
      const alpn = session.alpnProtocol ?? false;
      session.close();
      resolve({ status, alpn, body });
    });
    req.end();
  });
}

/** TCP: connects, sends `payload`, and resolves with everything read once the payload came back. */
export function tcpExchange(host: string, port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    let got = "";
    s.setTimeout(TIMEOUT, () => s.destroy(new Error("TCP exchange timed out")));
    s.once("error", reject);
    s.once("close", () => reject(new Error(`connection closed after ${JSON.stringify(got)}`)));
    s.once("connect", () => s.write(payload));
    s.on("data", (d: Buffer) => {
      got += d.toString();
      if (got.includes(payload)) {
        s.end();
        resolve(got);
      }
    });
  });
}

/** UDP: one datagram from a fresh socket (a new session for udp_proxy), and the first reply. */
export function udpExchange(host: string, port: number, payload: string, ms = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket("udp4");
    const timer = setTimeout(() => {
      s.close();
      reject(new Error("no UDP reply"));
    }, ms);
    s.once("message", (m) => {
      clearTimeout(timer);
      s.close();
      resolve(m.toString());
    });
    s.send(payload, port, host);
  });
}
